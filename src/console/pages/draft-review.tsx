import type { Context } from 'hono';
import type { ConsoleFeature, ConsoleTools } from '../console.tsx';
import { type ConsoleEnv, requireContext } from '../env.ts';
import { refusalMessage } from '../forms.ts';
import { shortDate } from '../lookups.ts';
import { Badge, CsrfField, ErrorSummary } from '../ui.tsx';

/**
 * A draft access request (a mover's proposal from Gatehouse, or one saved unsubmitted) reviewed
 * before it goes to its approvers: what it adds, next to what the worker holds now.
 */
async function reviewPage(c: Context<ConsoleEnv>, tools: ConsoleTools, message?: string) {
  const ctx = requireContext(c);
  const view = await tools.services.inbox.view(ctx, c.req.param('id') ?? '');
  const { request, subject } = view;
  const label = (id: string | null) => view.labels.get(id ?? '');
  const heldFunctions = view.heldGrants.filter((g) => g.kind === 'function');
  if (request.status !== 'draft') return c.redirect(`/requests/${request.id}`, 303);
  return tools.render(
    c, `Review the proposed access for ${subject.name}`,
    <>
      <dl class="facts">
        <dt>Worker</dt><dd><a href={`/workers/${request.subjectWorkerId}`}>{subject.name}</a> ({subject.loginId})</dd>
        <dt>Job type now</dt><dd>{subject.jobType.replaceAll('_', ' ')}, unit {subject.unitCode} {subject.unitName}</dd>
        <dt>Status</dt><dd><Badge value={request.status} /></dd>
        <dt>Proposed</dt><dd>{shortDate(request.createdAt)}</dd>
        <dt>Justification</dt><dd>{request.justification}</dd>
      </dl>
      <h2 id="proposed">What it adds</h2>
      <table aria-labelledby="proposed">
        <thead><tr><th scope="col">Change</th><th scope="col">What</th><th scope="col">Template</th></tr></thead>
        <tbody>
          {request.items.map((i) => (
            <tr>
              <td>{i.action} {i.kind.replaceAll('_', ' ')}</td>
              <td>{i.functionId ? label(i.functionId)?.code : `${label(i.unitId)?.code ?? ''} ${label(i.unitId)?.name ?? ''}`}</td>
              <td>{i.beyondTemplate ? <Badge value="beyond_template" /> : 'in the job template'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Current access</h2>
      {heldFunctions.length === 0 ? <p>{subject.name} holds no business functions now.</p> : (
        <ul>{heldFunctions.map((g) => <li>{label(g.functionId)?.code}: {label(g.functionId)?.name}{g.inTemplate ? '' : ' (outside the new job template)'}</li>)}</ul>
      )}
      <p>Functions outside the new job's template are on the <a href="/queue#removals-due">removals due</a> list; to keep one longer, <a href="/exceptions#request">request a keep exception</a>.</p>
      <ErrorSummary message={message} />
      <form method="post" action={`/requests/${request.id}/submit`}>
        <CsrfField token={c.get('csrfToken')} />
        <button type="submit">Submit for approval</button>
      </form>
    </>,
    { status: message ? 422 : 200 },
  );
}

/** Reviewing and submitting draft access requests, such as those proposed for a mover's new job. */
export function draftReviewFeature(): ConsoleFeature {
  return {
    nav: [],
    mount(app, tools) {
      app.get('/requests/:id/review', (c) => reviewPage(c, tools));
      app.post('/requests/:id/submit', async (c) => {
        try {
          const request = await tools.services.requests.submit(requireContext(c), c.req.param('id'));
          return tools.redirect(c, `/requests/${request.id}`, 'The access request is submitted and waits for its approvers.');
        } catch (error) {
          return reviewPage(c, tools, refusalMessage(error));
        }
      });
    },
  };
}
