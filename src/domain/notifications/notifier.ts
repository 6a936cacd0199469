import { EventEmitter } from 'node:events';
import type { Executor } from '../../db/database.ts';
import type { MailKind, MailOutboxTable } from '../../db/schema.ts';
import type { Clock } from '../../shared/clock.ts';
import { calendarDateAt } from '../../shared/dates.ts';
import { newId } from '../../shared/ids.ts';
import { type MailContent, type RequestFacts, composeAcknowledgmentMail, composeRequestMail } from './mail-templates.ts';
import * as repo from './mail-outbox.repo.ts';

/**
 * Wakes the mail deliverer of this process. It fires when mails are written, before their
 * transaction commits, so the deliverer looks again over the next moments.
 */
export const mailSignal = new EventEmitter();

/** The request a notification is about. */
export interface NotifiedRequest {
  id: string;
  agencyId: string;
  subjectWorkerId: string;
  requesterWorkerId: string | null;
  justification: string;
  riskLevel: string;
}

type RequestMailKind = Exclude<MailKind, 'acknowledgment_needed' | 'acknowledgment_reminder'>;

export type Notifier = ReturnType<typeof createNotifier>;

/**
 * Writes notification emails as mail outbox rows in the caller's transaction, so they are sent
 * (after commit, by the mail deliverer) exactly when the change that caused them commits. A
 * worker without an email address gets a failed row that says so.
 */
export function createNotifier(deps: { clock: Clock; publicUrl: string }) {
  function rowFor(kind: MailKind, recipient: repo.Recipient, content: MailContent, requestId: string | null, agencyId: string): MailOutboxTable {
    const at = deps.clock.now().toISOString();
    return {
      id: newId(), agency_id: agencyId, kind, recipient_worker_id: recipient.id, to_address: recipient.email, subject: content.subject, body: content.body, request_id: requestId,
      status: recipient.email ? 'pending' : 'failed', attempts: 0, due_at: at, lease_owner: null, lease_expires_at: null,
      last_error: recipient.email ? null : 'The worker has no email address; add one to their directory record.', sent_at: null, created_at: at,
    };
  }

  async function write(trx: Executor, rows: MailOutboxTable[]): Promise<void> {
    await repo.insertMails(trx, rows);
    if (rows.some((r) => r.status === 'pending')) mailSignal.emit('written');
  }

  /** One email of the kind about the request to each worker named (each once). */
  async function notifyAboutRequest(trx: Executor, kind: RequestMailKind, request: NotifiedRequest, workerIds: readonly (string | null)[], extra: Pick<RequestFacts, 'stageName' | 'dueAt' | 'outcome'> = {}): Promise<void> {
    const ids = [...new Set(workerIds.filter((id): id is string => id !== null))];
    if (ids.length === 0) return;
    // An approver's deputy for today hears of what waits for the approver too (never about their own request or themselves).
    const barred = new Set([request.subjectWorkerId, ...(kind === 'decision' ? [] : [request.requesterWorkerId])]);
    const deputies = kind === 'decision' ? [] : (await repo.findDeputiesOn(trx, ids, calendarDateAt(deps.clock.now(), await repo.findAgencyTimeZone(trx, request.agencyId)))).filter((d) => !barred.has(d.deputyId) && !ids.includes(d.deputyId));
    const people = new Map((await repo.findRecipients(trx, [...ids, ...deputies.map((d) => d.deputyId), request.subjectWorkerId])).map((p) => [p.id, p]));
    const subjectName = people.get(request.subjectWorkerId)?.name ?? request.subjectWorkerId;
    const facts: RequestFacts = { requestId: request.id, subjectName, justification: request.justification, riskLevel: request.riskLevel, ...extra };
    const rows = ids.flatMap((id) => {
      const p = people.get(id);
      return p ? [rowFor(kind, p, composeRequestMail(kind, deps.publicUrl, p.name, facts), request.id, request.agencyId)] : [];
    });
    const deputyMailed = new Set<string>();
    for (const { deputyId, forWorkerId } of deputies) {
      const p = people.get(deputyId);
      if (!p || deputyMailed.has(deputyId)) continue;
      deputyMailed.add(deputyId);
      rows.push(rowFor(kind, p, composeRequestMail(kind, deps.publicUrl, p.name, facts, people.get(forWorkerId)?.name ?? forWorkerId), request.id, request.agencyId));
    }
    await write(trx, rows);
  }

  /** Asks the worker to acknowledge the access agreement (or reminds them). */
  async function askForAcknowledgment(trx: Executor, workerId: string, agreement: { version: string; text: string }, reminder: boolean): Promise<void> {
    const [person] = await repo.findRecipients(trx, [workerId]);
    if (!person) return;
    await write(trx, [rowFor(reminder ? 'acknowledgment_reminder' : 'acknowledgment_needed', person, composeAcknowledgmentMail(reminder, deps.publicUrl, person, agreement), null, person.agencyId)]);
  }

  return { notifyAboutRequest, askForAcknowledgment };
}
