import { DeliveryRejected } from '../connector.ts';
import type { ScimConfig } from './scim-config.ts';
import type { ScimHttp } from './scim-http.ts';
import { equalsFilter, patchOpSchema } from './scim-user.ts';

/** The most groups of one user read back at once; a user in more is not one Gatehouse provisions. */
const maxGroupsPerUser = 1000;

interface GroupBody {
  id?: unknown;
  members?: { value?: unknown }[];
}

interface ListBody {
  Resources?: GroupBody[];
}

/** Group membership for the `groups` entitlement mode: mapped group references resolved to ids once. */
export function createGroupMembership(http: ScimHttp, config: ScimConfig) {
  const byDisplayName = config.entitlements?.groupsBy === 'displayName';
  const resolved = new Map<string, string>();
  // Some servers cannot filter groups by member (SCIMMY fails on a group without members); then each managed group is read.
  let memberFilterWorks = true;

  /** The target's id of a mapped group reference (an id, or a displayName looked up and remembered). */
  async function groupId(reference: string): Promise<string> {
    if (!byDisplayName) return reference;
    const known = resolved.get(reference);
    if (known) return known;
    const { body } = await http.send('GET', `/Groups?filter=${equalsFilter('displayName', reference)}&attributes=id`);
    const id = (body as ListBody | null)?.Resources?.[0]?.id;
    if (typeof id !== 'string') throw new DeliveryRejected(`The target has no group named "${reference}"; create it there or fix entitlements.map.`);
    resolved.set(reference, id);
    return id;
  }

  /** Every group the map names, as target ids: the only groups Gatehouse adds members to or removes them from. */
  async function managedGroupIds(): Promise<string[]> {
    const references = [...new Set(Object.values(config.entitlements?.map ?? {}))];
    return Promise.all(references.map(groupId));
  }

  /** The members of each of the groups, by user id (each group read once). */
  async function membersOf(groupIds: string[]): Promise<Map<string, string[]>> {
    const members = new Map<string, string[]>();
    for (const id of groupIds) {
      const { body } = await http.send('GET', `/Groups/${encodeURIComponent(id)}?attributes=members`, { allowNotFound: true });
      for (const member of (body as GroupBody | null)?.members ?? []) {
        if (typeof member.value === 'string') members.set(member.value, [...(members.get(member.value) ?? []), id].sort());
      }
    }
    return members;
  }

  /** The managed groups the user is a member of now. */
  async function currentGroups(userId: string, managed: string[]): Promise<string[]> {
    if (memberFilterWorks) {
      try {
        const { body } = await http.send('GET', `/Groups?filter=${equalsFilter('members.value', userId)}&attributes=id&count=${maxGroupsPerUser}`);
        const ids = ((body as ListBody | null)?.Resources ?? []).flatMap((g) => (typeof g.id === 'string' ? [g.id] : []));
        return ids.filter((id) => managed.includes(id)).sort();
      } catch (error) {
        if (!(error instanceof DeliveryRejected)) throw error;
        memberFilterWorks = false;
      }
    }
    return (await membersOf(managed)).get(userId) ?? [];
  }

  /** Adds the user to the wanted groups and removes it from the other managed ones. */
  async function apply(userId: string, wantedReferences: string[]): Promise<void> {
    const managed = await managedGroupIds();
    const wanted = await Promise.all(wantedReferences.map(groupId));
    const current = await currentGroups(userId, managed);
    for (const id of wanted.filter((g) => !current.includes(g))) {
      await http.send('PATCH', `/Groups/${encodeURIComponent(id)}`, { body: { schemas: [patchOpSchema], Operations: [{ op: 'add', path: 'members', value: [{ value: userId }] }] } });
    }
    for (const id of current.filter((g) => !wanted.includes(g))) {
      const path = `members[value eq ${JSON.stringify(userId)}]`;
      await http.send('PATCH', `/Groups/${encodeURIComponent(id)}`, { body: { schemas: [patchOpSchema], Operations: [{ op: 'remove', path }] } });
    }
  }

  /** The wanted groups as sorted target ids, to compare with what the target reads back. */
  async function wantedIds(wantedReferences: string[]): Promise<string[]> {
    return (await Promise.all(wantedReferences.map(groupId))).sort();
  }

  /** The members of every managed group, by user id, for a reconcile. */
  async function membersByUser(): Promise<Map<string, string[]>> {
    return membersOf(await managedGroupIds());
  }

  return { apply, currentGroups, managedGroupIds, wantedIds, membersByUser };
}

export type GroupMembership = ReturnType<typeof createGroupMembership>;
