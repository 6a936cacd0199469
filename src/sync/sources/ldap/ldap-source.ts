import { Client, type Entry, InvalidCredentialsError, NoSuchObjectError, ResultCodeError } from 'ldapts';
import type { DirectoryProblem, DirectoryRecord } from '../../directory-record.ts';
import {
  type GroupMembers,
  type MappedEntry,
  binaryAttributes,
  createEntryMapper,
  normalizeDn,
  requestedAttributes,
  secondToIso,
  textValues,
  toGeneralizedTime,
} from './ldap-entry.ts';
import type { LdapSourceConfig } from './ldap-source.schemas.ts';

export type LdapSourceErrorCode = 'ldap.bind_refused' | 'ldap.unreachable' | 'ldap.base_not_found' | 'ldap.group_not_found' | 'ldap.request_failed';

/** A failure of the whole read (the server, the bind, the base DN), with what to check in `message`. */
export class LdapSourceError extends Error {
  constructor(
    readonly code: LdapSourceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LdapSourceError';
  }
}

/** A record held back until its manager's external id is known. */
interface WaitingRecord {
  dn: string;
  record: DirectoryRecord;
}

/** What a finished read reports besides its records. */
export interface LdapReadSummary {
  /** Entries the server returned, mapped or not. */
  entries: number;
  /** Entries left out (with why), and fields left empty on records that were yielded. `ref` is the entry's DN. */
  problems: DirectoryProblem[];
  /**
   * The highest modifyTimestamp seen (ISO instant, to the second), else `modifiedSince`, else null.
   * Store it and pass it back as `modifiedSince`: the next run then asks for entries modified at or
   * after that second, so the entries of that second are read again. An entry changed while a read is under way may carry an earlier stamp than the highest
   * one seen; the nightly full run picks such changes up.
   */
  watermark: string | null;
}

/**
 * Reads the workers of an LDAP / Active Directory source over one connection: bind, RFC 2696 paged
 * search under the base DN, one batch of records per page. A record whose manager appears later in
 * the directory is held back until that manager has been read; managers outside the records read
 * (incremental runs) are looked up by DN at the end. With `modifiedSince` (an ISO instant) only
 * entries with modifyTimestamp at or after it are read. The generator's return value is the
 * summary; throws LdapSourceError when the server, the bind, the base DN or the group cannot be used.
 */
export async function* readLdapDirectory(config: LdapSourceConfig, options: { modifiedSince?: string } = {}): AsyncGenerator<DirectoryRecord[], LdapReadSummary> {
  const filter = options.modifiedSince ? `(&${config.filter}(modifyTimestamp>=${toGeneralizedTime(options.modifiedSince)}))` : config.filter;
  const client = new Client({ url: config.url, timeout: config.timeoutMs, connectTimeout: config.timeoutMs });
  const problems: DirectoryProblem[] = [];
  const externalIdByDn = new Map<string, string>();
  const waitingForManager = new Map<string, WaitingRecord[]>();
  let entries = 0;
  // An incremental run that finds nothing keeps the watermark it was given.
  let newestSecond = options.modifiedSince ? toGeneralizedTime(options.modifiedSince).slice(0, 14) : '';

  try {
    await bind(client, config);
    const groupMembers = config.enabledRule.kind === 'groupMember' ? await readGroupMembers(client, config, config.enabledRule.groupDn) : null;
    const mapEntry = createEntryMapper(config, groupMembers);
    const pages = client.searchPaginated(config.baseDn, {
      scope: 'sub',
      filter,
      attributes: requestedAttributes(config),
      explicitBufferAttributes: binaryAttributes(config),
      paged: { pageSize: config.pageSize },
    });
    for await (const page of readPagesAhead(pages, config)) {
      const batch: DirectoryRecord[] = [];
      for (const entry of page.searchEntries) {
        entries++;
        const outcome = mapEntry(entry);
        if (!outcome.ok) {
          problems.push({ ref: entry.dn, reason: `left out: ${outcome.reason}` });
          continue;
        }
        for (const warning of outcome.warnings) problems.push({ ref: entry.dn, reason: warning });
        const mapped = outcome.entry;
        if (mapped.modifiedSecond > newestSecond) newestSecond = mapped.modifiedSecond;
        const dn = normalizeDn(entry.dn);
        externalIdByDn.set(dn, mapped.record.externalId);
        placeRecord(entry.dn, mapped, batch);
        const reports = waitingForManager.get(dn);
        if (reports) {
          waitingForManager.delete(dn);
          for (const report of reports) {
            report.record.supervisorExternalId = mapped.record.externalId;
            batch.push(report.record);
          }
        }
      }
      if (batch.length > 0) yield batch;
    }
    const late = await resolveRemainingManagers(client, config, waitingForManager, problems);
    for (let start = 0; start < late.length; start += config.pageSize) yield late.slice(start, start + config.pageSize);
    return { entries, problems, watermark: secondToIso(newestSecond) };
  } finally {
    await client.unbind().catch(() => undefined);
  }

  function placeRecord(dn: string, mapped: MappedEntry, batch: DirectoryRecord[]): void {
    const supervisorExternalId = mapped.managerDn === null ? null : externalIdByDn.get(mapped.managerDn);
    if (mapped.managerDn === null || supervisorExternalId !== undefined) {
      mapped.record.supervisorExternalId = supervisorExternalId ?? null;
      batch.push(mapped.record);
      return;
    }
    const waiting = waitingForManager.get(mapped.managerDn);
    if (waiting) waiting.push({ dn, record: mapped.record });
    else waitingForManager.set(mapped.managerDn, [{ dn, record: mapped.record }]);
  }
}

