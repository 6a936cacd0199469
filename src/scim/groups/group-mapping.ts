import type { RawBuilder } from 'kysely';
import type { Column, ColumnMap } from '../query/filter-sql.ts';
import { withSchemas } from '../resource/projection.ts';
import { invalidValue } from '../scim-errors.ts';
import { cloneJson, isObject, type Json } from '../scim-json.ts';
import { groupResourceType } from '../schema/group-schema.ts';
import { type GroupRow, groupRefs, type MemberRow } from './scim-groups.repo.ts';

/** What Gatehouse keeps of a Group in its own columns and rows. */
export interface GroupFields {
  displayName: string;
  externalId: string | null;
  /** Member ids, each once. */
  memberIds: string[];
}

/** Validates a canonical Group; members must be Users (groups of groups are not supported). */
export function readGroupFields(resource: Json): GroupFields {
  const displayName = typeof resource.displayName === 'string' ? resource.displayName.trim() : '';
  if (displayName === '') throw invalidValue('displayName is required.');
  if (displayName.length > 256) throw invalidValue('displayName may have at most 256 characters.');
  const externalId = typeof resource.externalId === 'string' && resource.externalId.trim() !== '' ? resource.externalId.trim() : null;
  if (externalId !== null && externalId.length > 200) throw invalidValue('externalId may have at most 200 characters.');
  const members = Array.isArray(resource.members) ? resource.members.filter(isObject) : [];
  const memberIds = new Set<string>();
  for (const member of members) {
    if (member.type !== undefined && member.type !== 'User') throw invalidValue(`members: a member of type ${JSON.stringify(member.type)} is not supported; members are Users.`);
    if (typeof member.value !== 'string' || member.value === '') throw invalidValue('members: each member needs "value", the id of a User.');
    memberIds.add(member.value);
  }
  return { displayName, externalId, memberIds: [...memberIds] };
}

/** The stored form: everything but members, which are rows of their own. */
export function storedGroup(resource: Json): string {
  const rest = { ...resource };
  delete rest.members;
  return JSON.stringify(rest);
}

export function groupEtag(row: Pick<GroupRow, 'version'>): string {
  return `"${row.version}"`;
}

/** The Group a client reads; `members` null leaves them out (the response will not show them). */
export function renderGroup(row: GroupRow, members: MemberRow[] | null, baseUrl: string): Json {
  const resource: Json = { id: row.id, ...cloneJson(JSON.parse(row.resource) as Json) };
  resource.displayName = row.displayName;
  if (row.externalId) resource.externalId = row.externalId;
  else delete resource.externalId;
  if (members && members.length > 0) {
    resource.members = members.map((m) => ({ value: m.workerId, $ref: `${baseUrl}/Users/${m.workerId}`, display: m.display, type: 'User' }));
  }
  resource.meta = { resourceType: 'Group', created: row.createdAt, lastModified: row.updatedAt, location: `${baseUrl}/Groups/${row.id}`, version: groupEtag(row) };
  return withSchemas(groupResourceType, resource);
}

const text = (expr: RawBuilder<unknown>, caseExact: boolean, nullable: boolean, lowered = false): Column => ({ kind: 'text', expr, caseExact, lowered, nullable });

/** The Group attributes whose filters and sorts run in SQL. */
export const groupColumns: ColumnMap = new Map<string, Column>([
  ['id', text(groupRefs.id, true, false)],
  ['externalid', text(groupRefs.externalId, true, true)],
  ['displayname', text(groupRefs.displayKey, false, false, true)],
  ['meta.created', { kind: 'instant', expr: groupRefs.created }],
  ['meta.lastmodified', { kind: 'instant', expr: groupRefs.lastModified }],
  ['members', { kind: 'membership', exists: groupRefs.hasMember }],
  ['members.value', { kind: 'membership', exists: groupRefs.hasMember }],
]);
