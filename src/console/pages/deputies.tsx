import type { Context } from 'hono';
import { createDelegationSchema } from '../../domain/approvals/approvals.schemas.ts';
import { AppError } from '../../shared/errors.ts';
import type { ConsoleFeature, ConsoleTools } from '../console.tsx';
import { type ConsoleEnv, requireContext } from '../env.ts';
import { formValues, optional, refusalMessage, text, validate } from '../forms.ts';
import { Badge, CsrfField, ErrorSummary, type FieldErrors, TextArea, TextField } from '../ui.tsx';

type FormState = { errors?: FieldErrors; message?: string; values?: Record<string, string | string[]> };

/** The signed-in approver's worker id; a sign-in that is not a worker approves nothing. */
function approverOf(c: Context<ConsoleEnv>): string {
  const workerId = requireContext(c).actor.workerId;
  if (!workerId) throw new AppError('approval.not_approver', 'Your sign-in is not linked to a worker, so you approve nothing and need no deputy.');
  return workerId;
}

/** The form's fields by the names the service reports (the deputy is typed as a login id). */
const fieldOfInput: Record<string, string> = { deputyWorkerId: 'deputyLogin', startsOn: 'startsOn', endsOn: 'endsOn', reason: 'reason' };

function fieldErrorOf(error: unknown): FieldErrors | undefined {
  if (!(error instanceof AppError) || error.status >= 500) return undefined;
  const field = (error.details as { field?: unknown } | undefined)?.field;
  const name = typeof field === 'string' ? fieldOfInput[field] : undefined;
  return name ? { [name]: error.message } : undefined;
}

async function deputiesPage(c: Context<ConsoleEnv>, tools: ConsoleTools, state: FormState = {}, status = 200) {
  const ctx = requireContext(c);
  const delegations = await tools.services.delegations.listInForce(ctx, approverOf(c));
  const v = state.values ?? {};
  return tools.render(
    c, 'Deputies for your absences',
    <>
      <p>While you are away, your deputy approves or denies access requests in your place. Dates are inclusive, in your agency's calendar.</p>
      <h2 id="deputies">Current and upcoming deputies</h2>
      {delegations.length === 0 ? <p>You have no deputy now or to come.</p> : (
        <table aria-labelledby="deputies">
          <thead><tr><th scope="col">Deputy</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Reason</th><th scope="col">Status</th><th scope="col">Action</th></tr></thead>
          <tbody>
            {delegations.map((d) => (
              <tr>
                <td>{d.deputyName} ({d.deputyLoginId})</td>
                <td>{d.startsOn}</td>
                <td>{d.endsOn}</td>
                <td>{d.reason}</td>
                <td><Badge value={d.current ? 'current' : 'upcoming'} /></td>
                <td>
                  <form method="post" action={`/deputies/${d.id}/end`}>
                    <CsrfField token={c.get('csrfToken')} />
                    <button type="submit" class="danger" aria-label={`${d.current ? 'End' : 'Withdraw'} ${d.deputyName} as deputy from ${d.startsOn} to ${d.endsOn}`}>{d.current ? 'End now' : 'Withdraw'}</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form method="post" action="/deputies" class="stack" novalidate>
        <h2>Name a deputy</h2>
        <ErrorSummary message={state.message} errors={state.errors} />
        <CsrfField token={c.get('csrfToken')} />
        <TextField name="deputyLogin" label="Deputy's login id" hint="A colleague in your agency." value={text(v, 'deputyLogin')} errors={state.errors} required />
        <TextField name="startsOn" label="First day away" type="date" value={text(v, 'startsOn')} errors={state.errors} required />
        <TextField name="endsOn" label="Last day away" type="date" hint="Today or later." value={text(v, 'endsOn')} errors={state.errors} required />
        <TextArea name="reason" label="Reason for the absence" value={text(v, 'reason')} errors={state.errors} required />
        <button type="submit">Name the deputy</button>
      </form>
    </>,
    { status },
  );
}

/** An approver names a deputy for an absence, sees the current and upcoming ones, and ends one. */
export function deputiesFeature(): ConsoleFeature {
  return {
    nav: [],
    mount(app, tools) {
      const { delegations } = tools.services;
      app.get('/deputies', (c) => deputiesPage(c, tools));
      app.post('/deputies', async (c) => {
        const ctx = requireContext(c);
        const me = approverOf(c);
        const values = await formValues(c);
        const login = optional(values, 'deputyLogin');
        const deputy = login ? await delegations.findDeputyByLogin(ctx, me, login) : undefined;
        const parsed = validate(createDelegationSchema, { deputyWorkerId: deputy?.id ?? '', startsOn: text(values, 'startsOn'), endsOn: text(values, 'endsOn'), reason: text(values, 'reason') });
        if (!parsed.ok) {
          const { deputyWorkerId, ...errors } = parsed.errors;
          const deputyError = deputyWorkerId ? (login ? `No worker with login id ${login} in your agency.` : "Enter your deputy's login id.") : undefined;
          return deputiesPage(c, tools, { errors: { ...errors, ...(deputyError ? { deputyLogin: deputyError } : {}) }, values }, 422);
        }
        try {
          await delegations.create(ctx, me, parsed.data);
          return tools.redirect(c, '/deputies', `${deputy?.name ?? 'Your deputy'} decides in your place from ${parsed.data.startsOn} to ${parsed.data.endsOn}.`);
        } catch (error) {
          const errors = fieldErrorOf(error);
          return deputiesPage(c, tools, errors ? { errors, values } : { message: refusalMessage(error), values }, 422);
        }
      });
      app.post('/deputies/:id/end', async (c) => {
        const ctx = requireContext(c);
        try {
          const outcome = await delegations.end(ctx, c.req.param('id'));
          return tools.redirect(c, '/deputies', outcome === 'ended' ? 'The delegation is ended: the deputy decides nothing more in your place from today.' : 'The delegation is withdrawn; it never takes effect.');
        } catch (error) {
          return deputiesPage(c, tools, { message: refusalMessage(error) }, 422);
        }
      });
    },
  };
}
