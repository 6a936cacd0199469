import type { Dispatcher } from 'undici';
import type { AccountView } from '../account-view.ts';
import type { ConnectorAccount } from '../connector-accounts.repo.ts';
import { type Connector, DeliveryDeferred, DeliveryRejected, type DeliveryResult } from '../connector.ts';
import type { ScimConfig } from './scim-config.ts';
import { createGroupMembership } from './scim-groups.ts';
import { createScimHttp, type ScimHttp } from './scim-http.ts';
import { type ScimResource, type ScimUserState, desiredUser, equalsFilter, newUserBody, patchOpSchema, patchOperations, userDifferences } from './scim-user.ts';

/** The bearer token: stored in the config, or read from the environment variable it names. */
export function resolveToken(config: ScimConfig, secret: (name: string) => string | undefined): string {
  const token = config.token ?? (config.tokenEnv ? secret(config.tokenEnv) : undefined);
  if (!token) throw new DeliveryRejected(`The environment variable ${config.tokenEnv} that should hold the SCIM bearer token is not set; set it and restart Gatehouse.`);
  return token;
}

export function openScimHttp(config: ScimConfig, deps: { dispatcher: Dispatcher; secret: (name: string) => string | undefined }): ScimHttp {
  return createScimHttp({ baseUrl: config.baseUrl, token: resolveToken(config, deps.secret), timeoutMs: config.timeoutMs, dispatcher: deps.dispatcher });
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? 'nothing';
}

/** Provisions accounts as SCIM users: create on activation, patch on change, delete or deactivate at the end date. */
export function createScimConnector(config: ScimConfig, http: ScimHttp): Connector & { http: ScimHttp; groups: ReturnType<typeof createGroupMembership> } {
  const groups = createGroupMembership(http, config);
  const usesGroups = config.entitlements?.via === 'groups';

  async function getUser(id: string): Promise<ScimResource | null> {
    const { body, status } = await http.send('GET', `/Users/${encodeURIComponent(id)}`, { allowNotFound: true });
    return status === 404 ? null : body;
  }

  /** The user by the id we recorded; failing that by userName, which also adopts a user whose creation answer was lost. */
  async function findUser(remoteId: string | null, userName: string): Promise<ScimResource | null> {
    const known = remoteId ? await getUser(remoteId) : null;
    if (known) return known;
    const { body } = await http.send('GET', `/Users?filter=${equalsFilter('userName', userName)}`);
    const found = (body?.Resources as ScimResource[] | undefined)?.[0];
    return found ?? null;
  }

  function idOf(user: ScimResource | null): string {
    if (typeof user?.id !== 'string') throw new DeliveryRejected('The target answered without the user\'s id; is baseUrl a SCIM endpoint?');
    return user.id;
  }

  /** Reads the change back; a target that answered 2xx without applying it is caught here. */
  async function verify(id: string, desired: ScimUserState): Promise<void> {
    const user = await getUser(id);
    if (!desired.present) {
      if (user) throw new DeliveryDeferred(`The target answered 2xx to DELETE /Users/${id} but the user is still there.`);
      return;
    }
    if (!user) throw new DeliveryDeferred(`The target lost user ${id} right after the change; it will be created again.`);
    const problems = userDifferences(user, desired, config).map((d) => `${d.field} is ${describe(d.current)}, expected ${describe(d.desired)}`);
    if (usesGroups) {
      const [current, wanted] = await Promise.all([groups.currentGroups(id, await groups.managedGroupIds()), groups.wantedIds(desired.entitlements)]);
      if (describe(current) !== describe(wanted)) problems.push(`groups are ${describe(current)}, expected ${describe(wanted)}`);
    }
    if (problems.length > 0) throw new DeliveryDeferred(`The target answered 2xx but did not apply the change: ${problems.join('; ')}.`);
  }

  async function deliver(view: AccountView, known: ConnectorAccount | undefined): Promise<DeliveryResult> {
    const desired = desiredUser(view, config);
    let user = await findUser(known?.remoteId ?? null, desired.userName);
    if (!desired.present) {
      if (!user) return { remoteId: null, state: desired };
      const id = idOf(user);
      await http.send('DELETE', `/Users/${encodeURIComponent(id)}`, { allowNotFound: true });
      await verify(id, desired);
      return { remoteId: null, state: desired };
    }
    if (!user) {
      // An account that never had access is not pushed; it is created when it first becomes active.
      if (!desired.active) return { remoteId: null, state: desired };
      user = (await http.send('POST', '/Users', { body: newUserBody(desired, config) })).body;
    } else {
      const operations = patchOperations(userDifferences(user, desired, config));
      if (operations.length > 0) await http.send('PATCH', `/Users/${encodeURIComponent(idOf(user))}`, { body: { schemas: [patchOpSchema], Operations: operations } });
    }
    const id = idOf(user);
    if (usesGroups) await groups.apply(id, desired.entitlements);
    await verify(id, desired);
    return { remoteId: id, state: desired };
  }

  return { deliver, http, groups };
}
