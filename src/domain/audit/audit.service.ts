import type { Database, Executor } from '../../db/database.ts';
import type { AuditEventRow } from '../../db/schema.ts';
import type { Clock } from '../../shared/clock.ts';
import { assertThat } from '../../shared/errors.ts';
import { type Page, decodeCursor, encodeCursor } from '../../shared/page.ts';
import type { RequestContext } from '../auth/actor.ts';
import { agencyScope, authorize } from '../auth/permissions.ts';
import { genesisHash, hashAuditEvent } from './audit-hash.ts';
import { type AuditEvent, toAuditEvent } from './audit.schemas.ts';
import * as repo from './audit.repo.ts';

export interface AuditEntry {
  action: string;
  subjectType: string;
  subjectId: string;
  agencyId: string | null;
  reason?: string | null | undefined;
  before?: unknown;
  after?: unknown;
}

export interface ChainVerification {
  ok: boolean;
  eventsChecked: number;
  /** The first event that does not link, with what is wrong; absent when the chain holds. */
  firstBreak?: { seq: number; problem: string };
}

export interface AuditListFilter {
  agencyId?: string | undefined;
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  action?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export type AuditLog = ReturnType<typeof createAuditLog>;

export function createAuditLog(deps: { db: Database; clock: Clock }) {
  /** The chain head each open transaction has appended up to (a transaction that ends is dropped with it). */
  const heldHeads = new WeakMap<Executor, { seq: number; hash: string }>();

  /** Appends events inside the caller's transaction, so the change and its record commit together. */
  async function record(trx: Executor, ctx: RequestContext, entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // The first append of a transaction takes the chain's lock and reads the head; later appends
    // in the same transaction already hold the lock and know the head they wrote.
    const head = (trx.isTransaction ? heldHeads.get(trx) : undefined) ?? (await repo.lockChainHead(trx));
    const at = deps.clock.now().toISOString();
    let { seq, hash } = head;
    const rows: AuditEventRow[] = entries.map((entry) => {
      seq += 1;
      const row: AuditEventRow = {
        seq,
        at,
        actor_id: ctx.actor.principalId,
        actor_name: ctx.actor.name,
        action: entry.action,
        subject_type: entry.subjectType,
        subject_id: entry.subjectId,
        agency_id: entry.agencyId,
        reason: entry.reason ?? null,
        request_id: ctx.requestId,
        before: entry.before === undefined ? null : JSON.stringify(entry.before),
        after: entry.after === undefined ? null : JSON.stringify(entry.after),
        prev_hash: hash,
        hash: '',
      };
      // Set in place rather than copied into a new row: a sync writes millions of these.
      row.hash = hashAuditEvent(row);
      hash = row.hash;
      return row;
    });
    await repo.appendEvents(trx, rows);
    if (trx.isTransaction) heldHeads.set(trx, { seq, hash });
  }

  /** Walks the whole chain and reports the first event that was changed, removed or reordered. */
  async function verify(): Promise<ChainVerification> {
    let expectedSeq = 1;
    let previousHash = genesisHash;
    let checked = 0;
    for await (const batch of repo.readEventsInOrder(deps.db)) {
      for (const event of batch) {
        const broken = (problem: string): ChainVerification => ({ ok: false, eventsChecked: checked, firstBreak: { seq: event.seq, problem } });
        if (event.seq !== expectedSeq) {
          return broken(event.seq > expectedSeq ? `events ${expectedSeq}..${event.seq - 1} are missing` : `event out of order (expected ${expectedSeq})`);
        }
        if (event.prev_hash !== previousHash) return broken('does not link to the event before it (prev_hash differs)');
        const { hash, ...rest } = event;
        if (hashAuditEvent(rest) !== hash) return broken('its content was changed after it was written (hash differs)');
        previousHash = hash;
        expectedSeq += 1;
        checked += 1;
      }
    }
    const head = await repo.readChainHead(deps.db);
    if (head.seq !== checked || head.hash !== previousHash) {
      return { ok: false, eventsChecked: checked, firstBreak: { seq: checked + 1, problem: `the log ends at event ${checked} but the chain head records event ${head.seq}: events were removed from the end` } };
    }
    return { ok: true, eventsChecked: checked };
  }

  async function list(ctx: RequestContext, filter: AuditListFilter): Promise<Page<AuditEvent>> {
    let agencyIds = agencyScope(ctx.actor, 'audit.read');
    if (filter.agencyId) {
      authorize(ctx.actor, 'audit.read', filter.agencyId, 'agency.not_found', 'agency');
      agencyIds = [filter.agencyId];
    }
    const cursor = decodeCursor(filter.cursor);
    const rows = await repo.listEvents(deps.db, {
      agencyIds,
      subjectType: filter.subjectType,
      subjectId: filter.subjectId,
      action: filter.action,
      beforeSeq: cursor === undefined ? undefined : Number(cursor),
      limit: filter.limit + 1,
    });
    const items = rows.slice(0, filter.limit);
    const last = items.at(-1);
    return { items: items.map(toAuditEvent), nextCursor: rows.length > filter.limit && last ? encodeCursor(String(last.seq)) : null };
  }

  /** Chain status for auditors; the result names positions only, never another agency's data. */
  async function verifyFor(ctx: RequestContext): Promise<ChainVerification> {
    assertThat(ctx.actor.roles.some((r) => r.role === 'auditor' || r.role === 'state_admin'), 'auth.forbidden', 'Only auditors and state administrators can verify the audit chain.');
    return verify();
  }

  return { record, verify, verifyFor, list };
}
