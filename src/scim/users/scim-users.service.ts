import type { Database, DatabaseKind, Executor } from '../../db/database.ts';
import type { AccountService } from '../../domain/accounts/accounts.service.ts';
import type { AuditLog } from '../../domain/audit/audit.service.ts';
import type { LeaverHooks } from '../../domain/leavers/leaver-cases.service.ts';
import type { Clock } from '../../shared/clock.ts';
import { isId, newId } from '../../shared/ids.ts';
import { type ListRequest, listAtMostOne, runList, uniqueLookup } from '../query/list-query.ts';
import { applyPatch, readPatchRequest } from '../resource/patch.ts';
import { normalizeResource } from '../resource/normalize.ts';
import { includesAttribute, project, type Projection } from '../resource/projection.ts';
import { assertPreconditions, type Preconditions, retryOnConcurrentChange, type ScimCall, type ScimResult } from '../scim-call.ts';
import { notFound, ScimError } from '../scim-errors.ts';
import { jsonEqual, type Json } from '../scim-json.ts';
import { enterpriseSchemaId, gatehouseSchemaId, userResourceType } from '../schema/user-schemas.ts';
import * as repo from './scim-users.repo.ts';
import { readUserFields, renderUser, userColumns, userEtag } from './user-mapping.ts';
import { changeUser, loginTaken, reattachUser, registerUser, removeUser, resolvePlacement } from './user-writes.ts';

const type = userResourceType;

export type ScimUserService = ReturnType<typeof createScimUserService>;

