import type { Context } from 'hono';
import { createAssessmentSchema, submitAssessmentSchema } from '../../domain/assessments/assessments.schemas.ts';
import type { ConsoleFeature, ConsoleTools } from '../console.tsx';
import { type ConsoleEnv, requireContext } from '../env.ts';
import { formValues, refusalMessage, optional, text, validate } from '../forms.ts';
import { agencyUnits, fullName, mainApplication, shortDate, unitOptions, workersById } from '../lookups.ts';
import { hasRole } from '../page.ts';
import { lifecycleQueues } from './lifecycle-queues.tsx';
import { SurveyFields, surveyAnswers } from './survey-fields.tsx';
import { Badge, CsrfField, ErrorSummary, type FieldErrors, Pager, SelectField, TextArea } from '../ui.tsx';

async function queuePage(c: Context<ConsoleEnv>, tools: ConsoleTools) {
  const ctx = requireContext(c);
  const agency = await tools.agencyOf(c);
  const newCursor = c.req.query('new') || undefined;
  const flightCursor = c.req.query('flight') || undefined;
  const search = c.req.query('q')?.trim().slice(0, 100) || undefined;
  const awaiting = await tools.services.newWorkers.list(ctx, agency.id, { search, limit: 25, cursor: newCursor });
  const inFlight = await tools.services.requests.list(ctx, agency.id, { status: 'pending', limit: 25, cursor: flightCursor });
  const names = await workersById(tools.services, ctx, inFlight.items.map((r) => r.subjectWorkerId));
  const lifecycle = await lifecycleQueues(c, tools, agency);
  return tools.render(
    c, 'Security coordinator: your queues',
    <>
      <h2 id="new-workers">New workers awaiting assessment</h2>
      <p>Their accounts sit in the holding unit with no access until you assess them.</p>
      <form method="get" action="/queue" class="inline" role="search">
        <div class="field"><label for="q">Search new workers by name or login</label><input type="search" id="q" name="q" value={search ?? ''} /></div>
        <button type="submit">Search</button>
      </form>
      {awaiting.items.length === 0 ? <p>{search ? 'No new worker matches.' : 'Nobody is waiting for an assessment.'}</p> : (
        <div class="table-wrap">
          <table aria-labelledby="new-workers">
            <thead><tr><th scope="col">Worker</th><th scope="col">Login</th><th scope="col">Job type</th><th scope="col">Account opened</th><th scope="col">Action</th></tr></thead>
            <tbody>
              {awaiting.items.map((a) => (
                <tr>
                  <td><a href={`/workers/${a.workerId}`}>{fullName(a)}</a></td>
                  <td>{a.loginId}</td>
                  <td>{a.jobType}</td>
                  <td>{shortDate(a.openedAt)}</td>
                  <td><a href={`/workers/${a.workerId}/assessment`}>Assess {fullName(a)}</a></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager path="/queue" params={{ q: search, flight: flightCursor }} nextCursor={awaiting.nextCursor} first={!newCursor} cursorName="new" />
      <h2 id="in-flight">Requests in flight</h2>
      {inFlight.items.length === 0 ? <p>No request is waiting for approval.</p> : (
        <div class="table-wrap">
          <table aria-labelledby="in-flight">
            <thead><tr><th scope="col">Request</th><th scope="col">About</th><th scope="col">Risk</th><th scope="col">Submitted</th></tr></thead>
            <tbody>
              {inFlight.items.map((r) => (
                <tr>
                  <td><a href={`/requests/${r.id}`}>{r.justification.slice(0, 60)}</a></td>
                  <td>{fullName(names.get(r.subjectWorkerId))}</td>
                  <td><Badge value={r.riskLevel} /></td>
                  <td>{shortDate(r.submittedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager path="/queue" params={{ q: search, new: newCursor }} nextCursor={inFlight.nextCursor} first={!flightCursor} cursorName="flight" />
      {lifecycle}
    </>,
    { agency },
  );
}

async function assessmentForm(c: Context<ConsoleEnv>, tools: ConsoleTools, state: { errors?: FieldErrors; message?: string; values?: Record<string, string | string[]> } = {}, status = 200) {
  const ctx = requireContext(c);
  const worker = await tools.services.workers.get(ctx, c.req.param('id') ?? '');
  const survey = await tools.services.assessments.getSurvey(ctx, worker.agencyId);
  const units = await agencyUnits(tools.services, ctx, worker.agencyId);
  return tools.render(
    c, `Assessment of ${fullName(worker)}`,
    <>
      <p>Job type <strong>{worker.jobType}</strong>. Answer for the job's responsibilities; the answers adjust the job's access template to the least the job needs.</p>
      <ErrorSummary message={state.message} errors={state.errors} />
      <form method="post" action={`/workers/${worker.id}/assessment`} class="stack">
        <CsrfField token={c.get('csrfToken')} />
        <SurveyFields survey={survey.definition} units={units} values={state.values ?? {}} errors={state.errors} />
        <button type="submit">Record the assessment</button>
      </form>
    </>,
    { status },
  );
}

async function assessmentPage(c: Context<ConsoleEnv>, tools: ConsoleTools, state: { errors?: FieldErrors; message?: string; values?: Record<string, string | string[]> } = {}, status = 200) {
  const ctx = requireContext(c);
  const assessment = await tools.services.assessments.get(ctx, c.req.param('id') ?? '');
  const worker = await tools.services.workers.get(ctx, assessment.workerId);
  const units = await agencyUnits(tools.services, ctx, assessment.agencyId);
  const unitName = new Map(units.map((u) => [u.id, `${u.code} ${u.name}`]));
  const beyond = assessment.proposal.functions.filter((f) => !f.inTemplate);
  const values = state.values ?? {};
  return tools.render(
    c, `Proposed access for ${fullName(worker)}`,
    <>
      <h2>Business functions</h2>
      <table>
        <thead><tr><th scope="col">Function</th><th scope="col">In the job template</th><th scope="col">Why</th></tr></thead>
        <tbody>
          {assessment.proposal.functions.map((f) => (
            <tr><td>{f.code}</td><td>{f.inTemplate ? 'yes' : <Badge value="beyond_template" />}</td><td>{f.reason}</td></tr>
          ))}
        </tbody>
      </table>
      {assessment.proposal.hierarchyUnitIds.length > 0 ? <p>Unit hierarchy access: {assessment.proposal.hierarchyUnitIds.map((id) => unitName.get(id) ?? id).join(', ')}</p> : null}
      {assessment.requestId ? (
        <p class="notice">This assessment became <a href={`/requests/${assessment.requestId}`}>an access request</a>.</p>
      ) : (
        <>
          <h2>Send it for approval</h2>
          <ErrorSummary message={state.message} errors={state.errors} />
          <form method="post" action={`/assessments/${assessment.id}/request`} class="stack">
            <CsrfField token={c.get('csrfToken')} />
            <SelectField name="unitId" label="Move the account to unit" options={unitOptions(units.filter((u) => !u.holding))} value={text(values, 'unitId') || worker.unitId} errors={state.errors} />
            <TextArea name="justification" label="Justification for the request" value={text(values, 'justification') || `New ${worker.jobType.replaceAll('_', ' ')}: access from the assessment`} errors={state.errors} required />
            {beyond.map((f, i) => (
              <TextArea name={`justify_${f.functionId}`} label={`Why the job needs ${f.code} (beyond the job template)`} value={text(values, `justify_${f.functionId}`)} errors={{ [`justify_${f.functionId}`]: state.errors?.[`justifications.${i}.justification`] ?? '' }} required />
            ))}
            <button type="submit">Submit the access request</button>
          </form>
        </>
      )}
    </>,
    { status },
  );
}

/** The security coordinator's home: queues, the assessment and its request. */
export function coordinatorFeature(): ConsoleFeature {
  return {
    nav: [{ href: '/queue', label: 'Queues', visible: (a) => hasRole(a, 'security_coordinator', 'state_admin') }],
    mount(app, tools) {
      app.get('/queue', (c) => queuePage(c, tools));
      app.get('/workers/:id/assessment', (c) => assessmentForm(c, tools));
      app.post('/workers/:id/assessment', async (c) => {
        const ctx = requireContext(c);
        const values = await formValues(c);
        const worker = await tools.services.workers.get(ctx, c.req.param('id'));
        const survey = await tools.services.assessments.getSurvey(ctx, worker.agencyId);
        const answers = surveyAnswers(survey.definition, values);
        const application = await mainApplication(tools.services, ctx);
        const parsed = validate(createAssessmentSchema, { applicationId: application.id, answers });
        if (!parsed.ok) return assessmentForm(c, tools, { errors: parsed.errors, values }, 422);
        try {
          const assessment = await tools.services.assessments.complete(ctx, c.req.param('id'), parsed.data);
          return tools.redirect(c, `/assessments/${assessment.id}`, 'Assessment recorded. Check the proposed access and send it for approval.');
        } catch (error) {
          return assessmentForm(c, tools, { message: refusalMessage(error), values }, 422);
        }
      });
      app.get('/assessments/:id', (c) => assessmentPage(c, tools));
      app.post('/assessments/:id/request', async (c) => {
        const ctx = requireContext(c);
        const values = await formValues(c);
        const justifications = Object.keys(values)
          .filter((k) => k.startsWith('justify_'))
          .map((k) => ({ functionId: k.slice('justify_'.length), justification: text(values, k) }));
        const parsed = validate(submitAssessmentSchema, { unitId: text(values, 'unitId'), justification: text(values, 'justification'), justifications });
        if (!parsed.ok) return assessmentPage(c, tools, { errors: parsed.errors, values }, 422);
        try {
          const { requestId } = await tools.services.assessments.submit(ctx, c.req.param('id'), parsed.data);
          return tools.redirect(c, `/requests/${requestId}`, 'The access request is submitted and waits for its approvers.');
        } catch (error) {
          return assessmentPage(c, tools, { message: refusalMessage(error), values: { ...values, unitId: optional(values, 'unitId') ?? '' } }, 422);
        }
      });
    },
  };
}
