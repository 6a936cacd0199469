import type { Context } from 'hono';
import type { Agency } from '../../domain/agencies/agencies.schemas.ts';
import { hasPermission } from '../../domain/auth/permissions.ts';
import { createCoverageSchema, endCoverageSchema } from '../../domain/lifecycle/lifecycle.schemas.ts';
import type { Unit } from '../../domain/units/units.schemas.ts';
import type { Worker } from '../../domain/workers/workers.schemas.ts';
import type { ConsoleFeature, ConsoleTools } from '../console.tsx';
import { type ConsoleEnv, requireContext } from '../env.ts';
import { formValues, optional, refusalMessage, refusalState, text, validate } from '../forms.ts';
import { agencyUnits, findWorkerByLogin, fullName, shortDate, unitOptions } from '../lookups.ts';
import { hasRole } from '../page.ts';
import { CsrfField, ErrorSummary, type FieldErrors, Pager, SelectField, TextArea, TextField } from '../ui.tsx';

type FormState = { form?: string; errors?: FieldErrors; message?: string; values?: Record<string, string | string[]> };

/** Which field of the form a refusal of the coverage service is about. */
const refusalField: Partial<Record<string, string>> = { 'worker.not_found': 'coveringLogin', 'account.not_found': 'coveringLogin', 'input.invalid': 'coveringLogin', 'unit.not_found': 'unitId' };