async function bind(client: Client, config: LdapSourceConfig): Promise<void> {
  try {
    await client.bind(config.bindDn, config.bindPassword);
  } catch (error) {
    if (error instanceof InvalidCredentialsError) {
      throw new LdapSourceError(
        'ldap.bind_refused',
        `The LDAP server at ${config.url} refused the bind as "${config.bindDn}" (invalid credentials): check the bind DN and its password, and that the account is not locked.`,
        { cause: error },
      );
    }
    throw explain(error, config, `binding as "${config.bindDn}"`);
  }
}

/**
 * The pages of a paged search, asking for the next page before handing out the current one so
 * the server reads ahead while the caller maps and stores; failures become LdapSourceErrors.
 */
async function* readPagesAhead<T>(pages: AsyncGenerator<T>, config: LdapSourceConfig): AsyncGenerator<T> {
  const requestNext = () => {
    const step = pages.next();
    // Left pending when the caller stops early (the connection then closes); awaited otherwise.
    void step.catch(() => undefined);
    return step;
  };
  try {
    let pending = requestNext();
    for (;;) {
      const step = await pending;
      if (step.done) return;
      pending = requestNext();
      yield step.value;
    }
  } catch (error) {
    if (error instanceof NoSuchObjectError) {
      throw new LdapSourceError('ldap.base_not_found', `The base DN "${config.baseDn}" does not exist on ${config.url}: check the base DN of the source.`, { cause: error });
    }
    throw explain(error, config, `searching under "${config.baseDn}"`);
  }
}

function explain(error: unknown, config: LdapSourceConfig, during: string): LdapSourceError {
  const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  if (error instanceof ResultCodeError) {
    return new LdapSourceError('ldap.request_failed', `The LDAP server at ${config.url} answered with an error while ${during} (result code ${error.code}: ${detail}).`, { cause: error });
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' || /timeout|timed out|closed|socket/i.test(detail)) {
    return new LdapSourceError(
      'ldap.unreachable',
      `Could not talk to the LDAP server at ${config.url} while ${during} (${detail}): check the URL (host and port), that the server is running, and that no firewall blocks the connection.`,
      { cause: error },
    );
  }
  return new LdapSourceError('ldap.request_failed', `LDAP request to ${config.url} failed while ${during}: ${detail}.`, { cause: error });
}

/** The group's members, read once per run; follows Active Directory's ranged values (member;range=0-1499) of large groups. */
async function readGroupMembers(client: Client, config: LdapSourceConfig, groupDn: string): Promise<GroupMembers> {
  const members: GroupMembers = { dns: new Set(), uids: new Set() };
  let wanted = ['member', 'uniqueMember', 'memberUid'];
  while (wanted.length > 0) {
    let entry: Entry | undefined;
    try {
      ({ searchEntries: [entry] } = await client.search(groupDn, { scope: 'base', filter: '(objectClass=*)', attributes: wanted }));
    } catch (error) {
      if (!(error instanceof NoSuchObjectError)) throw explain(error, config, `reading the group "${groupDn}"`);
    }
    if (!entry) {
      throw new LdapSourceError(
        'ldap.group_not_found',
        `The group "${groupDn}" named by the enabled rule does not exist on ${config.url}, or "${config.bindDn}" may not read it: check enabledRule.groupDn.`,
      );
    }
    wanted = [];
    for (const name of Object.keys(entry)) {
      if (name === 'dn') continue;
      const [type = '', range] = name.toLowerCase().split(';range=');
      for (const value of textValues(entry[name])) {
        if (type === 'memberuid') members.uids.add(value.trim().toLowerCase());
        else members.dns.add(normalizeDn(value));
      }
      const end = range?.split('-')[1];
      if (end !== undefined && end !== '*') wanted.push(`${type};range=${Number(end) + 1}-*`);
    }
  }
  return members;
}

/**
 * Gives the records still waiting their supervisor's external id: looked up by DN for managers
 * not among the entries read (an incremental run), left empty with a problem when the manager is
 * missing or not a worker under the source's filter.
 */
async function resolveRemainingManagers(
  client: Client,
  config: LdapSourceConfig,
  waiting: Map<string, WaitingRecord[]>,
  problems: DirectoryProblem[],
): Promise<DirectoryRecord[]> {
  const mapEntry = createEntryMapper({ ...config, enabledRule: { kind: 'always' } }, null);
  const base = normalizeDn(config.baseDn);
  const records: DirectoryRecord[] = [];
  for (const [managerDn, reports] of waiting) {
    let supervisorExternalId: string | null = null;
    if (managerDn === base || managerDn.endsWith(`,${base}`)) {
      const found = await findEntry(client, config, managerDn);
      const outcome = found ? mapEntry(found) : null;
      supervisorExternalId = outcome?.ok ? outcome.entry.record.externalId : null;
    }
    for (const report of reports) {
      if (supervisorExternalId === null) {
        problems.push({ ref: report.dn, reason: `the manager "${managerDn}" is not a worker of this source (missing, outside the base DN or filter, or not mappable); supervisor left empty` });
      }
      report.record.supervisorExternalId = supervisorExternalId;
      records.push(report.record);
    }
  }
  return records;
}

async function findEntry(client: Client, config: LdapSourceConfig, dn: string): Promise<Entry | undefined> {
  try {
    const { searchEntries } = await client.search(dn, { scope: 'base', filter: config.filter, attributes: requestedAttributes(config), explicitBufferAttributes: binaryAttributes(config) });
    return searchEntries[0];
  } catch (error) {
    if (error instanceof NoSuchObjectError) return undefined;
    throw explain(error, config, `looking up the manager "${dn}"`);
  }
}
