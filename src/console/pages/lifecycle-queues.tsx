import type { Context } from 'hono';
import type { Agency } from '../../domain/agencies/agencies.schemas.ts';
import type { ConsoleTools } from '../console.tsx';
import { type ConsoleEnv, requireContext } from '../env.ts';
import { fullName, shortDate, workersById } from '../lookups.ts';
import { Badge, Pager } from '../ui.tsx';

/**
 * The security coordinator's lifecycle queues: access requests Gatehouse proposed (a mover's new
 * job) waiting to be reviewed, grants a move scheduled for removal, and leavers whose accounts
 * wait to be end-dated with what still blocks them. Late rows show in red.
 */
export async function lifecycleQueues(c: Context<ConsoleEnv>, tools: ConsoleTools, agency: Agency) {
  const ctx = requireContext(c);
  const removalCursor = c.req.query('removals') || undefined;
  const leaverCursor = c.req.query('leavers') || undefined;
  const draftCursor = c.req.query('drafts') || undefined;
  // The queue page's other lists keep their place when these page on.
  const kept = { q: c.req.query('q') || undefined, new: c.req.query('new') || undefined, flight: c.req.query('flight') || undefined };
  const drafts = await tools.services.requests.list(ctx, agency.id, { status: 'draft', limit: 25, cursor: draftCursor });
  const removals = await tools.services.movers.listRemovals(ctx, agency.id, { status: 'scheduled', overdue: false, limit: 25, cursor: removalCursor });
  const leavers = await tools.services.leavers.list(ctx, agency.id, { status: 'open', limit: 25, cursor: leaverCursor });
  const names = await workersById(tools.services, ctx, [...drafts.items.map((r) => r.subjectWorkerId), ...removals.items.map((r) => r.workerId)]);
  return (
    <>
      <h2 id="drafts">Proposed requests to review</h2>
      <p>After a job change Gatehouse proposes what the new job's template needs; nothing is asked of the approvers until you submit it.</p>
      {drafts.items.length === 0 ? <p>No proposed request waits for review.</p> : (
        <ul aria-labelledby="drafts">
          {drafts.items.map((r) => <li><a href={`/requests/${r.id}/review`}>Review the proposed access for {fullName(names.get(r.subjectWorkerId))}</a> ({shortDate(r.createdAt)})</li>)}
        </ul>
      )}
      <Pager path="/queue" params={{ ...kept, removals: removalCursor, leavers: leaverCursor }} nextCursor={drafts.nextCursor} first={!draftCursor} cursorName="drafts" />
      <h2 id="removals-due">Removals due</h2>
      <p>Business functions outside a mover's new job template; each is removed at its deadline unless an exception keeps it (<a href="/exceptions#request">request a keep exception</a>). High-risk functions are removed at once and do not wait here.</p>
      {removals.items.length === 0 ? <p>No removal is scheduled.</p> : (
        <div class="table-wrap">
          <table aria-labelledby="removals-due">
            <thead><tr><th scope="col">Worker</th><th scope="col">Function</th><th scope="col">New job</th><th scope="col">Risk</th><th scope="col">Due</th></tr></thead>
            <tbody>
              {removals.items.map((r) => (
                <tr class={r.overdue ? 'overdue' : undefined}>
                  <td><a href={`/workers/${r.workerId}`}>{fullName(names.get(r.workerId))}</a></td>
                  <td>{r.functionCode}</td>
                  <td>{r.jobType}</td>
                  <td><Badge value={r.riskLevel} /></td>
                  <td>{shortDate(r.dueAt)}{r.overdue ? ' (overdue)' : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager path="/queue" params={{ ...kept, drafts: draftCursor, leavers: leaverCursor }} nextCursor={removals.nextCursor} first={!removalCursor} cursorName="removals" />
      <h2 id="leavers-due">Leavers to end-date</h2>
      <p>End-dating waits until the leaver owns no open case or to-do; reassign their work from the case page.</p>
      {leavers.items.length === 0 ? <p>No leaver waits to be end-dated.</p> : (
        <div class="table-wrap">
          <table aria-labelledby="leavers-due">
            <thead><tr><th scope="col">Leaver</th><th scope="col">Open cases</th><th scope="col">Open to-dos</th><th scope="col">Deadline</th></tr></thead>
            <tbody>
              {leavers.items.map((l) => (
                <tr class={l.overdue ? 'overdue' : undefined}>
                  <td><a href={`/leaver-cases/${l.id}`}>{l.task}</a></td>
                  <td>{l.blockers.openCases}</td>
                  <td>{l.blockers.openTodos}</td>
                  <td>{shortDate(l.dueAt)}{l.overdue ? ' (overdue)' : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager path="/queue" params={{ ...kept, drafts: draftCursor, removals: removalCursor }} nextCursor={leavers.nextCursor} first={!leaverCursor} cursorName="leavers" />
      <h2>Absences and exceptions</h2>
      <p><a href="/coverage">Coverage for absences</a>: give a colleague a leave's units, or end it early. <a href="/exceptions">Access exceptions</a>: what is kept or held outside the job template, and until when.</p>
    </>
  );
}