async function coveragePage(c: Context<ConsoleEnv>, tools: ConsoleTools, state: FormState = {}, status = 200) {
  const ctx = requireContext(c);
  const agency = await tools.agencyOf(c);
  const search = c.req.query('q')?.trim().slice(0, 100) || undefined;
  const cursor = c.req.query('cursor') || undefined;
  const page = await tools.services.coverage.listForAgency(ctx, agency.id, { search, limit: 25, cursor });
  const mayWrite = hasPermission(ctx.actor, 'accounts.write', agency.id);
  const units = mayWrite ? await agencyUnits(tools.services, ctx, agency.id) : [];
  const csrfToken = c.get('csrfToken');
  const endErrors = (id: string) => (state.form === `end-${id}` ? state.errors : undefined);
  return tools.render(
    c, 'Coverage for absences',
    <>
      <p>While a worker is on leave, a colleague can be given unit hierarchy access to the absent worker's unit. It starts with the leave and ends by itself on the expected return, or at once on an early return.</p>
      <h2 id="coverage-list">Coverage under way or to come</h2>
      <form method="get" action="/coverage" class="inline" role="search">
        <div class="field"><label for="q">Search by the absent or covering worker's name or login</label><input type="search" id="q" name="q" value={search ?? ''} /></div>
        <button type="submit">Search</button>
      </form>
      <ErrorSummary message={state.form?.startsWith('end-') ? state.message : undefined} />
      {page.items.length === 0 ? <p>{search ? 'No coverage matches.' : 'No coverage is under way or planned.'}</p> : (
        <div class="table-wrap">
          <table aria-labelledby="coverage-list">
            <thead><tr><th scope="col">Absent worker</th><th scope="col">Covered by</th><th scope="col">Unit</th><th scope="col">From</th><th scope="col">Until</th>{mayWrite ? <th scope="col">End early</th> : null}</tr></thead>
            <tbody>
              {page.items.map((cv) => (
                <tr>
                  <td><a href={`/workers/${cv.absentWorkerId}`}>{cv.absentWorkerName}</a> ({cv.absentLoginId})</td>
                  <td><a href={`/workers/${cv.coveringWorkerId}`}>{cv.coveringWorkerName}</a> ({cv.coveringLoginId})</td>
                  <td>{cv.unitCode} {cv.unitName}</td>
                  <td>{shortDate(cv.startsAt)}{cv.started ? '' : ' (upcoming)'}</td>
                  <td>{cv.endsAt ? shortDate(cv.endsAt) : 'the return (not known yet)'}</td>
                  {mayWrite ? (
                    <td>
                      <form method="post" action={`/coverage/${cv.id}/end`} class="inline" novalidate>
                        <CsrfField token={csrfToken} />
                        <TextField name={`reason-${cv.id}`} label={`Why end ${cv.coveringWorkerName}'s coverage now`} value={state.form === `end-${cv.id}` ? text(state.values ?? {}, `reason-${cv.id}`) : ''} errors={endErrors(cv.id)} />
                        <button type="submit" class="secondary">End now</button>
                      </form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager path="/coverage" params={{ q: search }} nextCursor={page.nextCursor} first={!cursor} />
      {mayWrite ? <GiveForm units={units} csrfToken={csrfToken} state={state.form === 'give' ? state : {}} /> : null}
    </>,
    { status, agency },
  );
}

function GiveForm(props: { units: Unit[]; csrfToken: string; state: FormState }) {
  const { state } = props;
  const v = state.values ?? {};
  return (
    <form method="post" action="/coverage" class="stack" novalidate>
      <h2>Give coverage</h2>
      <ErrorSummary message={state.message} errors={state.errors} />
      <CsrfField token={props.csrfToken} />
      <TextField name="absentLogin" label="Absent worker's login id" hint="Their leave must be recorded (scheduled or under way) by a LAN administrator." value={text(v, 'absentLogin')} errors={state.errors} required />
      <TextField name="coveringLogin" label="Covering colleague's login id" hint="Needs an open account; the access is added to it." value={text(v, 'coveringLogin')} errors={state.errors} required />
      <SelectField name="unitId" label="Unit to cover (with every unit beneath it)" options={unitOptions(props.units.filter((u) => !u.holding))} value={text(v, 'unitId')} blank="The absent worker's unit" errors={state.errors} />
      <TextArea name="coverageReason" label="Reason for the coverage" value={text(v, 'coverageReason')} errors={state.errors} required />
      <button type="submit">Give coverage for the leave</button>
    </form>
  );
}

/** The absent worker's leave that is scheduled or under way, or the field error that says why there is none. */
async function openLeaveOf(tools: ConsoleTools, c: Context<ConsoleEnv>, agency: Agency, login: string | undefined): Promise<{ leaveId: string; absent: Worker } | { error: string }> {
  if (!login) return { error: "Enter the absent worker's login id." };
  const ctx = requireContext(c);
  const worker = await findWorkerByLogin(tools.services, ctx, agency.id, login);
  if (!worker) return { error: `No worker with login id ${login} in ${agency.name}.` };
  const leaves = (await tools.services.leaves.listForWorker(ctx, worker.id, { limit: 50 })).items;
  const open = leaves.find((l) => l.status === 'scheduled' || l.status === 'on_leave');
  return open ? { leaveId: open.id, absent: worker } : { error: `${login} has no leave scheduled or under way; a LAN administrator records it on the worker's page first.` };
}

async function giveCoverage(c: Context<ConsoleEnv>, tools: ConsoleTools) {
  const ctx = requireContext(c);
  const agency = await tools.agencyOf(c);
  const values = await formValues(c);
  const show = (state: Omit<FormState, 'form' | 'values'>) => coveragePage(c, tools, { form: 'give', values, ...state }, 422);
  const leave = await openLeaveOf(tools, c, agency, optional(values, 'absentLogin'));
  const coveringLogin = optional(values, 'coveringLogin');
  const covering = coveringLogin ? await findWorkerByLogin(tools.services, ctx, agency.id, coveringLogin) : undefined;
  const parsed = validate(createCoverageSchema, { coveringWorkerId: covering?.id ?? '', unitId: optional(values, 'unitId'), reason: text(values, 'coverageReason') });
  const errors: FieldErrors = {};
  if ('error' in leave) errors.absentLogin = leave.error;
  if (!covering) errors.coveringLogin = coveringLogin ? `No worker with login id ${coveringLogin} in ${agency.name}.` : "Enter the covering colleague's login id.";
  if (!parsed.ok) {
    if (parsed.errors.unitId) errors.unitId = parsed.errors.unitId;
    if (parsed.errors.reason) errors.coverageReason = parsed.errors.reason;
  }
  if (!parsed.ok || 'error' in leave || !covering) return show({ errors });
  try {
    await tools.services.coverage.create(ctx, leave.leaveId, parsed.data);
    return tools.redirect(c, '/coverage', `${fullName(covering)} covers ${fullName(leave.absent)}'s absence from the leave's start until the return.`);
  } catch (error) {
    return show(refusalState(error, refusalField));
  }
}

async function endCoverage(c: Context<ConsoleEnv>, tools: ConsoleTools) {
  const id = c.req.param('id') ?? '';
  const values = await formValues(c);
  const field = `reason-${id}`;
  const parsed = validate(endCoverageSchema, { reason: text(values, field) });
  if (!parsed.ok) return coveragePage(c, tools, { form: `end-${id}`, errors: { [field]: parsed.errors.reason ?? 'Give the reason.' }, values }, 422);
  try {
    await tools.services.coverage.end(requireContext(c), id, parsed.data.reason);
    return tools.redirect(c, '/coverage', 'The coverage has ended: the colleague no longer has access to the unit.');
  } catch (error) {
    return coveragePage(c, tools, { form: `end-${id}`, message: refusalMessage(error), values }, 422);
  }
}

/** The security coordinator's coverage for absences: the list, giving coverage, ending it early. */
export function coverageFeature(): ConsoleFeature {
  return {
    nav: [{ href: '/coverage', label: 'Coverage', visible: (a) => hasRole(a, 'security_coordinator', 'state_admin') }],
    mount(app, tools) {
      app.get('/coverage', (c) => coveragePage(c, tools));
      app.post('/coverage', (c) => giveCoverage(c, tools));
      app.post('/coverage/:id/end', (c) => endCoverage(c, tools));
    },
  };
}
