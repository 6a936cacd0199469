import type { Entry } from 'ldapts';
import { unitCodeSchema } from '../../../domain/units/units.schemas.ts';
import { jobTypeSchema, loginIdSchema } from '../../../domain/workers/workers.schemas.ts';
import type { DirectoryRecord } from '../../directory-record.ts';
import type { LdapSourceConfig } from './ldap-source.schemas.ts';

/** The members of the group named by a groupMember rule: normalized DNs, and lower-cased memberUid values. */
export interface GroupMembers {
  dns: Set<string>;
  uids: Set<string>;
}

/** One mapped entry: the record, the normalized DN of its manager (resolved later), and when it last changed. */
export interface MappedEntry {
  record: DirectoryRecord;
  managerDn: string | null;
  /** "YYYYMMDDHHMMSS" from modifyTimestamp, '' when absent: compares as text. */
  modifiedSecond: string;
}

type EntryOutcome = { ok: true; entry: MappedEntry; warnings: string[] } | { ok: false; reason: string };

type AttributeValue = Entry[string] | undefined;

const userAccountControlDisabled = 0x2;
const maxNameLength = 100;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The attributes a search must request for `config`; operational ones (entryUUID, modifyTimestamp, …) are named explicitly. */
export function requestedAttributes(config: LdapSourceConfig): string[] {
  const { mapping, enabledRule } = config;
  const names = [mapping.loginId, mapping.email, mapping.firstName, mapping.lastName, mapping.jobType, mapping.unit, mapping.supervisor, 'modifyTimestamp'];
  if (mapping.externalId !== 'dn') names.push(mapping.externalId);
  if (enabledRule.kind === 'attributeAbsent' || enabledRule.kind === 'attributeEquals') names.push(enabledRule.attribute);
  if (enabledRule.kind === 'userAccountControl') names.push('userAccountControl');
  return [...new Set(names)];
}

/** Attributes delivered as bytes rather than text. */
export function binaryAttributes(config: LdapSourceConfig): string[] {
  return config.mapping.externalId === 'objectGUID' ? ['objectGUID'] : [];
}

/**
 * A DN in one comparable form: attribute types and values lower-cased, spaces around separators
 * dropped. Enough to match the manager and member values a server returns against entry DNs.
 */
export function normalizeDn(dn: string): string {
  if (!dn.includes('\\')) return dn.replace(/\s*([,=+])\s*/g, '$1').trim().toLowerCase();
  return splitUnescaped(dn, ',')
    .map((rdn) => {
      const equals = rdn.indexOf('=');
      return equals < 0 ? rdn.trim().toLowerCase() : `${rdn.slice(0, equals).trim()}=${rdn.slice(equals + 1).trim()}`.toLowerCase();
    })
    .join(',');
}

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\\' && i + 1 < text.length) {
      current += char + text[i + 1];
      i++;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

/** The attributes of an entry by lower-cased name: servers may spell names differently from the request. */
function indexAttributes(entry: Entry): Map<string, AttributeValue> {
  const index = new Map<string, AttributeValue>();
  for (const key of Object.keys(entry)) if (key !== 'dn') index.set(key.toLowerCase(), entry[key]);
  return index;
}

/** Every value of an attribute as text. */
export function textValues(value: AttributeValue): string[] {
  if (value === undefined) return [];
  const values = Array.isArray(value) ? value : [value];
  return values.map((v) => (typeof v === 'string' ? v : v.toString('utf8')));
}

/** Active Directory's text form of an objectGUID: the first three groups are stored little-endian. */
function formatObjectGuid(bytes: Buffer): string {
  const hex = (start: number, end: number, reverse: boolean) => {
    const part = [...bytes.subarray(start, end)];
    return (reverse ? part.reverse() : part).map((b) => b.toString(16).padStart(2, '0')).join('');
  };
  return [hex(0, 4, true), hex(4, 6, true), hex(6, 8, true), hex(8, 10, false), hex(10, 16, false)].join('-');
}

/** An ISO instant as LDAP generalized time, to the second (modifyTimestamp has no finer grain). */
export function toGeneralizedTime(iso: string): string {
  const time = new Date(iso);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(iso) || Number.isNaN(time.getTime())) {
    throw new Error(`modifiedSince "${iso}" is not an ISO instant such as "2026-03-02T14:00:00.000Z".`);
  }
  return `${time.toISOString().slice(0, 19).replace(/[-T:]/g, '')}Z`;
}

/** "YYYYMMDDHHMMSS" (UTC, the seconds of a modifyTimestamp) as an ISO instant; null when not in that form. */
export function secondToIso(second: string): string | null {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(second);
  if (!match) return null;
  const [, year, month, day, hour, minute, seconds] = match;
  return `${year}-${month}-${day}T${hour}:${minute}:${seconds}.000Z`;
}

