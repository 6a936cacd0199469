import type { Services } from '../../app.ts';
import type { RequestContext } from '../../domain/auth/actor.ts';
import { hasPermission } from '../../domain/auth/permissions.ts';
import type { LeaverCase } from '../../domain/leavers/leavers.schemas.ts';
import { shortDate } from '../lookups.ts';
import { Badge } from '../ui.tsx';

/** The worker's open and end-dated leaver cases, for whoever may read them (the LAN administrator may not). */
export async function leaverCasesOf(services: Services, ctx: RequestContext, worker: { id: string; agencyId: string }): Promise<LeaverCase[]> {
  if (!hasPermission(ctx.actor, 'leavers.read', worker.agencyId)) return [];
  const open = await services.leavers.list(ctx, worker.agencyId, { status: 'open', workerId: worker.id, limit: 5 });
  const endDated = await services.leavers.list(ctx, worker.agencyId, { status: 'end_dated', workerId: worker.id, limit: 5 });
  return [...open.items, ...endDated.items];
}

/** Links from the worker page to the worker's leaver cases, when there are any. */
export function LeaverCaseLinks(props: { cases: LeaverCase[] }) {
  if (props.cases.length === 0) return null;
  return (
    <section aria-labelledby="leaver-cases">
      <h2 id="leaver-cases">{props.cases.length === 1 ? 'Leaver case' : 'Leaver cases'}</h2>
      <ul>
        {props.cases.map((c) => (
          <li>
            <a href={`/leaver-cases/${c.id}`}>{c.task}</a> <Badge value={c.status} />{' '}
            {c.status === 'open' ? <span class={c.overdue ? 'overdue' : undefined}>end-date by {shortDate(c.dueAt)}{c.overdue ? ' (overdue)' : ''}</span> : `end-dated ${shortDate(c.endDatedAt)}`}
          </li>
        ))}
      </ul>
    </section>
  );
}
