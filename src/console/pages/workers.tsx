import type { Context } from 'hono';
import type { z } from 'zod';
import { leaveReasonSchema, recordLeaveSchema } from '../../domain/lifecycle/lifecycle.schemas.ts';
import { registerWorkerSchema, statusChangeSchema, updateWorkerSchema } from '../../domain/workers/workers.schemas.ts';
import { hasPermission } from '../../domain/auth/permissions.ts';
import { AppError } from '../../shared/errors.ts';
import type { ConsoleFeature, ConsoleTools } from '../console.tsx';
import { type ConsoleEnv, requireContext } from '../env.ts';
import { formValues, refusalMessage, optional, text, validate } from '../forms.ts';
import { agencyUnits, findWorkerByLogin, fullName, unitOptions } from '../lookups.ts';
import { hasRole } from '../page.ts';
import { LeaveSection } from './leave-section.tsx';
import { LeaverCaseLinks, leaverCasesOf } from './leaver-case-links.tsx';
import { Badge, CsrfField, ErrorSummary, type FieldErrors, Pager, TextArea, TextField, SelectField } from '../ui.tsx';

type FormState = { form?: string; errors?: FieldErrors; message?: string; values?: Record<string, string | string[]> };

async function listPage(c: Context<ConsoleEnv>, tools: ConsoleTools) {
  const ctx = requireContext(c);
  const agency = await tools.agencyOf(c);
  const search = c.req.query('q')?.trim().slice(0, 100) || undefined;
  const cursor = c.req.query('cursor') || undefined;
  const page = await tools.services.workers.list(ctx, agency.id, { search, limit: 50, cursor });
  const units = new Map((await agencyUnits(tools.services, ctx, agency.id)).map((u) => [u.id, u.code]));
  return tools.render(
    c, 'Workers',
    <>
      {hasPermission(ctx.actor, 'workers.write', agency.id) ? <p><a class="button" href="/workers/new">Register a worker</a></p> : null}
      <form method="get" action="/workers" class="inline" role="search">
        <div class="field"><label for="q">Search by name or login</label><input type="search" id="q" name="q" value={search ?? ''} /></div>
        <button type="submit">Search</button>
      </form>
      <table>
        <thead><tr><th scope="col">Name</th><th scope="col">Login</th><th scope="col">Unit</th><th scope="col">Job type</th><th scope="col">Directory</th></tr></thead>
        <tbody>
          {page.items.map((w) => (
            <tr>
              <td><a href={`/workers/${w.id}`}>{w.lastName}, {w.firstName}</a></td>
              <td>{w.loginId}</td>
              <td>{units.get(w.unitId)}</td>
              <td>{w.jobType}</td>
              <td>{w.enabled ? 'enabled' : <Badge value="disabled" />}{w.terminationDate ? ` · leaves ${w.terminationDate}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.items.length === 0 ? <p>No worker matches.</p> : null}
      <Pager path="/workers" params={{ q: search }} nextCursor={page.nextCursor} first={!cursor} />
    </>,
    { agency },
  );
}

async function registerForm(c: Context<ConsoleEnv>, tools: ConsoleTools, state: FormState = {}, status = 200) {
  const ctx = requireContext(c);
  const agency = await tools.agencyOf(c);
  const units = await agencyUnits(tools.services, ctx, agency.id);
  const v = state.values ?? {};
  return tools.render(
    c, 'Register a worker',
    <>
      <p>The worker gets an account in the holding unit with no access; the security coordinator assesses the job next.</p>
      <ErrorSummary message={state.message} errors={state.errors} />
      <form method="post" action="/workers" class="stack" novalidate>
        <CsrfField token={c.get('csrfToken')} />
        <TextField name="firstName" label="First name" value={text(v, 'firstName')} errors={state.errors} required />
        <TextField name="lastName" label="Last name" value={text(v, 'lastName')} errors={state.errors} required />
        <TextField name="loginId" label="Login id" hint='Unique statewide, e.g. "jdoe01".' value={text(v, 'loginId')} errors={state.errors} required />
        <TextField name="email" label="Email (optional)" type="email" value={text(v, 'email')} errors={state.errors} />
        <SelectField name="unitId" label="Unit" options={unitOptions(units.filter((u) => !u.holding))} value={text(v, 'unitId')} blank="Choose a unit" errors={state.errors} />
        <TextField name="jobType" label="Job type" hint='A job type code, e.g. "cps_caseworker".' value={text(v, 'jobType')} errors={state.errors} required />
        <TextField name="supervisorLogin" label="Supervisor's login id (optional)" hint="The supervisor approves the worker's access requests." value={text(v, 'supervisorLogin')} errors={state.errors} />
        <TextField name="hireDate" label="Hire date (optional)" type="date" value={text(v, 'hireDate')} errors={state.errors} />
        <button type="submit">Register the worker</button>
      </form>
    </>,
    { status, agency },
  );
}

async function workerPage(c: Context<ConsoleEnv>, tools: ConsoleTools, state: FormState = {}, status = 200) {
  const ctx = requireContext(c);
  const worker = await tools.services.workers.get(ctx, c.req.param('id') ?? '');
  const units = await agencyUnits(tools.services, ctx, worker.agencyId);
  const unitName = new Map(units.map((u) => [u.id, `${u.code} ${u.name}`]));
  const accounts = hasPermission(ctx.actor, 'accounts.read', worker.agencyId) ? (await tools.services.accounts.listForWorker(ctx, worker.id, { limit: 20 })).items : [];
  const mayWrite = hasPermission(ctx.actor, 'workers.write', worker.agencyId);
  const mayAssess = hasPermission(ctx.actor, 'assessments.write', worker.agencyId);
  const leaves = (await tools.services.leaves.listForWorker(ctx, worker.id, { limit: 20 })).items;
  const leaverCases = await leaverCasesOf(tools.services, ctx, worker);
  const v = state.values ?? {};
  const errorsFor = (form: string) => (state.form === form ? state.errors : undefined);
  const messageFor = (form: string) => (state.form === form ? state.message : undefined);
  return tools.render(
    c, fullName(worker),
    <>
      <dl class="facts">
        <dt>Login</dt><dd>{worker.loginId}</dd>
        <dt>Unit</dt><dd>{unitName.get(worker.unitId)}</dd>
        <dt>Job type</dt><dd>{worker.jobType}</dd>
        <dt>Directory</dt><dd>{worker.enabled ? 'enabled' : 'disabled'}</dd>
        <dt>Hire date</dt><dd>{worker.hireDate ?? 'not recorded'}</dd>
        <dt>Departure</dt><dd>{worker.terminationDate ?? 'none recorded'}</dd>
        <dt>Source</dt><dd>{worker.source}</dd>
      </dl>
      <LeaverCaseLinks cases={leaverCases} />
      {accounts.length > 0 ? (
        <>
          <h2>Accounts</h2>
          <ul>
            {accounts.map((a) => (
              <li>
                {unitName.get(a.unitId)}: <Badge value={a.status} />
                {units.find((u) => u.id === a.unitId)?.holding && a.status === 'active' && mayAssess ? <> · <a href={`/workers/${worker.id}/assessment`}>Assess this worker</a></> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {hasPermission(ctx.actor, 'requests.create', worker.agencyId) && mayAssess ? <p><a href={`/requests/new?worker=${worker.id}`}>Request access for {fullName(worker)}</a></p> : null}
      <LeaveSection workerId={worker.id} leaves={leaves} mayWrite={mayWrite} csrfToken={c.get('csrfToken')} state={state} />
      {mayWrite ? (
        <div class="actions">
          <form method="post" action={`/workers/${worker.id}/job`} class="stack" novalidate>
            <h2>Change job or unit</h2>
            <ErrorSummary message={messageFor('job')} errors={errorsFor('job')} />
            <CsrfField token={c.get('csrfToken')} />
            <SelectField name="unitId" label="Unit" options={unitOptions(units.filter((u) => !u.holding))} value={state.form === 'job' ? text(v, 'unitId') : worker.unitId} errors={errorsFor('job')} />
            <TextField name="jobType" label="Job type" value={state.form === 'job' ? text(v, 'jobType') : worker.jobType} errors={errorsFor('job')} />
            <TextArea name="jobReason" label="Reason" value={state.form === 'job' ? text(v, 'jobReason') : ''} errors={errorsFor('job')} required />
            <button type="submit">Save the change</button>
          </form>
          <form method="post" action={`/workers/${worker.id}/${worker.enabled ? 'disable' : 'enable'}`} class="stack" novalidate>
            <h2>{worker.enabled ? 'Disable' : 'Enable'} in the directory</h2>
            <ErrorSummary message={messageFor('status')} errors={errorsFor('status')} />
            <CsrfField token={c.get('csrfToken')} />
            <TextArea name="statusReason" label={`Why ${worker.enabled ? 'disable' : 'enable'}`} hint={worker.enabled ? 'Every account stops at once.' : undefined} value={state.form === 'status' ? text(v, 'statusReason') : ''} errors={errorsFor('status')} required />
            <button type="submit" class={worker.enabled ? 'danger' : undefined}>{worker.enabled ? 'Disable now' : 'Enable'}</button>
          </form>
          <form method="post" action={`/workers/${worker.id}/departure`} class="stack" novalidate>
            <h2>Record a departure</h2>
            <ErrorSummary message={messageFor('departure')} errors={errorsFor('departure')} />
            <CsrfField token={c.get('csrfToken')} />
            <TextField name="terminationDate" label="Last day (termination date)" type="date" value={state.form === 'departure' ? text(v, 'terminationDate') : (worker.terminationDate ?? '')} errors={errorsFor('departure')} />
            <TextArea name="departureReason" label="Reason" value={state.form === 'departure' ? text(v, 'departureReason') : ''} errors={errorsFor('departure')} required />
            <button type="submit">Record the departure</button>
          </form>
        </div>
      ) : null}
    </>,
    { status },
  );
}

/**
 * Runs a worker change from one of the detail page's forms, showing its errors next to that form.
 * Each form names its reason `<form>Reason`, so the page's labels point at distinct fields.
 */
async function change<S extends z.ZodType>(c: Context<ConsoleEnv>, tools: ConsoleTools, form: string, schema: S, input: (values: Record<string, string | string[]>) => unknown, apply: (data: z.infer<S>) => Promise<unknown>, done: string) {
  const values = await formValues(c);
  const parsed = validate(schema, input(values));
  if (!parsed.ok) {
    const { reason, ...errors } = parsed.errors;
    return workerPage(c, tools, { form, errors: reason ? { ...errors, [`${form}Reason`]: reason } : errors, values }, 422);
  }
  try {
    await apply(parsed.data);
    return tools.redirect(c, `/workers/${c.req.param('id')}`, done);
  } catch (error) {
    return workerPage(c, tools, { form, message: refusalMessage(error), values }, 422);
  }
}

/** The directory: LAN administrators register and change workers; staff look them up. */
export function workersFeature(): ConsoleFeature {
  return {
    nav: [{ href: '/workers', label: 'Workers', visible: (a) => hasRole(a, 'state_admin', 'lan_admin', 'security_coordinator', 'auditor') }],
    mount(app, tools) {
      const { workers } = tools.services;
      app.get('/workers', (c) => listPage(c, tools));
      app.get('/workers/new', (c) => registerForm(c, tools));
      app.post('/workers', async (c) => {
        const ctx = requireContext(c);
        const agency = await tools.agencyOf(c);
        const values = await formValues(c);
        const supervisorLogin = optional(values, 'supervisorLogin');
        const supervisor = supervisorLogin ? await findWorkerByLogin(tools.services, ctx, agency.id, supervisorLogin) : undefined;
        if (supervisorLogin && !supervisor) return registerForm(c, tools, { errors: { supervisorLogin: `No worker with login id ${supervisorLogin} in ${agency.name}.` }, values }, 422);
        const parsed = validate(registerWorkerSchema, {
          loginId: text(values, 'loginId'), firstName: text(values, 'firstName'), lastName: text(values, 'lastName'), email: optional(values, 'email') ?? null,
          unitId: text(values, 'unitId'), jobType: text(values, 'jobType'), hireDate: optional(values, 'hireDate') ?? null, supervisorId: supervisor?.id ?? null,
        });
        if (!parsed.ok) return registerForm(c, tools, { errors: parsed.errors, values }, 422);
        try {
          const worker = await workers.register(ctx, agency.id, parsed.data);
          return tools.redirect(c, `/workers/${worker.id}`, `${fullName(worker)} is registered; the account waits in the holding unit for the security coordinator's assessment.`);
        } catch (error) {
          return registerForm(c, tools, { message: refusalMessage(error), values }, 422);
        }
      });
      app.get('/workers/:id', (c) => workerPage(c, tools));
      app.post('/workers/:id/job', (c) =>
        change(c, tools, 'job', updateWorkerSchema, (v) => ({ unitId: text(v, 'unitId'), jobType: text(v, 'jobType'), reason: text(v, 'jobReason') }),
          ({ reason, version: _version, ...patch }) => workers.update(requireContext(c), c.req.param('id'), { ...patch, ...(reason ? { reason } : {}) }), 'The job change is saved.'));
      app.post('/workers/:id/disable', (c) =>
        change(c, tools, 'status', statusChangeSchema, (v) => ({ reason: text(v, 'statusReason') }), ({ reason }) => workers.disable(requireContext(c), c.req.param('id'), reason), 'Disabled: every account stopped.'));
      app.post('/workers/:id/enable', (c) =>
        change(c, tools, 'status', statusChangeSchema, (v) => ({ reason: text(v, 'statusReason') }), ({ reason }) => workers.enable(requireContext(c), c.req.param('id'), reason), 'Enabled in the directory.'));
      app.post('/workers/:id/departure', (c) =>
        change(c, tools, 'departure', updateWorkerSchema, (v) => ({ terminationDate: text(v, 'terminationDate'), reason: text(v, 'departureReason') }),
          ({ reason, version: _version, ...patch }) => workers.update(requireContext(c), c.req.param('id'), { ...patch, ...(reason ? { reason } : {}) }), 'The departure is recorded.'));
      app.post('/workers/:id/leaves', (c) =>
        change(c, tools, 'leave', recordLeaveSchema, (v) => ({ startsOn: text(v, 'startsOn'), returnsOn: optional(v, 'returnsOn'), reason: text(v, 'leaveReason') }),
          (input) => tools.services.leaves.record(requireContext(c), c.req.param('id'), input), 'The leave is recorded.'));
      app.post('/workers/:id/leaves/:leaveId/return', (c) =>
        change(c, tools, 'return', leaveReasonSchema, (v) => ({ reason: text(v, 'returnReason') }), async ({ reason }) => {
          const ctx = requireContext(c);
          const leave = await tools.services.leaves.get(ctx, c.req.param('leaveId'));
          if (leave.workerId !== c.req.param('id')) throw new AppError('leave.not_found', 'No leave with that id.');
          return tools.services.leaves.returnEarly(ctx, leave.id, reason);
        }, 'The return is recorded: the accounts are back with the access held before the leave.'));
    },
  };
}