/** Maps search entries to directory records under one source configuration. */
export function createEntryMapper(config: LdapSourceConfig, groupMembers: GroupMembers | null) {
  const { mapping, enabledRule: rule } = config;
  const jobTypeMap = lowerCaseKeys(config.jobTypeMap);
  const unitMap = lowerCaseKeys(config.unitMap);
  const name = {
    loginId: mapping.loginId.toLowerCase(),
    email: mapping.email.toLowerCase(),
    firstName: mapping.firstName.toLowerCase(),
    lastName: mapping.lastName.toLowerCase(),
    jobType: mapping.jobType.toLowerCase(),
    unit: mapping.unit.toLowerCase(),
    supervisor: mapping.supervisor.toLowerCase(),
    externalId: mapping.externalId.toLowerCase(),
    ruleAttribute: rule.kind === 'attributeAbsent' || rule.kind === 'attributeEquals' ? rule.attribute.toLowerCase() : 'useraccountcontrol',
  };
  const isJobType = memoize((code: string) => jobTypeSchema.safeParse(code).success);
  const isUnitCode = memoize((code: string) => unitCodeSchema.safeParse(code).success);

  function externalIdOf(dn: string, attributes: Map<string, AttributeValue>): string | undefined {
    if (mapping.externalId === 'dn') return normalizeDn(dn);
    const value = attributes.get(name.externalId);
    const first = Array.isArray(value) ? value[0] : value;
    if (mapping.externalId === 'objectGUID') return Buffer.isBuffer(first) && first.length === 16 ? formatObjectGuid(first) : undefined;
    return typeof first === 'string' && first.trim() !== '' ? first.trim().toLowerCase() : undefined;
  }

  /** Enabled or disabled per the rule; a string when the rule cannot decide for this entry. */
  function enabledOf(dn: string, loginId: string, attributes: Map<string, AttributeValue>): boolean | string {
    const values = () => textValues(attributes.get(name.ruleAttribute));
    switch (rule.kind) {
      case 'always':
        return true;
      case 'attributeAbsent':
        return values().length === 0;
      case 'attributeEquals': {
        const wanted = rule.value.toLowerCase();
        return !values().some((v) => v.trim().toLowerCase() === wanted);
      }
      case 'userAccountControl': {
        const raw = values()[0];
        const flags = raw === undefined ? Number.NaN : Number(raw);
        if (!Number.isInteger(flags)) return `has no numeric userAccountControl (found ${raw === undefined ? 'none' : `"${raw}"`}); check that the bind DN may read it`;
        return (flags & userAccountControlDisabled) === 0;
      }
      case 'groupMember':
        return groupMembers !== null && (groupMembers.dns.has(normalizeDn(dn)) || groupMembers.uids.has(loginId.toLowerCase()));
    }
  }

  /** A coded value through its map (first value the map knows), or the first value itself when there is no map. */
  function codeOf(raw: AttributeValue, attribute: string, map: Map<string, string> | null, check: (code: string) => boolean, what: string, warnings: string[]): string | null {
    const values = textValues(raw).map((v) => v.trim()).filter((v) => v !== '');
    if (values.length === 0) return null;
    const code = map ? values.map((v) => map.get(v.toLowerCase())).find((c) => c !== undefined) : values[0];
    if (code !== undefined && check(code)) return code;
    warnings.push(
      map
        ? `${attribute} ${values.map((v) => `"${v}"`).join(', ')} has no entry in the ${what} map; add it to the map (${what} left empty)`
        : `${attribute} "${values[0]}" is not a ${what} code; map it with the ${what} map (${what} left empty)`,
    );
    return null;
  }

  return function mapEntry(entry: Entry): EntryOutcome {
    const attributes = indexAttributes(entry);
    const text = (attribute: string) => textValues(attributes.get(attribute))[0]?.trim() ?? '';
    const loginId = text(name.loginId);
    if (loginId === '') return { ok: false, reason: `has no ${mapping.loginId} (the login id)` };
    if (!loginIdSchema.safeParse(loginId).success) return { ok: false, reason: `${mapping.loginId} "${loginId}" is not a valid login id (2 to 64 letters, digits, ".", "_" or "-")` };
    const externalId = externalIdOf(entry.dn, attributes);
    if (!externalId) return { ok: false, reason: `has no ${mapping.externalId} (the external id); check that the bind DN may read it` };
    const firstName = text(name.firstName);
    const lastName = text(name.lastName);
    if (firstName === '') return { ok: false, reason: `has no ${mapping.firstName} (the first name)` };
    if (lastName === '') return { ok: false, reason: `has no ${mapping.lastName} (the last name)` };
    if (firstName.length > maxNameLength || lastName.length > maxNameLength) return { ok: false, reason: `has a name longer than ${maxNameLength} characters` };
    const enabled = enabledOf(entry.dn, loginId, attributes);
    if (typeof enabled === 'string') return { ok: false, reason: enabled };

    const warnings: string[] = [];
    const rawEmail = text(name.email);
    const email = rawEmail.length <= 254 && emailPattern.test(rawEmail) ? rawEmail : null;
    if (rawEmail !== '' && email === null) warnings.push(`${mapping.email} "${rawEmail}" is not an email address (email left empty)`);
    const jobType = codeOf(attributes.get(name.jobType), mapping.jobType, jobTypeMap, isJobType, 'job type', warnings);
    const unitCode = codeOf(attributes.get(name.unit), mapping.unit, unitMap, isUnitCode, 'unit', warnings);
    const manager = text(name.supervisor);
    return {
      ok: true,
      warnings,
      entry: {
        record: { externalId, loginId, firstName, lastName, email, unitCode, jobType, supervisorExternalId: null, enabled, hireDate: null, terminationDate: null },
        managerDn: manager === '' ? null : normalizeDn(manager),
        modifiedSecond: text('modifytimestamp').slice(0, 14),
      },
    };
  };
}

function lowerCaseKeys(map: Record<string, string> | undefined): Map<string, string> | null {
  return map ? new Map(Object.entries(map).map(([key, value]) => [key.toLowerCase(), value])) : null;
}

/** Directory values repeat (a few job titles for thousands of workers): check each once. */
function memoize(check: (value: string) => boolean): (value: string) => boolean {
  const known = new Map<string, boolean>();
  return (value) => {
    let result = known.get(value);
    if (result === undefined) {
      result = check(value);
      known.set(value, result);
    }
    return result;
  };
}