/** /Users: the workers of the agency's SCIM directory, as the SCIM client sees them. */
export function createScimUserService(deps: {
  db: Database;
  dbKind: DatabaseKind;
  clock: Clock;
  audit: AuditLog;
  accounts: Pick<AccountService, 'followDirectoryInTransaction'>;
  leavers: LeaverHooks;
}) {
  async function load(db: Executor, call: ScimCall, id: string): Promise<repo.UserRow> {
    const row = isId(id) ? await repo.findUser(db, call.client.agencyId, id) : undefined;
    if (!row) throw notFound('User', id);
    return row;
  }

  async function renderRows(db: Executor, call: ScimCall, rows: repo.UserRow[], withGroups: boolean): Promise<Json[]> {
    const groups = withGroups ? await repo.groupsOfUsers(db, rows.map((r) => r.id)) : null;
    return rows.map((row) => renderUser(row, call.client.agencyCode, groups ? (groups.get(row.id) ?? []) : null, call.baseUrl));
  }

  async function result(call: ScimCall, id: string, projection: Projection): Promise<ScimResult> {
    const row = await load(deps.db, call, id);
    const [resource = {}] = await renderRows(deps.db, call, [row], includesAttribute(type, projection, 'groups'));
    return { resource: project(type, resource, projection), etag: userEtag(row), location: `${call.baseUrl}/Users/${row.id}` };
  }

  /** The current resource, and the same in the canonical form writes are compared in. */
  async function current(trx: Executor, call: ScimCall, id: string, preconditions: Preconditions) {
    const row = await load(trx, call, id);
    assertPreconditions(userEtag(row), preconditions);
    const [rendered = {}] = await renderRows(trx, call, [row], false);
    return { row, rendered, base: normalizeResource(type, rendered) };
  }

  async function write(call: ScimCall, id: string, preconditions: Preconditions, next: (rendered: Json, base: Json) => Json, reason: string): Promise<void> {
    await retryOnConcurrentChange(preconditions, () =>
      deps.db.transaction().execute(async (trx) => {
        const { row, rendered, base } = await current(trx, call, id, preconditions);
        const resource = next(rendered, base);
        const fields = readUserFields(resource);
        const placement = await resolvePlacement(trx, call, fields, row.id, row.supervisorId);
        const why = fields.enabled === false && row.enabled === 1 ? `${reason}: active set to false` : reason;
        await changeUser(trx, deps, call, row, { fields, resource, resourceChanged: !jsonEqual(base, resource), placement, reason: why }, deps.clock.now().toISOString());
      }),
    );
  }

  async function get(call: ScimCall, id: string, projection: Projection): Promise<ScimResult> {
    return result(call, id, projection);
  }

  async function list(call: ScimCall, request: ListRequest): Promise<Json> {
    const agencyId = call.client.agencyId;
    const relations = includesAttribute(type, request.projection, 'groups');
    // Lookups by userName or externalId, what clients send before each write, skip the general filter compiler.
    const lookup = uniqueLookup(type, request.filter, ['username', 'externalid']);
    if (lookup) {
      const row = lookup.key === 'username'
        ? await repo.findUserByLoginKey(deps.db, agencyId, lookup.value.toLowerCase())
        : await repo.findUserByExternalId(deps.db, agencyId, lookup.value);
      return listAtMostOne(type, request, row, (rows) => renderRows(deps.db, call, rows, relations));
    }
    return runList({ type, columns: userColumns, dbKind: deps.dbKind, relationsShown: relations }, request, {
      page: (where, order, offset, limit) => repo.pageUsers(deps.db, agencyId, where, order, offset, limit),
      count: (where) => repo.countUsers(deps.db, agencyId, where),
      render: (rows, relations) => renderRows(deps.db, call, rows, relations),
      idColumn: repo.userRefs.id,
    });
  }

  /**
   * POST /Users. A worker of the agency's SCIM directory the client deleted before (same
   * externalId or userName) comes back with its id and history rather than as a new worker.
   */
  async function create(call: ScimCall, body: unknown, projection: Projection): Promise<ScimResult> {
    const resource = normalizeResource(type, body);
    const fields = readUserFields(resource);
    const agencyId = call.client.agencyId;
    const id = await retryOnConcurrentChange({}, () =>
      deps.db.transaction().execute(async (trx) => {
        const now = deps.clock.now().toISOString();
        const byLogin = await repo.findWorkerByLogin(trx, fields.loginId);
        const byExternal = fields.externalId ? await repo.findWorkerByExternalId(trx, call.client.sourceId, fields.externalId) : undefined;
        for (const claim of [byExternal, byLogin]) {
          if (claim?.scimAgencyId === agencyId) throw new ScimError(409, 'uniqueness', `A User with this ${claim === byExternal ? 'externalId' : 'userName'} already exists (id ${claim.id}).`);
          if (claim && (claim.scimAgencyId !== null || claim.sourceId !== call.client.sourceId)) throw loginTaken(fields.loginId);
        }
        if (byLogin && byExternal && byLogin.id !== byExternal.id) throw new ScimError(409, 'uniqueness', `userName "${fields.loginId}" and externalId "${fields.externalId ?? ''}" belong to two different workers.`);
        if (fields.externalId && (await repo.findUserIdByExternalId(trx, agencyId, fields.externalId))) {
          throw new ScimError(409, 'uniqueness', `externalId "${fields.externalId}" is already used by another User of this agency.`);
        }
        const returning = byExternal ?? byLogin;
        if (returning) {
          const row = await reattachUser(trx, deps, call, returning.id, now);
          const placement = await resolvePlacement(trx, call, fields, row.id, row.supervisorId);
          const change = { fields: { ...fields, enabled: fields.enabled ?? true }, resource, resourceChanged: true, placement, reason: 'created again by the SCIM client' };
          await changeUser(trx, deps, call, row, change, now);
          return row.id;
        }
        const newWorkerId = newId();
        const placement = await resolvePlacement(trx, call, fields, newWorkerId, null);
        await registerUser(trx, deps, call, fields, resource, placement, newWorkerId, now);
        return newWorkerId;
      }),
    );
    return result(call, id, projection);
  }

  /**
   * PUT /Users/{id}: the resource becomes what was sent. An extension or `active` left out is
   * taken as not asserted (RFC 7644 §3.5.1 lets a server keep it), so a client that knows nothing
   * of Gatehouse's extension never moves a worker to the holding unit, nor re-enables one.
   */
  async function replace(call: ScimCall, id: string, body: unknown, preconditions: Preconditions, projection: Projection): Promise<ScimResult> {
    const incoming = normalizeResource(type, body);
    await write(call, id, preconditions, (_rendered, base) => {
      const next = { ...incoming };
      for (const urn of [enterpriseSchemaId, gatehouseSchemaId]) if (next[urn] === undefined && base[urn] !== undefined) next[urn] = base[urn];
      if (next.active === undefined && base.active !== undefined) next.active = base.active;
      return next;
    }, 'replaced by the SCIM client');
    return result(call, id, projection);
  }

  /** PATCH /Users/{id} (RFC 7644 §3.5.2). */
  async function patch(call: ScimCall, id: string, body: unknown, preconditions: Preconditions, projection: Projection): Promise<ScimResult> {
    const operations = readPatchRequest(body);
    await write(call, id, preconditions, (rendered) => normalizeResource(type, applyPatch(type, rendered, operations)), 'changed by the SCIM client');
    return result(call, id, projection);
  }

  /** DELETE /Users/{id}: gone for the client, disabled in Gatehouse, kept for history. */
  async function remove(call: ScimCall, id: string, preconditions: Preconditions): Promise<void> {
    await retryOnConcurrentChange(preconditions, () =>
      deps.db.transaction().execute(async (trx) => {
        const row = await load(trx, call, id);
        assertPreconditions(userEtag(row), preconditions);
        await removeUser(trx, deps, call, row, deps.clock.now().toISOString());
      }),
    );
  }

  return { get, list, create, replace, patch, remove };
}
