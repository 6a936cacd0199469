import type { Context } from 'hono';
import { applyPlanSchema, endDateLeaverSchema, planStrategies, type ReassignmentPlan } from '../../domain/leavers/leavers.schemas.ts';
import { hasPermission } from '../../domain/auth/permissions.ts';
import type { ConsoleFeature, ConsoleTools } from '../console.tsx';
import { type ConsoleEnv, requireContext } from '../env.ts';
import { formValues, list, refusalMessage, text, validate } from '../forms.ts';
import { shortDate } from '../lookups.ts';
import { Badge, CsrfField, ErrorSummary, type FieldErrors, TextArea } from '../ui.tsx';

type CaseState = { form?: string; errors?: FieldErrors; message?: string; values?: Record<string, string | string[]> };

const strategyLabel: Record<(typeof planStrategies)[number], string> = {
  unit: "Spread over the leaver's unit",
  supervisor: "Everything to the leaver's supervisor",
};

function PlanForm(props: { caseId: string; version: number; plan: ReassignmentPlan; csrfToken: string; state: CaseState }) {
  const { plan, state } = props;
  return (
    <>
      <h3>Proposed plan ({strategyLabel[plan.strategy]})</h3>
      <table>
        <thead><tr><th scope="col">Work item</th><th scope="col">Kind</th><th scope="col">Goes to</th></tr></thead>
        <tbody>{plan.assignments.map((a) => <tr><td>{a.reference} {a.title}</td><td>{a.kind}</td><td>{a.ownerName}</td></tr>)}</tbody>
      </table>
      {plan.unassigned.length > 0 ? (
        <div class="warn"><p>Not placed (they stay with the leaver):</p><ul>{plan.unassigned.map((u) => <li>{u.reference}: {u.problem}</li>)}</ul></div>
      ) : null}
      {plan.assignments.length > 0 ? (
        <form method="post" action={`/leaver-cases/${props.caseId}/apply`} class="stack" novalidate>
          <ErrorSummary message={state.form === 'apply' ? state.message : undefined} errors={state.form === 'apply' ? state.errors : undefined} />
          <CsrfField token={props.csrfToken} />
          <input type="hidden" name="version" value={String(props.version)} />
          {plan.assignments.map((a) => <input type="hidden" name="assignment" value={`${a.workItemId}:${a.ownerWorkerId}`} />)}
          <TextArea name="planReason" label="Reason for the reassignment" value={state.form === 'apply' ? text(state.values ?? {}, 'planReason') : 'Work reassigned after the departure.'} errors={{ planReason: state.form === 'apply' ? (state.errors?.reason ?? '') : '' }} required />
          <button type="submit">Apply the plan</button>
        </form>
      ) : null}
    </>
  );
}

/** Proposes a plan by strategy (a GET: nothing changes until it is applied) and shows it. */
function Planner(props: { caseId: string; version: number; plan: ReassignmentPlan | null; csrfToken: string; state: CaseState }) {
  return (
    <>
      <h2>Reassignment planner</h2>
      <form method="get" action={`/leaver-cases/${props.caseId}`} class="inline">
        {planStrategies.map((s) => <button type="submit" name="strategy" value={s}>Propose: {strategyLabel[s].toLowerCase()}</button>)}
      </form>
      {props.plan ? <PlanForm caseId={props.caseId} version={props.version} plan={props.plan} csrfToken={props.csrfToken} state={props.state} /> : null}
    </>
  );
}

function EndDateForm(props: { caseId: string; version: number; csrfToken: string; state: CaseState }) {
  const { state } = props;
  return (
    <form method="post" action={`/leaver-cases/${props.caseId}/end-date`} class="stack" novalidate>
      <h2>End-date the accounts</h2>
      <ErrorSummary message={state.form === 'end-date' ? state.message : undefined} errors={state.form === 'end-date' ? state.errors : undefined} />
      <CsrfField token={props.csrfToken} />
      <input type="hidden" name="version" value={String(props.version)} />
      <TextArea name="reason" label="Reason for the end-date" value={state.form === 'end-date' ? text(state.values ?? {}, 'reason') : 'Left the agency; work reassigned.'} errors={state.form === 'end-date' ? state.errors : undefined} required />
      <button type="submit" class="danger">End-date every account today</button>
    </form>
  );
}

