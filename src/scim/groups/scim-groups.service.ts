import type { Database, DatabaseKind, Executor } from '../../db/database.ts';
import type { AuditLog } from '../../domain/audit/audit.service.ts';
import type { Clock } from '../../shared/clock.ts';
import { isId, newId } from '../../shared/ids.ts';
import { type ListRequest, runList } from '../query/list-query.ts';
import { normalizeResource } from '../resource/normalize.ts';
import { applyPatch, readPatchRequest } from '../resource/patch.ts';
import { includesAttribute, project, type Projection } from '../resource/projection.ts';
import { assertPreconditions, ConcurrentChange, contextOf, type Preconditions, retryOnConcurrentChange, type ScimCall, type ScimResult } from '../scim-call.ts';
import { invalidValue, notFound, refuseScimDuplicate } from '../scim-errors.ts';
import { findKey, isObject, type Json } from '../scim-json.ts';
import { groupResourceType } from '../schema/group-schema.ts';
import { type GroupFields, groupColumns, groupEtag, readGroupFields, renderGroup, storedGroup } from './group-mapping.ts';
import * as repo from './scim-groups.repo.ts';

const type = groupResourceType;
const auditedIds = 100;

export type ScimGroupService = ReturnType<typeof createScimGroupService>;

/** /Groups: directory groups a SCIM client pushes, with Users of the same agency as members. */
export function createScimGroupService(deps: { db: Database; dbKind: DatabaseKind; clock: Clock; audit: AuditLog }) {
  async function load(db: Executor, call: ScimCall, id: string): Promise<repo.GroupRow> {
    const row = isId(id) ? await repo.findGroup(db, call.client.agencyId, id) : undefined;
    if (!row) throw notFound('Group', id);
    return row;
  }

  async function renderRows(db: Executor, call: ScimCall, rows: repo.GroupRow[], withMembers: boolean): Promise<Json[]> {
    const members = withMembers ? await repo.membersOf(db, rows.map((r) => r.id)) : [];
    const byGroup = new Map<string, repo.MemberRow[]>();
    for (const member of members) byGroup.set(member.groupId, [...(byGroup.get(member.groupId) ?? []), member]);
    return rows.map((row) => renderGroup(row, withMembers ? (byGroup.get(row.id) ?? []) : null, call.baseUrl));
  }

  async function result(call: ScimCall, id: string, projection: Projection): Promise<ScimResult> {
    const row = await load(deps.db, call, id);
    const [resource = {}] = await renderRows(deps.db, call, [row], includesAttribute(type, projection, 'members'));
    return { resource: project(type, resource, projection), etag: groupEtag(row), location: `${call.baseUrl}/Groups/${row.id}` };
  }

  async function assertMembers(trx: Executor, call: ScimCall, ids: string[]): Promise<void> {
    const shaped = ids.filter(isId);
    const found = await repo.findUserIds(trx, call.client.agencyId, shaped);
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw invalidValue(`members: ${missing.slice(0, 5).map((id) => `"${id.slice(0, 80)}"`).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''} ${missing.length === 1 ? 'is not the id of a User' : 'are not ids of Users'} of this agency.`);
    }
  }

  const duplicateName = (name: string) => `A Group named "${name}" already exists in this agency (names are unique, ignoring case).`;

  async function get(call: ScimCall, id: string, projection: Projection): Promise<ScimResult> {
    return result(call, id, projection);
  }

  async function list(call: ScimCall, request: ListRequest): Promise<Json> {
    const agencyId = call.client.agencyId;
    return runList({ type, columns: groupColumns, dbKind: deps.dbKind, relationsShown: includesAttribute(type, request.projection, 'members') }, request, {
      page: (where, order, offset, limit) => repo.pageGroups(deps.db, agencyId, where, order, offset, limit),
      count: (where) => repo.countGroups(deps.db, agencyId, where),
      render: (rows, relations) => renderRows(deps.db, call, rows, relations),
      idColumn: repo.groupRefs.id,
    });
  }

  async function create(call: ScimCall, body: unknown, projection: Projection): Promise<ScimResult> {
    const resource = normalizeResource(type, body);
    const fields = readGroupFields(resource);
    const id = newId();
    await deps.db.transaction().execute(async (trx) => {
      await assertMembers(trx, call, fields.memberIds);
      const now = deps.clock.now().toISOString();
      const row = {
        id, agency_id: call.client.agencyId, display_name: fields.displayName, display_key: fields.displayName.toLowerCase(), external_id: fields.externalId,
        resource: storedGroup(resource), version: 1, created_at: now, updated_at: now,
      };
      await refuseScimDuplicate(repo.insertGroup(trx, row), duplicateName(fields.displayName));
      await repo.addMembers(trx, id, fields.memberIds);
      await deps.audit.record(trx, contextOf(call), [{
        action: 'scim_group.created', subjectType: 'scim_group', subjectId: id, agencyId: call.client.agencyId,
        after: { displayName: fields.displayName, externalId: fields.externalId, members: fields.memberIds.slice(0, auditedIds), memberCount: fields.memberIds.length },
      }]);
    });
    return result(call, id, projection);
  }

  /** Writes a Group's new state: its row, and the members that joined or left. */
  async function write(call: ScimCall, id: string, preconditions: Preconditions, next: (current: Json, memberIds: string[]) => { resource: Json; keepMembers: boolean }): Promise<void> {
    await retryOnConcurrentChange(preconditions, () =>
      deps.db.transaction().execute(async (trx) => {
        const row = await load(trx, call, id);
        assertPreconditions(groupEtag(row), preconditions);
        const [current = {}] = await renderRows(trx, call, [row], true);
        const base = normalizeResource(type, current);
        const before = readGroupFields(base);
        const { resource, keepMembers } = next(current, before.memberIds);
        const fields: GroupFields = { ...readGroupFields(resource), ...(keepMembers ? { memberIds: before.memberIds } : {}) };
        const had = new Set(before.memberIds);
        const wanted = new Set(fields.memberIds);
        const added = fields.memberIds.filter((m) => !had.has(m));
        const removed = before.memberIds.filter((m) => !wanted.has(m));
        const stored = storedGroup(resource);
        const renamed = fields.displayName !== row.displayName;
        if (!renamed && fields.externalId === row.externalId && added.length === 0 && removed.length === 0 && stored === storedGroup(base)) return;
        await assertMembers(trx, call, added);
        const now = deps.clock.now().toISOString();
        const update = { id, display_name: fields.displayName, display_key: fields.displayName.toLowerCase(), external_id: fields.externalId, resource: stored, version: row.version + 1, updated_at: now };
        if (!(await refuseScimDuplicate(repo.updateGroup(trx, update, row.version), duplicateName(fields.displayName)))) throw new ConcurrentChange();
        await repo.addMembers(trx, id, added);
        await repo.removeMembers(trx, id, removed);
        await deps.audit.record(trx, contextOf(call), [{
          action: 'scim_group.updated', subjectType: 'scim_group', subjectId: id, agencyId: call.client.agencyId,
          before: { displayName: row.displayName, externalId: row.externalId },
          after: { displayName: fields.displayName, externalId: fields.externalId, added: added.slice(0, auditedIds), removed: removed.slice(0, auditedIds), addedCount: added.length, removedCount: removed.length },
        }]);
      }),
    );
  }

  /** PUT /Groups/{id}; members left out of the body are kept (not asserted), `"members": []` empties the group. */
  async function replace(call: ScimCall, id: string, body: unknown, preconditions: Preconditions, projection: Projection): Promise<ScimResult> {
    const resource = normalizeResource(type, body);
    const keepMembers = !isObject(body) || findKey(body, 'members') === undefined;
    await write(call, id, preconditions, () => ({ resource, keepMembers }));
    return result(call, id, projection);
  }

  /** PATCH /Groups/{id}, members included: add, remove by `members[value eq "…"]` or by listed values, replace. */
  async function patch(call: ScimCall, id: string, body: unknown, preconditions: Preconditions, projection: Projection): Promise<ScimResult> {
    const operations = readPatchRequest(body);
    await write(call, id, preconditions, (current) => ({ resource: normalizeResource(type, applyPatch(type, current, operations)), keepMembers: false }));
    return result(call, id, projection);
  }

  async function remove(call: ScimCall, id: string, preconditions: Preconditions): Promise<void> {
    await deps.db.transaction().execute(async (trx) => {
      const row = await load(trx, call, id);
      assertPreconditions(groupEtag(row), preconditions);
      await repo.deleteGroup(trx, id);
      await deps.audit.record(trx, contextOf(call), [{ action: 'scim_group.deleted', subjectType: 'scim_group', subjectId: id, agencyId: call.client.agencyId, before: { displayName: row.displayName } }]);
    });
  }

  return { get, list, create, replace, patch, remove };
}
