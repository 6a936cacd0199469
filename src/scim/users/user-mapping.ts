import type { RawBuilder } from 'kysely';
import { isCalendarDate } from '../../shared/dates.ts';
import { dateOrderProblems } from '../../domain/workers/worker-dates.ts';
import { unassignedJobType } from '../../sync/engine/plan.ts';
import type { Column, ColumnMap } from '../query/filter-sql.ts';
import { invalidValue } from '../scim-errors.ts';
import { isObject, type Json } from '../scim-json.ts';
import { withSchemas } from '../resource/projection.ts';
import { enterpriseSchemaId, gatehouseSchemaId, userResourceType } from '../schema/user-schemas.ts';
import { type GroupRef, type UserRow, userRefs } from './scim-users.repo.ts';

const loginShape = /^[A-Za-z0-9._-]{2,64}$/;
const jobTypeShape = /^[a-z][a-z0-9_]{1,63}$/;
const unitCodeShape = /^[A-Za-z0-9_-]{1,20}$/;
const emailShape = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

/** What Gatehouse takes from a SCIM User into the worker's own columns. */
export interface UserFields {
  loginId: string;
  firstName: string;
  lastName: string;
  email: string | null;
  /** Absent from the resource: undefined (a create enables, a replace keeps the current state). */
  enabled: boolean | undefined;
  supervisorId: string | null;
  unitCode: string | null;
  jobType: string;
  leaveStart: string | null;
  leaveReturn: string | null;
  terminationDate: string | null;
  externalId: string | null;
  displayKey: string | null;
  /** Every email value, lower-cased, each between newlines, for filters. */
  emailsText: string;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function extension(resource: Json, urn: string): Json {
  const value = resource[urn];
  return isObject(value) ? value : {};
}

/** The worker's email: the primary address, else the work one, else the first. */
function pickEmail(emails: unknown): Json | undefined {
  if (!Array.isArray(emails)) return undefined;
  const list = emails.filter(isObject);
  return list.find((e) => e.primary === true) ?? list.find((e) => e.type === 'work') ?? list[0];
}

function calendarDate(value: unknown, name: string): string | null {
  const date = text(value);
  if (date !== null && !isCalendarDate(date)) throw invalidValue(`${gatehouseSchemaId}:${name} must be a calendar date YYYY-MM-DD, not "${date.slice(0, 40)}".`);
  return date;
}

/** Splits "Barbara Jensen" into given and family name, for clients that send no name. */
function splitName(full: string | null): [string | null, string | null] {
  if (full === null) return [null, null];
  const space = full.lastIndexOf(' ');
  return space < 0 ? [null, full] : [full.slice(0, space).trim(), full.slice(space + 1)];
}

/** Validates a canonical User and reads the worker's fields from it; refusals are invalidValue. */
export function readUserFields(resource: Json): UserFields {
  const loginId = text(resource.userName);
  if (loginId === null) throw invalidValue('userName is required.');
  if (!loginShape.test(loginId)) {
    throw invalidValue(`userName "${loginId.slice(0, 80)}" is not a Gatehouse login id: use 2 to 64 letters, digits, ".", "_" or "-" (map the client's userName to e.g. mailNickname rather than an email address).`);
  }
  const name = isObject(resource.name) ? resource.name : {};
  const [givenFallback, familyFallback] = splitName(text(resource.displayName) ?? text(name.formatted));
  const firstName = text(name.givenName) ?? givenFallback ?? loginId;
  const lastName = text(name.familyName) ?? familyFallback ?? loginId;
  if (firstName.length > 100 || lastName.length > 100) throw invalidValue('name.givenName and name.familyName may have at most 100 characters each.');
  const email = text(pickEmail(resource.emails)?.value);
  if (email !== null && !emailShape.test(email)) throw invalidValue(`emails: "${email.slice(0, 80)}" is not an email address.`);
  const enterprise = extension(resource, enterpriseSchemaId);
  const manager = isObject(enterprise.manager) ? text(enterprise.manager.value) : null;
  const gatehouse = extension(resource, gatehouseSchemaId);
  const unitCode = text(gatehouse.unit);
  if (unitCode !== null && !unitCodeShape.test(unitCode)) throw invalidValue(`${gatehouseSchemaId}:unit "${unitCode.slice(0, 40)}" is not a unit code (1-20 letters, digits, "_" or "-").`);
  const jobType = text(gatehouse.jobType) ?? unassignedJobType;
  if (!jobTypeShape.test(jobType)) throw invalidValue(`${gatehouseSchemaId}:jobType "${jobType.slice(0, 80)}" must be lower-case letters, digits and "_", e.g. "cps_caseworker".`);
  const dates = {
    leaveStart: calendarDate(gatehouse.leaveStart, 'leaveStart'),
    leaveReturn: calendarDate(gatehouse.leaveReturn, 'leaveReturn'),
    terminationDate: calendarDate(gatehouse.terminationDate, 'terminationDate'),
  };
  const problems = dateOrderProblems(dates);
  if (problems.length > 0) throw invalidValue(problems.map((p) => `${gatehouseSchemaId}:${p.field}: ${p.message}`).join(' '));
  const externalId = text(resource.externalId);
  if (externalId !== null && externalId.length > 200) throw invalidValue('externalId may have at most 200 characters.');
  const emails = Array.isArray(resource.emails) ? resource.emails.filter(isObject).map((e) => e.value).filter((v): v is string => typeof v === 'string') : [];
  return {
    loginId, firstName, lastName, email, enabled: typeof resource.active === 'boolean' ? resource.active : undefined, supervisorId: manager, unitCode, jobType,
    ...dates, externalId, displayKey: text(resource.displayName)?.toLowerCase() ?? null,
    emailsText: emails.length > 0 ? `\n${emails.map((e) => e.toLowerCase()).join('\n')}\n` : '',
  };
}

/** The strong ETag of a user: it moves with the SCIM resource and with the worker alike. */
export function userEtag(row: Pick<UserRow, 'version' | 'workerVersion'>): string {
  return `"${row.version}.${row.workerVersion}"`;
}

/**
 * The User a client reads: the resource as last written, with what Gatehouse models taken from
 * the worker (it may have changed through Gatehouse since), its groups and its meta.
 */
export function renderUser(row: UserRow, agencyCode: string, groups: GroupRef[] | null, baseUrl: string): Json {
  // Freshly parsed, so the resource may share its members: nothing else holds them.
  const stored = JSON.parse(row.resource) as Json;
  const resource: Json = { id: row.id, ...stored };
  if (row.externalId) resource.externalId = row.externalId;
  else delete resource.externalId;
  resource.userName = row.loginId;
  resource.name = { ...(isObject(stored.name) ? stored.name : {}), givenName: row.firstName, familyName: row.lastName };
  resource.active = row.enabled === 1;
  overlayEmail(resource, row.email);
  const enterprise = { ...extension(stored, enterpriseSchemaId) };
  if (row.supervisorId) enterprise.manager = { ...(isObject(enterprise.manager) ? enterprise.manager : {}), value: row.supervisorId, $ref: `${baseUrl}/Users/${row.supervisorId}` };
  else delete enterprise.manager;
  if (Object.keys(enterprise).length > 0) resource[enterpriseSchemaId] = enterprise;
  else delete resource[enterpriseSchemaId];
  resource[gatehouseSchemaId] = {
    agency: agencyCode, unit: row.unitCode, jobType: row.jobType,
    ...(row.leaveStart ? { leaveStart: row.leaveStart } : {}), ...(row.leaveReturn ? { leaveReturn: row.leaveReturn } : {}),
    ...(row.terminationDate ? { terminationDate: row.terminationDate } : {}),
  };
  if (groups && groups.length > 0) resource.groups = groups.map((g) => ({ value: g.id, $ref: `${baseUrl}/Groups/${g.id}`, display: g.displayName, type: 'direct' }));
  const lastModified = row.workerUpdatedAt > row.updatedAt ? row.workerUpdatedAt : row.updatedAt;
  resource.meta = { resourceType: 'User', created: row.createdAt, lastModified, location: `${baseUrl}/Users/${row.id}`, version: userEtag(row) };
  return withSchemas(userResourceType, resource);
}

/** Keeps the chosen email in line with the worker's, which Gatehouse staff may have changed. */
function overlayEmail(resource: Json, email: string | null): void {
  const emails = Array.isArray(resource.emails) ? resource.emails.filter(isObject) : [];
  const chosen = pickEmail(emails);
  if ((chosen?.value ?? null) === email) return;
  if (chosen && email !== null) chosen.value = email;
  else if (chosen) emails.splice(emails.indexOf(chosen), 1);
  else if (email !== null) emails.push({ value: email, type: 'work', primary: true });
  if (emails.length > 0) resource.emails = emails;
  else delete resource.emails;
}

const ent = enterpriseSchemaId.toLowerCase();
const gh = gatehouseSchemaId.toLowerCase();
const text_ = (expr: RawBuilder<unknown>, caseExact: boolean, nullable: boolean, lowered = false): Column => ({ kind: 'text', expr, caseExact, lowered, nullable });

/** The User attributes whose filters and sorts run in SQL. */
export const userColumns: ColumnMap = new Map<string, Column>([
  ['id', text_(userRefs.id, true, false)],
  ['externalid', text_(userRefs.externalId, true, true)],
  ['username', text_(userRefs.loginKey, false, false, true)],
  ['name.givenname', text_(userRefs.firstName, false, false)],
  ['name.familyname', text_(userRefs.lastName, false, false)],
  ['displayname', text_(userRefs.displayKey, false, true, true)],
  ['emails', { kind: 'list', expr: userRefs.emails }],
  ['emails.value', { kind: 'list', expr: userRefs.emails }],
  ['active', { kind: 'flag', expr: userRefs.enabled }],
  ['meta.created', { kind: 'instant', expr: userRefs.created }],
  ['meta.lastmodified', { kind: 'instant', expr: userRefs.lastModified }],
  ['groups', { kind: 'membership', exists: userRefs.inGroup }],
  ['groups.value', { kind: 'membership', exists: userRefs.inGroup }],
  [`${ent}:manager`, text_(userRefs.supervisorId, true, true)],
  [`${ent}:manager.value`, text_(userRefs.supervisorId, true, true)],
  [`${gh}:unit`, text_(userRefs.unitCode, false, false)],
  [`${gh}:jobtype`, text_(userRefs.jobType, true, false)],
  [`${gh}:leavestart`, text_(userRefs.leaveStart, true, true)],
  [`${gh}:leavereturn`, text_(userRefs.leaveReturn, true, true)],
  [`${gh}:terminationdate`, text_(userRefs.terminationDate, true, true)],
]);
