const dayMs = 86_400_000;

/** The instant one business day before `due`: the day before, moved back over a weekend to Friday. */
function oneBusinessDayBefore(due: Date): Date {
  let at = new Date(due.getTime() - dayMs);
  while (at.getUTCDay() === 0 || at.getUTCDay() === 6) at = new Date(at.getTime() - dayMs);
  return at;
}

/** When the approvers of a stage are reminded: at half-time and one business day before the deadline. */
export function reminderTimes(activatedAt: Date, dueAt: Date): Date[] {
  const half = new Date(activatedAt.getTime() + (dueAt.getTime() - activatedAt.getTime()) / 2);
  const times = [half, oneBusinessDayBefore(dueAt)].filter((t) => t > activatedAt && t < dueAt).sort((a, b) => a.getTime() - b.getTime());
  return times.filter((t, i) => i === 0 || t.getTime() !== times[i - 1]?.getTime());
}

/** The first reminder after `after`, as stored on the stage; null when no reminder is left. */
export function nextReminderAt(activatedAt: Date, dueAt: Date, after: Date = activatedAt): string | null {
  return reminderTimes(activatedAt, dueAt).find((t) => t > after)?.toISOString() ?? null;
}

/** How long a worker who has not acknowledged the access agreement waits between reminders. */
const acknowledgmentReminderMs = 2 * dayMs;

/** When a worker who owes an acknowledgment, asked or reminded at `at`, is reminded next. */
export function nextAcknowledgmentReminderAt(at: Date): string {
  return new Date(at.getTime() + acknowledgmentReminderMs).toISOString();
}
