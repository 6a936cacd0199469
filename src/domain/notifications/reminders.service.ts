import type { Database } from '../../db/database.ts';
import { runEach, runEachInTransaction } from '../../db/run-each.ts';
import type { Clock } from '../../shared/clock.ts';
import { accessAgreement } from '../requests/acknowledgments.service.ts';
import * as requests from '../requests/requests.repo.ts';
import type { Notifier } from './notifier.ts';
import { nextAcknowledgmentReminderAt, nextReminderAt } from './reminder-schedule.ts';

const batch = 500;

export type ReminderService = ReturnType<typeof createReminderService>;

/** Reminds approvers of stages nearing their deadline, and workers who have not acknowledged the agreement. */
export function createReminderService(deps: { db: Database; clock: Clock; notifier: Notifier }) {
  /** One reminder to each approver of the stage who has not decided, then the stage's next reminder time. */
  async function remindApprovers(now: Date): Promise<number> {
    const at = now.toISOString();
    let sent = 0;
    await runEachInTransaction(deps.db, await requests.listStagesDueReminder(deps.db, at, batch), async (trx, due) => {
      const header = await requests.findRequest(trx, due.requestId);
      const stage = header?.status === 'pending' ? (await requests.listStages(trx, header.id)).find((s) => s.id === due.stageId) : undefined;
      if (!header || !stage || stage.status !== 'active' || !stage.activatedAt || !stage.dueAt) return;
      const next = nextReminderAt(new Date(stage.activatedAt), new Date(stage.dueAt), now);
      if (!(await requests.moveReminder(trx, stage.id, due.nextReminderAt, next))) return;
      const decided = new Set(stage.decisions.map((d) => d.approverWorkerId));
      await deps.notifier.notifyAboutRequest(trx, 'reminder', header, stage.approverIds.filter((id) => !decided.has(id)), { stageName: stage.name, dueAt: stage.dueAt });
      sent += 1;
    });
    return sent;
  }

  /** Reminds each worker who owes an acknowledgment of the agreement in force, every two days, until they give it. */
  async function remindAcknowledgments(now: Date): Promise<number> {
    let sent = 0;
    await runEachInTransaction(deps.db, await requests.listDueAcknowledgmentReminders(deps.db, now.toISOString(), batch), async (trx, due) => {
      if (await requests.hasAcknowledged(trx, due.workerId, accessAgreement.version)) {
        await requests.dropAcknowledgmentReminder(trx, due.workerId);
        return;
      }
      if (!(await requests.moveAcknowledgmentReminder(trx, due.workerId, due.nextReminderAt, nextAcknowledgmentReminderAt(now)))) return;
      await deps.notifier.askForAcknowledgment(trx, due.workerId, accessAgreement, true);
      sent += 1;
    });
    return sent;
  }

  async function processReminders(now: Date = deps.clock.now()): Promise<{ approvalReminders: number; acknowledgmentReminders: number }> {
    const counts = { approvalReminders: 0, acknowledgmentReminders: 0 };
    const kinds = { approvalReminders: remindApprovers, acknowledgmentReminders: remindAcknowledgments };
    // A failing approval reminder does not stop the acknowledgment reminders, nor the other way round.
    await runEach(Object.entries(kinds), async ([kind, remind]) => {
      counts[kind as keyof typeof kinds] = await remind(now);
    });
    return counts;
  }

  return { processReminders };
}
