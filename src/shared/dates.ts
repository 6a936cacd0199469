/** Calendar dates are `YYYY-MM-DD` strings; instants are ISO-8601 UTC strings with milliseconds. */
export type CalendarDate = string;

const dateShape = /^\d{4}-\d{2}-\d{2}$/;

export function isCalendarDate(value: string): boolean {
  if (!dateShape.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

export function toInstant(at: Date): string {
  return at.toISOString();
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date at an instant in a time zone: the day an agency's staff would say it is. */
export function calendarDateAt(at: Date, timeZone: string): CalendarDate {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter.format(at);
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
