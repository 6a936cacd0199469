import type { Context } from 'hono';
import { hasPermission } from '../../domain/auth/permissions.ts';
import { exceptionKinds, exceptionStatuses, requestExceptionSchema } from '../../domain/lifecycle/lifecycle.schemas.ts';
import type { ConsoleFeature, ConsoleTools } from '../console.tsx';
import { type ConsoleEnv, requireContext } from '../env.ts';
import { formValues, optional, refusalState, text, validate } from '../forms.ts';
import { applicationFunctions, findWorkerByLogin, mainApplication, shortDate } from '../lookups.ts';
import { hasRole } from '../page.ts';
import { Badge, CsrfField, ErrorSummary, type FieldErrors, Pager, SelectField, TextArea, TextField } from '../ui.tsx';

type FormState = { errors?: FieldErrors; message?: string; values?: Record<string, string | string[]> };

const statusLabel: Record<(typeof exceptionStatuses)[number], string> = {
  active: 'In force', requested: 'Awaiting approval', expired: 'Expired', rejected: 'Not approved',
};

const kindLabel: Record<(typeof exceptionKinds)[number], string> = {
  keep: 'Keep: a function the worker holds, despite a job change that removes it',
  hold: "Hold: a function outside the worker's job template",
};

/** Which field of the form a refusal of the exception service is about. */
const refusalField: Partial<Record<string, string>> = { 'worker.not_found': 'workerLogin', 'account.not_found': 'workerLogin', 'function.not_found': 'functionId', 'exception.not_applicable': 'functionId' };

async function exceptionsPage(c: Context<ConsoleEnv>, tools: ConsoleTools, state: FormState = {}, status = 200) {
  const ctx = requireContext(c);
  const agency = await tools.agencyOf(c);
  const shown = exceptionStatuses.find((s) => s === c.req.query('status')) ?? 'active';
  const cursor = c.req.query('cursor') || undefined;
  const page = await tools.services.exceptions.list(ctx, agency.id, { status: shown, limit: 25, cursor });
  const mayRequest = hasPermission(ctx.actor, 'requests.manage', agency.id);
  const application = mayRequest ? await mainApplication(tools.services, ctx) : undefined;
  const functions = application ? await applicationFunctions(tools.services, ctx, application.id) : [];
  const v = state.values ?? {};
  return tools.render(
    c, 'Access exceptions',
    <>
      <p>An exception keeps a function past a job change, or gives one outside the job template, for a number of days. Each is decided by an access request under the approval policy and ends by itself.</p>
      <form method="get" action="/exceptions" class="inline">
        <SelectField name="status" label="Show exceptions" options={exceptionStatuses.map((s) => ({ value: s, label: statusLabel[s] }))} value={shown} />
        <button type="submit">Show</button>
      </form>
      <h2 id="exception-list">{statusLabel[shown]}</h2>
      {page.items.length === 0 ? <p>No exception is {statusLabel[shown].toLowerCase()}.</p> : (
        <div class="table-wrap">
          <table aria-labelledby="exception-list">
            <thead><tr><th scope="col">Held by</th><th scope="col">Function</th><th scope="col">Kind</th><th scope="col">Ends</th><th scope="col">Status</th><th scope="col">Decided by</th><th scope="col">Justification</th></tr></thead>
            <tbody>
              {page.items.map((e) => (
                <tr>
                  <td><a href={`/workers/${e.workerId}`}>{e.workerName}</a></td>
                  <td>{e.functionCode}</td>
                  <td>{e.kind}</td>
                  <td>{shortDate(e.endsAt)}</td>
                  <td><Badge value={e.status} /></td>
                  <td><a href={`/requests/${e.requestId}`}>access request</a></td>
                  <td>{e.justification.slice(0, 80)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager path="/exceptions" params={{ status: shown }} nextCursor={page.nextCursor} first={!cursor} />
      {application ? (
        <form method="post" action="/exceptions" class="stack" novalidate id="request">
          <h2>Request an exception</h2>
          <ErrorSummary message={state.message} errors={state.errors} />
          <CsrfField token={c.get('csrfToken')} />
          <TextField name="workerLogin" label="Worker's login id" value={text(v, 'workerLogin')} errors={state.errors} required />
          <SelectField name="functionId" label={`Business function in ${application.name}`} options={functions.map((f) => ({ value: f.id, label: `${f.code} (${f.riskLevel} risk)` }))} value={text(v, 'functionId')} blank="Choose a function" errors={state.errors} />
          <fieldset class={state.errors?.kind ? 'has-error' : undefined}>
            <legend>Kind of exception</legend>
            {state.errors?.kind ? <p class="field-error" id="kind-error">{state.errors.kind}</p> : null}
            {exceptionKinds.map((k) => (
              <div class="check"><input type="radio" id={`kind-${k}`} name="kind" value={k} checked={text(v, 'kind') === k} /><label for={`kind-${k}`}>{kindLabel[k]}</label></div>
            ))}
          </fieldset>
          <TextField name="days" label="For how many days" type="number" hint="1 to 365; it ends by itself then." value={text(v, 'days')} errors={state.errors} required />
          <TextArea name="justification" label="Justification" hint="The approvers read it." value={text(v, 'justification')} errors={state.errors} required />
          <button type="submit">Request the exception</button>
        </form>
      ) : null}
    </>,
    { status, agency },
  );
}

async function requestException(c: Context<ConsoleEnv>, tools: ConsoleTools) {
  const ctx = requireContext(c);
  const agency = await tools.agencyOf(c);
  const values = await formValues(c);
  const show = (state: Omit<FormState, 'values'>) => exceptionsPage(c, tools, { values, ...state }, 422);
  const login = optional(values, 'workerLogin');
  const worker = login ? await findWorkerByLogin(tools.services, ctx, agency.id, login) : undefined;
  const application = await mainApplication(tools.services, ctx);
  const days = optional(values, 'days');
  const parsed = validate(requestExceptionSchema, {
    applicationId: application.id, functionId: text(values, 'functionId'), kind: optional(values, 'kind'), days: days === undefined ? undefined : Number(days), justification: text(values, 'justification'),
  });
  const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors };
  if (errors.functionId) errors.functionId = 'Choose the business function.';
  if (errors.kind) errors.kind = 'Choose keep or hold.';
  if (!worker) errors.workerLogin = login ? `No worker with login id ${login} in ${agency.name}.` : "Enter the worker's login id.";
  if (!parsed.ok || !worker) return show({ errors });
  try {
    const exception = await tools.services.exceptions.request(ctx, worker.id, parsed.data);
    return tools.redirect(c, '/exceptions?status=requested', `The ${exception.kind} exception for ${exception.workerName} (${exception.functionCode}) waits for its access request to be approved.`);
  } catch (error) {
    return show(refusalState(error, refusalField));
  }
}

/** Time-bound access exceptions: the list by status and the request form (security coordinators). */
export function exceptionsFeature(): ConsoleFeature {
  return {
    nav: [{ href: '/exceptions', label: 'Exceptions', visible: (a) => hasRole(a, 'security_coordinator', 'state_admin') }],
    mount(app, tools) {
      app.get('/exceptions', (c) => exceptionsPage(c, tools));
      app.post('/exceptions', (c) => requestException(c, tools));
    },
  };
}
