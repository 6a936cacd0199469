import type { AccountView } from '../account-view.ts';
import type { ScimConfig, SourceField, TargetAttribute } from './scim-config.ts';

export const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const patchOpSchema = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type ScimResource = Record<string, unknown>;

/** The SCIM user Gatehouse wants for an account; also what it keeps as the last delivered state. */
export interface ScimUserState {
  /** False: the user must not exist (end-dated with onEndDate "delete"). */
  present: boolean;
  userName: string;
  active: boolean;
  attributes: Partial<Record<TargetAttribute, string | null>>;
  /** Values of the entitlement attribute, or the SCIM groups (as mapped), sorted. */
  entitlements: string[];
}

export interface Difference {
  field: string;
  current: unknown;
  desired: unknown;
}

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

function sourceValues(view: AccountView): Record<SourceField, string | null> {
  return {
    loginId: view.loginId, email: view.email, firstName: view.firstName, lastName: view.lastName, fullName: `${view.firstName} ${view.lastName}`,
    workerId: view.workerId, externalId: view.externalId, accountId: view.accountId, jobType: view.jobType, unitCode: view.unitCode,
    unitName: view.unitName, agencyCode: view.agencyCode,
  };
}

/** The mapped values of the functions; with an attribute and no map, the function codes themselves. */
function mapFunctions(codes: string[], config: ScimConfig): string[] {
  const entitlements = config.entitlements;
  if (!entitlements) return [];
  const map = entitlements.map;
  const values = map ? codes.flatMap((code) => (map[code] === undefined ? [] : [map[code]])) : codes;
  return [...new Set(values)].sort();
}

/** The user an account should be on the target now. The userName falls back to the loginId when the email is missing. */
export function desiredUser(view: AccountView, config: ScimConfig): ScimUserState {
  const values = sourceValues(view);
  const attributes: Partial<Record<TargetAttribute, string | null>> = {};
  for (const [target, field] of Object.entries(config.attributes) as [TargetAttribute, SourceField][]) attributes[target] = values[field];
  return {
    present: !(view.endDated && config.onEndDate === 'delete'),
    userName: config.userName === 'email' ? (view.email ?? view.loginId) : view.loginId,
    active: view.active,
    attributes,
    entitlements: mapFunctions(view.functionCodes, config),
  };
}

function readAttribute(resource: ScimResource, target: TargetAttribute): string | null {
  if (target === 'emails.work') {
    const emails = Array.isArray(resource.emails) ? (resource.emails as { value?: unknown; type?: unknown; primary?: unknown }[]) : [];
    const email = emails.find((e) => e.type === 'work') ?? emails.find((e) => e.primary === true) ?? emails[0];
    return typeof email?.value === 'string' ? email.value : null;
  }
  const [head, sub] = target.split('.') as [string, string | undefined];
  const value = sub === undefined ? resource[head] : (resource[head] as Record<string, unknown> | undefined)?.[sub];
  return typeof value === 'string' ? value : null;
}

/** The values of a multi-valued attribute such as `entitlements`, sorted. */
export function readValues(resource: ScimResource, attribute: string): string[] {
  const list = Array.isArray(resource[attribute]) ? (resource[attribute] as { value?: unknown }[]) : [];
  return [...new Set(list.flatMap((item) => (typeof item.value === 'string' ? [item.value] : [])))].sort();
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** Where the target's user differs from the wanted one, in what Gatehouse manages; group membership aside. */
export function userDifferences(resource: ScimResource, desired: ScimUserState, config: ScimConfig): Difference[] {
  const differences: Difference[] = [];
  if (resource.userName !== desired.userName) differences.push({ field: 'userName', current: resource.userName, desired: desired.userName });
  if (resource.active !== desired.active) differences.push({ field: 'active', current: resource.active ?? null, desired: desired.active });
  for (const [target, value] of Object.entries(desired.attributes) as [TargetAttribute, string | null][]) {
    const current = readAttribute(resource, target);
    if (current !== value) differences.push({ field: target, current, desired: value });
  }
  const via = config.entitlements?.via;
  if (via && via !== 'groups') {
    const current = readValues(resource, via);
    if (!sameList(current, desired.entitlements)) differences.push({ field: via, current, desired: desired.entitlements });
  }
  return differences;
}

function attributeValue(target: TargetAttribute, value: string): unknown {
  return target === 'emails.work' ? [{ value, type: 'work', primary: true }] : value;
}

function attributePath(target: TargetAttribute): string {
  return target === 'emails.work' ? 'emails' : target;
}

/** The PATCH operations that turn the differences into the wanted user. */
export function patchOperations(differences: Difference[]): PatchOperation[] {
  return differences.map(({ field, desired }) => {
    if (field === 'userName' || field === 'active') return { op: 'replace', path: field, value: desired };
    if (Array.isArray(desired)) {
      return desired.length === 0 ? { op: 'remove', path: field } : { op: 'replace', path: field, value: (desired as string[]).map((value) => ({ value })) };
    }
    const target = field as TargetAttribute;
    return desired === null ? { op: 'remove', path: attributePath(target) } : { op: 'replace', path: attributePath(target), value: attributeValue(target, desired as string) };
  });
}

/** The body of a POST /Users that creates the wanted user. */
export function newUserBody(desired: ScimUserState, config: ScimConfig): ScimResource {
  const body: ScimResource = { schemas: [userSchema], userName: desired.userName, active: desired.active };
  for (const [target, value] of Object.entries(desired.attributes) as [TargetAttribute, string | null][]) {
    if (value === null) continue;
    const [head, sub] = target.split('.') as [string, string | undefined];
    if (target === 'emails.work') body.emails = attributeValue(target, value);
    else if (sub === undefined) body[head] = value;
    else body[head] = { ...(body[head] as Record<string, unknown> | undefined), [sub]: value };
  }
  const via = config.entitlements?.via;
  if (via && via !== 'groups' && desired.entitlements.length > 0) body[via] = desired.entitlements.map((value) => ({ value }));
  return body;
}

/** A filter comparing an attribute with a string, the string quoted as SCIM (JSON) requires. */
export function equalsFilter(attribute: string, value: string): string {
  return encodeURIComponent(`${attribute} eq ${JSON.stringify(value)}`);
}
