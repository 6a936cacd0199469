import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Database } from '../db/database.ts';
import * as repo from '../domain/notifications/mail-outbox.repo.ts';
import { mailSignal } from '../domain/notifications/notifier.ts';
import { leaseOwner } from '../scheduler/leases.ts';
import type { Clock } from '../shared/clock.ts';
import { createPassRunner } from './pass-runner.ts';
import type { Logger } from '../shared/logger.ts';
import { type DelivererSettings, defaultDelivererSettings, retryDelayMs } from './deliverer.ts';

export interface MailSettings {
  /** smtp://host:port (or smtps://, with user:password@ when the server wants them). */
  smtpUrl: string;
  /** The From address of every notification. */
  from: string;
  /** Mails sent at once. */
  batchSize?: number;
}

/** After a write, look again after these pauses (ms): the signal fires before the writer's commit. */
const wakeSchedule = [0, 10, 50, 200, 1000];

/**
 * Sends the mail outbox over SMTP after commit: claims due mails under a lease (any number of
 * nodes may run one), retries a failed send with backoff, and gives up after maxAttempts.
 */
export function createMailDeliverer(deps: { db: Database; clock: Clock; logger: Logger; mail: MailSettings; settings?: Partial<DelivererSettings> }) {
  const settings = { ...defaultDelivererSettings, ...deps.settings };
  const batchSize = deps.mail.batchSize ?? 20;
  const owner = leaseOwner(`mail-${randomUUID().slice(0, 8)}`);
  const transport = nodemailer.createTransport(deps.mail.smtpUrl);
  let stopped = true;
  let pollTimer: NodeJS.Timeout | undefined;
  const wakeTimers = new Set<NodeJS.Timeout>();

  async function send(mail: repo.OutgoingMail): Promise<void> {
    try {
      await transport.sendMail({ from: deps.mail.from, to: mail.to, subject: mail.subject, text: mail.body, headers: { 'X-Gatehouse-Mail-Id': mail.id } });
      await repo.markSent(deps.db, mail.id, owner, deps.clock.now().toISOString());
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const attempt = mail.attempts + 1;
      const permanent = (error as { responseCode?: number }).responseCode !== undefined && ((error as { responseCode: number }).responseCode >= 500);
      const giveUp = permanent || attempt >= settings.maxAttempts;
      const retryAt = giveUp ? null : new Date(deps.clock.now().getTime() + retryDelayMs(attempt, settings)).toISOString();
      deps.logger.warn({ mailId: mail.id, attempt, error: message, giveUp }, 'Sending a notification email failed');
      await repo.recordMailFailure(deps.db, mail.id, owner, { error: message, retryAt });
    }
  }

  /** Claims a batch of due mails and sends them, until none is due. */
  async function pass(): Promise<void> {
    for (;;) {
      const now = deps.clock.now();
      const claimed = await repo.claimDueMails(deps.db, { now: now.toISOString(), limit: batchSize, owner, leaseUntil: new Date(now.getTime() + 120_000).toISOString() });
      if (claimed.length === 0 || stopped) return;
      await Promise.all(claimed.map(send));
    }
  }

  const passes = createPassRunner(pass, { logger: deps.logger, failure: 'The mail deliverer could not claim work; it will try again', isStopped: () => stopped });

  function onWritten(): void {
    for (const pause of wakeSchedule) {
      const timer = setTimeout(() => {
        wakeTimers.delete(timer);
        if (!stopped) passes.run();
      }, pause);
      wakeTimers.add(timer);
    }
  }

  function start(): void {
    if (!stopped) return;
    stopped = false;
    mailSignal.on('written', onWritten);
    pollTimer = setInterval(passes.run, settings.pollIntervalMs);
    passes.run();
  }

  /** Stops claiming, lets sends in flight finish, and closes the SMTP connections. */
  async function stop(): Promise<void> {
    stopped = true;
    mailSignal.off('written', onWritten);
    clearInterval(pollTimer);
    for (const timer of wakeTimers) clearTimeout(timer);
    wakeTimers.clear();
    await passes.settled();
    transport.close();
  }

  return { start, stop };
}

export type MailDeliverer = ReturnType<typeof createMailDeliverer>;
