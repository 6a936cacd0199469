import { Agent } from 'undici';
import type { Database } from '../../db/database.ts';
import { findApplication } from '../../domain/applications/applications.repo.ts';
import type { Application } from '../../domain/applications/applications.schemas.ts';
import type { AuditLog } from '../../domain/audit/audit.service.ts';
import type { RequestContext } from '../../domain/auth/actor.ts';
import { authorizeShared } from '../../domain/auth/permissions.ts';
import { enqueueAccountChanges, notifyDeliverer } from '../../outbox/outbox.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { isId } from '../../shared/ids.ts';
import { loadAccountViews } from '../account-view.ts';
import { listApplicationAccountIds } from '../account-view.repo.ts';
import { listRemoteIds } from '../connector-accounts.repo.ts';
import { DeliveryDeferred, DeliveryRejected } from '../connector.ts';
import type { ReconcileReport } from './reconcile.schemas.ts';
import { type ScimConfig, checkScimConfig } from './scim-config.ts';
import { openScimHttp } from './scim-connector.ts';
import { createGroupMembership } from './scim-groups.ts';
import type { ScimHttp } from './scim-http.ts';
import { type Difference, type ScimResource, desiredUser, patchOpSchema, userDifferences } from './scim-user.ts';

const pageSize = 100;
/** A reconcile reads at most this many users from the application. */
export const maxTargetUsers = 100_000;
const accountBatch = 500;
const shown = 100;

interface Drift {
  accounts: number;
  changed: ReconcileReport['changed'];
  missing: ReconcileReport['missing'];
  extra: ReconcileReport['extra'];
}

