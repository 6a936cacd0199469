/** Calendar dates are `YYYY-MM-DD` strings; instants are ISO-8601 UTC strings with milliseconds. */
export type CalendarDate = string;

const dateShape = /^\d{4}-\d{2}-\d{2}$/;

const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A real `YYYY-MM-DD` date (no 2026-02-30); cheap enough for a million directory rows. */
export function isCalendarDate(value: string): boolean {
  if (!dateShape.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (month < 1 || month > 12 || day < 1 || day > (daysInMonth[month - 1] ?? 0)) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month !== 2 || day <= 28 || leap;
}

export function toInstant(at: Date): string {
  return at.toISOString();
}

interface ZoneCalendar {
  formatter: Intl.DateTimeFormat;
  minute: number;
  date: CalendarDate;
}

const zoneCalendars = new Map<string, ZoneCalendar>();
const minuteMs = 60_000;

/**
 * The calendar date at an instant in a time zone: the day an agency's staff would say it is.
 * Time zones move midnight by whole minutes, so every instant of one UTC minute falls on the same
 * date: the last answer per zone is kept for its minute, since formatting in a zone costs tens of
 * microseconds and one approval asks several times.
 */
export function calendarDateAt(at: Date, timeZone: string): CalendarDate {
  const minute = Math.floor(at.getTime() / minuteMs);
  let calendar = zoneCalendars.get(timeZone);
  if (!calendar) {
    calendar = { formatter: new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }), minute: Number.NaN, date: '' };
    zoneCalendars.set(timeZone, calendar);
  }
  if (calendar.minute !== minute) {
    calendar.date = calendar.formatter.format(at);
    calendar.minute = minute;
  }
  return calendar.date;
}

/** The calendar date `days` days after (or, negative, before) `date`. */
export function addCalendarDays(date: CalendarDate, days: number): CalendarDate {
  const at = new Date(`${date}T00:00:00.000Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** `days` business days after `from` (Monday to Friday; weekends skipped), at the same time of day, in UTC. */
export function addBusinessDays(from: Date, days: number): Date {
  const due = new Date(from);
  let left = days;
  while (left > 0) {
    due.setUTCDate(due.getUTCDate() + 1);
    const day = due.getUTCDay();
    if (day !== 0 && day !== 6) left -= 1;
  }
  return due;
}
