import type { Context } from 'hono';
import { createRequestSchema, decideSchema, requestStatuses } from '../../domain/requests/requests.schemas.ts';
import type { ConsoleFeature, ConsoleTools } from '../console.tsx';
import { type ConsoleEnv, requireContext } from '../env.ts';
import { formValues, refusalMessage, list, optional, text, validate } from '../forms.ts';
import { agencyUnits, applicationFunctions, findWorkerByLogin, fullName, mainApplication, shortDate, unitOptions, workersById } from '../lookups.ts';
import { hasRole } from '../page.ts';
import { FunctionChecklist } from './function-checklist.tsx';
import { Badge, CsrfField, ErrorSummary, type FieldErrors, Pager, SelectField, TextArea, TextField } from '../ui.tsx';

type FormState = { errors?: FieldErrors; message?: string; values?: Record<string, string | string[]> };

async function listPage(c: Context<ConsoleEnv>, tools: ConsoleTools) {
  const ctx = requireContext(c);
  const agency = await tools.agencyOf(c);
  const status = requestStatuses.find((s) => s === c.req.query('status'));
  const cursor = c.req.query('cursor') || undefined;
  const login = c.req.query('worker')?.trim().slice(0, 64) || undefined;
  const subject = login ? await findWorkerByLogin(tools.services, ctx, agency.id, login) : undefined;
  const page = login && !subject ? { items: [], nextCursor: null } : await tools.services.requests.list(ctx, agency.id, { status, subjectWorkerId: subject?.id, limit: 50, cursor });
  const names = await workersById(tools.services, ctx, page.items.map((r) => r.subjectWorkerId));
  return tools.render(
    c, 'Access requests',
    <>
      <form method="get" action="/requests" class="inline" role="search">
        <SelectField name="status" label="Status" options={requestStatuses.map((s) => ({ value: s, label: s }))} value={status} blank="Any status" />
        <TextField name="worker" label="About the worker with login id" value={login} />
        <button type="submit">Show</button>
      </form>
      <table>
        <thead><tr><th scope="col">Request</th><th scope="col">About</th><th scope="col">Status</th><th scope="col">Risk</th><th scope="col">Submitted</th></tr></thead>
        <tbody>
          {page.items.map((r) => (
            <tr>
              <td><a href={`/requests/${r.id}`}>{r.justification.slice(0, 60)}</a></td>
              <td>{fullName(names.get(r.subjectWorkerId))}</td>
              <td><Badge value={r.status} /></td>
              <td><Badge value={r.riskLevel} /></td>
              <td>{shortDate(r.submittedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.items.length === 0 ? <p>{login && !subject ? `No worker with login id ${login} in ${agency.name}.` : 'No requests match.'}</p> : null}
      <Pager path="/requests" params={{ status, worker: login }} nextCursor={page.nextCursor} first={!cursor} />
    </>,
    { agency },
  );
}

async function newRequestForm(c: Context<ConsoleEnv>, tools: ConsoleTools, workerId: string, state: FormState = {}, status = 200) {
  const ctx = requireContext(c);
  const worker = await tools.services.workers.get(ctx, workerId);
  const application = await mainApplication(tools.services, ctx);
  const functions = (await applicationFunctions(tools.services, ctx, application.id)).filter((f) => f.requestable);
  const units = await agencyUnits(tools.services, ctx, worker.agencyId);
  const chosen = new Set(list(state.values ?? {}, 'functionIds'));
  const values = state.values ?? {};
  return tools.render(
    c, `Request access for ${fullName(worker)}`,
    <>
      <ErrorSummary message={state.message} errors={state.errors} />
      <form method="post" action="/requests" class="stack">
        <CsrfField token={c.get('csrfToken')} />
        <input type="hidden" name="subjectWorkerId" value={worker.id} />
        <FunctionChecklist applicationName={application.name} functions={functions} chosen={chosen} errors={state.errors} />
        <SelectField name="unitId" label="Place the account in unit (optional)" options={unitOptions(units.filter((u) => !u.holding))} value={text(values, 'unitId')} blank="Leave where it is" errors={state.errors} />
        <TextArea name="justification" label="Justification" value={text(values, 'justification')} errors={state.errors} required />
        <TextArea name="extraJustification" label="Why the job needs functions beyond its template (required for those)" value={text(values, 'extraJustification')} errors={state.errors} />
        <button type="submit">Submit the request</button>
      </form>
    </>,
    { status },
  );
}

async function requestPage(c: Context<ConsoleEnv>, tools: ConsoleTools, state: FormState = {}, status = 200) {
  const ctx = requireContext(c);
  const view = await tools.services.inbox.view(ctx, c.req.param('id') ?? '');
  const { request, subject } = view;
  const label = (id: string | null) => view.labels.get(id ?? '');
  const itemLabel = (i: { functionId: string | null; unitId: string | null; grantId: string | null }) => {
    const named = label(i.functionId ?? i.unitId);
    return named ? (i.functionId ? named.code : `${named.code} ${named.name}`) : i.grantId;
  };
  const heldFunctions = view.heldGrants.filter((g) => g.kind === 'function');
  const values = state.values ?? {};
  return tools.render(
    c, `Access request for ${subject.name}`,
    <>
      <dl class="facts">
        <dt>Status</dt><dd><Badge value={request.status} /></dd>
        <dt>Worker</dt><dd>{subject.name} ({subject.loginId}), {subject.jobType.replaceAll('_', ' ')}, unit {subject.unitCode} {subject.unitName}</dd>
        <dt>Risk</dt><dd><Badge value={request.riskLevel} /></dd>
        <dt>Justification</dt><dd>{request.justification}</dd>
        <dt>Submitted</dt><dd>{shortDate(request.submittedAt)}</dd>
        {request.failure ? <><dt>Failure</dt><dd>{request.failure}</dd></> : null}
      </dl>
      {request.status === 'draft' ? <p><a href={`/requests/${request.id}/review`}>Review this draft and submit it for approval</a></p> : null}
      {request.sodConflicts.length > 0 ? (
        <div class="warn" role="note">
          <strong>Separation of duties warning</strong>
          <ul>{request.sodConflicts.map((s) => <li>{s.description}</li>)}</ul>
        </div>
      ) : null}
      <h2>What is asked</h2>
      <table>
        <thead><tr><th scope="col">Change</th><th scope="col">What</th><th scope="col">Template</th><th scope="col">Justification</th></tr></thead>
        <tbody>
          {request.items.map((i) => (
            <tr>
              <td>{i.action} {i.kind.replaceAll('_', ' ')}</td>
              <td>{itemLabel(i)}</td>
              <td>{i.beyondTemplate ? <Badge value="beyond_template" /> : 'in template'}</td>
              <td>{i.justification}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Current access</h2>
      {heldFunctions.length === 0 ? <p>{subject.name} holds no business functions now.</p> : (
        <ul>{heldFunctions.map((g) => <li>{label(g.functionId)?.code}: {label(g.functionId)?.name}{g.inTemplate ? '' : <> <Badge value="beyond_template" /></>}</li>)}</ul>
      )}
      <h2>Approval stages</h2>
      <ol>
        {request.stages.map((s) => (
          <li>
            {s.name}: <Badge value={s.status} /> {s.dueAt && s.status === 'active' ? `due ${shortDate(s.dueAt)}` : ''}
            {s.decisions.length > 0 ? <ul>{s.decisions.map((d) => <li>{d.decision} {shortDate(d.decidedAt)}{d.comment ? `: ${d.comment}` : ''}</li>)}</ul> : null}
          </li>
        ))}
      </ol>
      {view.awaitingMe ? (
        <>
          <h2>Your decision</h2>
          <ErrorSummary message={state.message} errors={state.errors} />
          <form method="post" action={`/requests/${request.id}/decision`} class="stack">
            <CsrfField token={c.get('csrfToken')} />
            <input type="hidden" name="version" value={String(request.version)} />
            <fieldset class={state.errors?.decision ? 'has-error' : undefined}>
              <legend>Decision</legend>
              {state.errors?.decision ? <p class="field-error">{state.errors.decision}</p> : null}
              <div class="check"><input type="radio" id="approve" name="decision" value="approve" checked={text(values, 'decision') === 'approve'} /><label for="approve">Approve</label></div>
              <div class="check"><input type="radio" id="deny" name="decision" value="deny" checked={text(values, 'decision') === 'deny'} /><label for="deny">Deny</label></div>
            </fieldset>
            <TextArea name="comment" label="Reason" hint="Required when you deny; recorded in the audit log." value={text(values, 'comment')} errors={state.errors} />
            <button type="submit">Record my decision</button>
          </form>
        </>
      ) : null}
    </>,
    { status },
  );
}

async function inboxPage(c: Context<ConsoleEnv>, tools: ConsoleTools) {
  const ctx = requireContext(c);
  const cursor = c.req.query('cursor') || undefined;
  const page = ctx.actor.workerId ? await tools.services.inbox.listSummaries(ctx, { limit: 50, cursor }) : { items: [], nextCursor: null };
  return tools.render(
    c, 'Approvals waiting for you',
    <>
      <p>Going to be away? <a href="/deputies">Name a deputy for your absence</a>, who decides in your place.</p>
      {page.items.length === 0 ? <p>Nothing waits for your decision.</p> : (
        <table>
          <thead><tr><th scope="col">Worker</th><th scope="col">Stage</th><th scope="col">Risk</th><th scope="col">Due</th></tr></thead>
          <tbody>
            {page.items.map((e) => (
              <tr>
                <td><a href={`/requests/${e.requestId}`}>{e.subject.name} ({e.subject.loginId})</a>{e.seats.includes(ctx.actor.workerId ?? '') ? '' : ' (as deputy)'}</td>
                <td>{e.stage.name}</td>
                <td><Badge value={e.riskLevel} /></td>
                <td class={e.overdue ? 'overdue' : undefined}>{shortDate(e.stage.dueAt)}{e.overdue ? ' (overdue)' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager path="/inbox" params={{}} nextCursor={page.nextCursor} first={!cursor} />
    </>,
  );
}

/** Access requests: the list, the request form, the approver's view and decision, and the inbox. */
export function requestsFeature(): ConsoleFeature {
  return {
    nav: [
      { href: '/requests', label: 'Requests', visible: (a) => hasRole(a, 'security_coordinator', 'state_admin', 'auditor') },
      { href: '/inbox', label: 'Approvals', visible: (a) => a.workerId !== null },
    ],
    mount(app, tools) {
      app.get('/requests', (c) => listPage(c, tools));
      app.get('/inbox', (c) => inboxPage(c, tools));
      app.get('/requests/new', (c) => newRequestForm(c, tools, c.req.query('worker') ?? ''));
      app.post('/requests', async (c) => {
        const ctx = requireContext(c);
        const values = await formValues(c);
        const workerId = text(values, 'subjectWorkerId');
        const worker = await tools.services.workers.get(ctx, workerId);
        const application = await mainApplication(tools.services, ctx);
        const extra = optional(values, 'extraJustification');
        const unitId = optional(values, 'unitId');
        const items = [
          ...(unitId ? [{ kind: 'unit_placement', unitId }] : []),
          ...list(values, 'functionIds').map((functionId) => ({ kind: 'function', functionId, ...(extra ? { justification: extra } : {}) })),
        ];
        const parsed = validate(createRequestSchema, { subjectWorkerId: worker.id, applicationId: application.id, justification: text(values, 'justification'), items });
        if (!parsed.ok) {
          const errors = { ...parsed.errors, ...(parsed.errors.items ? { functionIds: 'Choose at least one function or a unit.' } : {}) };
          return newRequestForm(c, tools, worker.id, { errors, values, message: errors.functionIds }, 422);
        }
        try {
          const request = await tools.services.requests.create(ctx, worker.agencyId, parsed.data);
          return tools.redirect(c, `/requests/${request.id}`, 'The access request is submitted and waits for its approvers.');
        } catch (error) {
          return newRequestForm(c, tools, worker.id, { message: refusalMessage(error), values }, 422);
        }
      });
      app.get('/requests/:id', (c) => requestPage(c, tools));
      app.post('/requests/:id/decision', async (c) => {
        const ctx = requireContext(c);
        const values = await formValues(c);
        const comment = optional(values, 'comment');
        const parsed = validate(decideSchema, { decision: text(values, 'decision') || undefined, comment, version: Number(text(values, 'version')) || undefined });
        const errors: FieldErrors = parsed.ok ? {} : parsed.errors;
        if (parsed.ok && parsed.data.decision === 'deny' && !comment) errors.comment = 'Give the reason for the denial.';
        if (!parsed.ok && errors.decision) errors.decision = 'Choose approve or deny.';
        if (!parsed.ok || Object.keys(errors).length > 0) return requestPage(c, tools, { errors, values }, 422);
        try {
          await tools.services.requests.decide(ctx, c.req.param('id'), parsed.data);
          return tools.redirect(c, '/inbox', `Your decision (${parsed.data.decision}) is recorded.`);
        } catch (error) {
          return requestPage(c, tools, { message: refusalMessage(error), values }, 422);
        }
      });
    },
  };
}
