import type { CalendarDate } from '../../shared/dates.ts';

/** A worker's calendar dates; undefined means "not given" (a patch), null means "none". */
export interface WorkerDates {
  hireDate?: CalendarDate | null | undefined;
  leaveStart?: CalendarDate | null | undefined;
  leaveReturn?: CalendarDate | null | undefined;
  terminationDate?: CalendarDate | null | undefined;
}

export interface DateProblem {
  field: keyof WorkerDates;
  message: string;
}

/** The dates that are out of order: a return before its leave starts, a termination before the hire. */
export function dateOrderProblems(dates: WorkerDates): DateProblem[] {
  const problems: DateProblem[] = [];
  const { hireDate, leaveStart, leaveReturn, terminationDate } = dates;
  if (leaveReturn && leaveStart === null) problems.push({ field: 'leaveReturn', message: 'A return date needs a leave start; give leaveStart too.' });
  if (leaveReturn && leaveStart && leaveReturn < leaveStart) problems.push({ field: 'leaveReturn', message: `The return date must be on or after the leave start (${leaveStart}).` });
  if (terminationDate && hireDate && terminationDate < hireDate) problems.push({ field: 'terminationDate', message: `The termination date must be on or after the hire date (${hireDate}).` });
  return problems;
}

/** Rule 1's leave test: on leave from the start date up to, not including, the return date. */
export function isOnLeave(state: { leaveStart: CalendarDate | null; leaveReturn: CalendarDate | null }, date: CalendarDate): boolean {
  if (state.leaveStart === null || date < state.leaveStart) return false;
  return state.leaveReturn === null || date < state.leaveReturn;
}
