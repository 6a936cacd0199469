import { isCalendarDate } from '../shared/dates.ts';
import type { DirectoryRecord } from './directory-record.ts';

const loginShape = /^[A-Za-z0-9._-]{2,64}$/;
const jobTypeShape = /^[a-z][a-z0-9_]{1,63}$/;
const unitCodeShape = /^[A-Za-z0-9_-]{1,20}$/;
const emailShape = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

/** What is wrong with a record, in words for the person who fixes the source; null when valid. */
export function findRecordProblem(record: DirectoryRecord): string | null {
  if (!record.externalId || record.externalId.length > 200) return 'the correlation key (external id) is empty or longer than 200 characters';
  if (!loginShape.test(record.loginId)) return `login id "${record.loginId.slice(0, 80)}" must be 2-64 letters, digits, ".", "_" or "-"`;
  if (!record.firstName || record.firstName.length > 100) return 'first name is empty or longer than 100 characters';
  if (!record.lastName || record.lastName.length > 100) return 'last name is empty or longer than 100 characters';
  if (record.email !== null && !emailShape.test(record.email)) return `email "${record.email.slice(0, 80)}" is not an email address`;
  if (record.unitCode !== null && !unitCodeShape.test(record.unitCode)) return `unit "${record.unitCode.slice(0, 40)}" is not a unit code (1-20 letters, digits, "_" or "-")`;
  if (record.jobType !== null && !jobTypeShape.test(record.jobType)) return `job type "${record.jobType.slice(0, 80)}" must be lower-case letters, digits and "_" (e.g. cps_caseworker)`;
  if (record.hireDate !== null && !isCalendarDate(record.hireDate)) return `hire date "${record.hireDate.slice(0, 40)}" is not a date (YYYY-MM-DD)`;
  if (record.terminationDate !== null && !isCalendarDate(record.terminationDate)) return `termination date "${record.terminationDate.slice(0, 40)}" is not a date (YYYY-MM-DD)`;
  if (record.supervisorExternalId === record.externalId) return 'the worker is named as their own supervisor';
  return null;
}