async function casePage(c: Context<ConsoleEnv>, tools: ConsoleTools, state: CaseState = {}, status = 200) {
  const ctx = requireContext(c);
  const leaverCase = await tools.services.leavers.get(ctx, c.req.param('id') ?? '');
  const mayWrite = hasPermission(ctx.actor, 'leavers.write', leaverCase.agencyId);
  const strategy = planStrategies.find((s) => s === c.req.query('strategy'));
  const plan = mayWrite && strategy && leaverCase.status === 'open' && leaverCase.openWorkItems.length > 0 ? await tools.services.reassignments.propose(ctx, leaverCase.id, { strategy }) : null;
  const csrfToken = c.get('csrfToken');
  return tools.render(
    c, leaverCase.task,
    <>
      <dl class="facts">
        <dt>Leaver</dt><dd><a href={`/workers/${leaverCase.workerId}`}>{leaverCase.workerName}</a> ({leaverCase.loginId})</dd>
        <dt>Status</dt><dd><Badge value={leaverCase.status} /></dd>
        <dt>Disabled</dt><dd>{shortDate(leaverCase.disabledAt)}</dd>
        <dt>End-date by</dt><dd class={leaverCase.overdue ? 'overdue' : undefined}>{shortDate(leaverCase.dueAt)}{leaverCase.overdue ? ' (overdue)' : ''}</dd>
        <dt>Blockers</dt><dd>{leaverCase.blockers.openCases} open cases, {leaverCase.blockers.openTodos} open to-dos</dd>
      </dl>
      {leaverCase.status !== 'open' ? <p>This case is closed ({leaverCase.status.replace('_', '-')}{leaverCase.endDatedAt ? ` on ${shortDate(leaverCase.endDatedAt)}` : ''}).</p> : (
        <>
          <h2 id="work">Open work</h2>
          {leaverCase.openWorkItems.length === 0 ? <p>The leaver owns no open work: the accounts can be end-dated.</p> : (
            <>
              <table aria-labelledby="work">
                <thead><tr><th scope="col">Work item</th><th scope="col">Kind</th><th scope="col">Due</th></tr></thead>
                <tbody>{leaverCase.openWorkItems.map((w) => <tr><td>{w.reference} {w.title}</td><td>{w.kind}</td><td>{w.dueDate ?? ''}</td></tr>)}</tbody>
              </table>
              {mayWrite ? <Planner caseId={leaverCase.id} version={leaverCase.version} plan={plan} csrfToken={csrfToken} state={state} /> : null}
            </>
          )}
          {mayWrite ? <EndDateForm caseId={leaverCase.id} version={leaverCase.version} csrfToken={csrfToken} state={state} /> : null}
        </>
      )}
    </>,
    { status },
  );
}

/** Runs a change to the case from one of its forms; a refusal shows above that form. */
async function act<T>(c: Context<ConsoleEnv>, tools: ConsoleTools, form: string, parse: (values: Record<string, string | string[]>) => { ok: true; data: T } | { ok: false; errors: FieldErrors }, apply: (data: T) => Promise<unknown>, done: string) {
  const values = await formValues(c);
  const parsed = parse(values);
  if (!parsed.ok) return casePage(c, tools, { form, errors: parsed.errors, values }, 422);
  try {
    await apply(parsed.data);
    return tools.redirect(c, `/leaver-cases/${c.req.param('id')}`, done);
  } catch (error) {
    return casePage(c, tools, { form, message: refusalMessage(error), values }, 422);
  }
}

/** A leaver case: its blockers, the reassignment planner and the end-date (DESIGN rule 5). */
export function leaverCaseFeature(): ConsoleFeature {
  return {
    nav: [],
    mount(app, tools) {
      app.get('/leaver-cases/:id', (c) => casePage(c, tools));
      app.post('/leaver-cases/:id/apply', (c) =>
        act(c, tools, 'apply', (v) => validate(applyPlanSchema, {
          version: Number(text(v, 'version')), reason: text(v, 'planReason'),
          assignments: list(v, 'assignment').slice(0, 501).map((pair) => {
            const [workItemId = '', ownerWorkerId = ''] = pair.split(':');
            return { workItemId, ownerWorkerId };
          }),
        }), (input) => tools.services.reassignments.apply(requireContext(c), c.req.param('id'), input), 'The plan is applied: the work items have their new owners.'));
      app.post('/leaver-cases/:id/end-date', (c) =>
        act(c, tools, 'end-date', (v) => validate(endDateLeaverSchema, { version: Number(text(v, 'version')), reason: text(v, 'reason') }),
          (input) => tools.services.leavers.endDate(requireContext(c), c.req.param('id'), input), 'Every account of the leaver is end-dated; the case is closed.'));
    },
  };
}