/** Every user of the application, page by page, up to the cap. */
async function readTargetUsers(http: ScimHttp): Promise<{ users: ScimResource[]; truncated: boolean }> {
  const users: ScimResource[] = [];
  for (let startIndex = 1; ; ) {
    const { body } = await http.send('GET', `/Users?startIndex=${startIndex}&count=${pageSize}`);
    const page = Array.isArray(body?.Resources) ? (body.Resources as ScimResource[]) : [];
    users.push(...page);
    const total = typeof body?.totalResults === 'number' ? body.totalResults : users.length;
    if (page.length === 0 || users.length >= total) return { users, truncated: false };
    if (users.length >= maxTargetUsers) return { users, truncated: true };
    startIndex += page.length;
  }
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** Compares every account of the application with the users read from it. */
async function findDrift(db: Database, now: Date, application: Application, config: ScimConfig, http: ScimHttp, target: { users: ScimResource[]; truncated: boolean }): Promise<Drift> {
  const byId = new Map(target.users.map((u) => [String(u.id), u]));
  const byUserName = new Map(target.users.map((u) => [String(u.userName).toLowerCase(), u]));
  const groups = config.entitlements?.via === 'groups' ? createGroupMembership(http, config) : null;
  const members = groups ? await groups.membersByUser() : new Map<string, string[]>();
  const drift: Drift = { accounts: 0, changed: [], missing: [], extra: [] };
  const matched = new Set<string>();
  for (let after: string | null = null; ; ) {
    const ids = await listApplicationAccountIds(db, application.id, after, accountBatch);
    if (ids.length === 0) break;
    after = ids.at(-1) ?? null;
    const views = await loadAccountViews(db, ids, now);
    const remoteIds = await listRemoteIds(db, application.id, ids);
    for (const view of views.values()) {
      drift.accounts += 1;
      const desired = desiredUser(view, config);
      const remoteId = remoteIds.get(view.accountId);
      const user = (remoteId ? byId.get(remoteId) : undefined) ?? byUserName.get(desired.userName.toLowerCase());
      if (!user) {
        // Only users Gatehouse created or should have created count as missing: an account that never had access is not pushed.
        if (!target.truncated && desired.present && (desired.active || remoteId)) drift.missing.push({ accountId: view.accountId, userName: desired.userName });
        continue;
      }
      matched.add(String(user.id));
      const differences: Difference[] = desired.present ? userDifferences(user, desired, config) : [{ field: 'exists', current: true, desired: false }];
      if (groups && desired.present) {
        const current = members.get(String(user.id)) ?? [];
        const wanted = await groups.wantedIds(desired.entitlements);
        if (!sameList(current, wanted)) differences.push({ field: 'groups', current, desired: wanted });
      }
      if (differences.length > 0) drift.changed.push({ accountId: view.accountId, userName: desired.userName, remoteId: String(user.id), differences });
    }
  }
  if (!target.truncated) {
    drift.extra = target.users.filter((u) => !matched.has(String(u.id))).map((u) => ({ remoteId: String(u.id), userName: String(u.userName), active: u.active !== false }));
  }
  return drift;
}

export type ReconcileService = ReturnType<typeof createReconcileService>;

/**
 * Compares a SCIM application with Gatehouse: changed, missing and extra users. With the policy
 * "repair", changed and missing accounts are delivered again through the outbox (read back as
 * always), and extra users, whom Gatehouse does not know, are deactivated, never deleted.
 */
export function createReconcileService(deps: { db: Database; clock: Clock; audit: AuditLog; secret: (name: string) => string | undefined }) {
  async function repair(ctx: RequestContext, application: Application, http: ScimHttp, drift: Drift): Promise<number> {
    const accountIds = [...drift.changed, ...drift.missing].map((d) => d.accountId);
    const activeExtras = drift.extra.filter((u) => u.active);
    if (accountIds.length === 0 && activeExtras.length === 0) return 0;
    const now = deps.clock.now().toISOString();
    let deactivated = 0;
    for (const extra of activeExtras) {
      const body = { schemas: [patchOpSchema], Operations: [{ op: 'replace', path: 'active', value: false }] };
      await http.send('PATCH', `/Users/${encodeURIComponent(extra.remoteId)}`, { body });
      deactivated += 1;
    }
    await deps.db.transaction().execute(async (trx) => {
      await enqueueAccountChanges(trx, accountIds, 'reconcile', now);
      await deps.audit.record(trx, ctx, [
        {
          action: 'application.reconciled', subjectType: 'application', subjectId: application.id, agencyId: null, reason: 'reconcile policy "repair"',
          after: { changed: drift.changed.length, missing: drift.missing.length, extra: drift.extra.length, redelivered: accountIds.length, deactivated },
        },
      ]);
    });
    notifyDeliverer();
    return accountIds.length + deactivated;
  }

  async function reconcile(ctx: RequestContext, applicationId: string): Promise<ReconcileReport> {
    authorizeShared(ctx.actor, 'applications.write', 'state-wide');
    const application = isId(applicationId) ? await findApplication(deps.db, applicationId) : undefined;
    if (!application) throw new AppError('application.not_found', 'No application with that id.');
    if (application.kind !== 'scim') throw new AppError('application.no_connector', `${application.code} is a ${application.kind} application; only SCIM applications can be reconciled.`);
    const checked = checkScimConfig(application.config);
    if (!checked.config) throw new AppError('input.invalid', `The SCIM connector config of ${application.code} is not usable; fix it first.`, checked.problems);
    const config = checked.config;
    const startedAt = deps.clock.now();
    const agent = new Agent({ keepAliveTimeout: 10_000, connections: config.maxConcurrency });
    try {
      const http = openScimHttp(config, { dispatcher: agent, secret: deps.secret });
      const target = await readTargetUsers(http);
      const drift = await findDrift(deps.db, startedAt, application, config, http, target);
      const repaired = config.reconcile === 'repair' ? await repair(ctx, application, http, drift) : 0;
      return {
        applicationId: application.id, policy: config.reconcile, startedAt: startedAt.toISOString(), finishedAt: deps.clock.now().toISOString(),
        targetUsers: target.users.length, accounts: drift.accounts, truncated: target.truncated,
        counts: { changed: drift.changed.length, missing: drift.missing.length, extra: drift.extra.length, repaired },
        changed: drift.changed.slice(0, shown), missing: drift.missing.slice(0, shown), extra: drift.extra.slice(0, shown),
      };
    } catch (error) {
      if (error instanceof DeliveryDeferred || error instanceof DeliveryRejected) {
        throw new AppError('connector.unavailable', `Could not reconcile ${application.code}: ${error.message}`);
      }
      throw error;
    } finally {
      await agent.close();
    }
  }

  return { reconcile };
}
