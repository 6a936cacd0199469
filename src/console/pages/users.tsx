import type { Context } from 'hono';
import { createConsoleUserSchema, resetPasswordSchema } from '../../domain/console-users/console-users.schemas.ts';
import { roles } from '../../domain/auth/tokens.schemas.ts';
import type { ConsoleFeature, ConsoleTools } from '../console.tsx';
import { type ConsoleEnv, requireContext } from '../env.ts';
import { formValues, refusalMessage, optional, text, validate } from '../forms.ts';
import { findWorkerByLogin, shortDate } from '../lookups.ts';
import { hasRole } from '../page.ts';
import { CsrfField, ErrorSummary, type FieldErrors, Pager, SelectField, TextField } from '../ui.tsx';

type FormState = { errors?: FieldErrors; message?: string; values?: Record<string, string | string[]> };

async function usersPage(c: Context<ConsoleEnv>, tools: ConsoleTools, state: FormState = {}, status = 200) {
  const ctx = requireContext(c);
  const agency = await tools.agencyOf(c);
  const search = c.req.query('q')?.trim().slice(0, 64) || undefined;
  const cursor = c.req.query('cursor') || undefined;
  const page = await tools.services.consoleUsers.list(ctx, agency.id, { search, limit: 50, cursor });
  const v = state.values ?? {};
  return tools.render(
    c, 'Console users',
    <>
      <form method="get" action="/users" class="inline" role="search">
        <div class="field"><label for="q">Search by user name or name</label><input type="search" id="q" name="q" value={search ?? ''} /></div>
        <button type="submit">Search</button>
      </form>
      <table>
        <thead><tr><th scope="col">User name</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Sign-in</th><th scope="col">Reset password</th></tr></thead>
        <tbody>
          {page.items.map((u) => (
            <tr>
              <td>{u.login}</td>
              <td>{u.name}</td>
              <td>{u.roles.map((r) => r.role.replaceAll('_', ' ')).join(', ')}</td>
              <td>{u.hasPassword ? 'password' : ''}{u.email ? ` · SSO by ${u.email}` : ''}{u.lockedUntil ? ` · locked until ${shortDate(u.lockedUntil)}` : ''}</td>
              <td>
                <form method="post" action={`/users/${u.id}/password`} class="inline">
                  <CsrfField token={c.get('csrfToken')} />
                  <div class="field"><label for={`pw-${u.id}`}>New password for {u.login}</label><input type="password" id={`pw-${u.id}`} name="password" autocomplete="new-password" /></div>
                  <button type="submit" class="secondary">Reset</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager path="/users" params={{ q: search }} nextCursor={page.nextCursor} first={!cursor} />
      <h2>Add a console user</h2>
      <ErrorSummary message={state.message} errors={state.errors} />
      <form method="post" action="/users" class="stack" novalidate>
        <CsrfField token={c.get('csrfToken')} />
        <TextField name="login" label="User name" value={text(v, 'login')} errors={state.errors} required />
        <TextField name="name" label="Full name" value={text(v, 'name')} errors={state.errors} required />
        <TextField name="email" label="Email (single sign-on matches on it)" type="email" value={text(v, 'email')} errors={state.errors} />
        <SelectField name="role" label="Role" options={roles.filter((r) => r !== 'state_admin').map((r) => ({ value: r, label: r.replaceAll('_', ' ') }))} value={text(v, 'role')} errors={state.errors} />
        <TextField name="workerLogin" label="Worker login id (links the user to their worker record; needed to approve or see own access)" value={text(v, 'workerLogin')} errors={state.errors} />
        <TextField name="password" label="Initial password (at least 12 characters; leave blank for single sign-on only)" type="password" errors={state.errors} />
        <button type="submit">Add the user</button>
      </form>
    </>,
    { status, agency },
  );
}

/** Console accounts of the agency: LAN administrators add them and reset passwords. */
export function usersFeature(): ConsoleFeature {
  return {
    nav: [{ href: '/users', label: 'Console users', visible: (a) => hasRole(a, 'state_admin', 'lan_admin') }],
    mount(app, tools) {
      app.get('/users', (c) => usersPage(c, tools));
      app.post('/users', async (c) => {
        const ctx = requireContext(c);
        const agency = await tools.agencyOf(c);
        const values = await formValues(c);
        let workerId: string | null = null;
        const workerLogin = optional(values, 'workerLogin');
        if (workerLogin) {
          workerId = (await findWorkerByLogin(tools.services, ctx, agency.id, workerLogin))?.id ?? null;
          if (!workerId) return usersPage(c, tools, { errors: { workerLogin: `No worker with login id ${workerLogin} in ${agency.name}.` }, values }, 422);
        }
        const parsed = validate(createConsoleUserSchema, {
          login: text(values, 'login'), name: text(values, 'name'), email: optional(values, 'email') ?? null, password: optional(values, 'password') ?? null,
          role: text(values, 'role'), agencyId: agency.id, workerId,
        });
        if (!parsed.ok) return usersPage(c, tools, { errors: parsed.errors, values }, 422);
        try {
          const user = await tools.services.consoleUsers.create(ctx, parsed.data);
          return tools.redirect(c, '/users', `Console user ${user.login} added.`);
        } catch (error) {
          return usersPage(c, tools, { message: refusalMessage(error), values }, 422);
        }
      });
      app.post('/users/:id/password', async (c) => {
        const ctx = requireContext(c);
        const parsed = validate(resetPasswordSchema, { password: text(await formValues(c), 'password') });
        if (!parsed.ok) return usersPage(c, tools, { message: `New password: ${parsed.errors.password}` }, 422);
        try {
          const user = await tools.services.consoleUsers.resetPassword(ctx, c.req.param('id'), parsed.data.password);
          return tools.redirect(c, '/users', `The password of ${user.login} is reset; the lockout is lifted and their sessions ended.`);
        } catch (error) {
          return usersPage(c, tools, { message: refusalMessage(error) }, 422);
        }
      });
    },
  };
}
