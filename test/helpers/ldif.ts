import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/**
 * A deterministic directory of `count` workers for slapd, written as LDIF for slapadd (it carries
 * entryUUID and modifyTimestamp, which only slapadd may set):
 * - ou=people: inetOrgPerson w0000001 … with cn, sn, givenName, mail, title, ou (unit code),
 *   employeeType (job type code), employeeNumber and, for all but the top supervisor, manager.
 *   Workers come in blocks of ten; the tenth of each block is its supervisor, so most workers
 *   precede their manager in the directory. Every supervisor reports to w0000010.
 * - Disabled workers (see isDisabledWorker), in every form the reader's enabled rules test on
 *   Debian's slapd, which has no nsAccountLock: pwdAccountLockedTime 000001010000Z (schema from
 *   the ppolicy module), description "disabled", and left out of cn=gatehouse-users.
 * - ou=groups: cn=gatehouse-users (groupOfNames) holding every enabled worker.
 */
export interface DirectoryLdifOptions {
  count: number;
  baseDn?: string;
  /** modifyTimestamp and createTimestamp of every entry, generalized time. */
  stamp?: string;
}

export const defaultStamp = '20250101000000Z';

const firstNames = ['Ada', 'Ben', 'Carla', 'Dev', 'Elena', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jamal', 'Kira', 'Luis', 'Maya', 'Nia', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tara'];
const lastNames = ['Abbott', 'Baker', 'Chen', 'Diaz', 'Evans', 'Flores', 'Garcia', 'Hughes', 'Ito', 'Jones', 'Khan', 'Lopez', 'Miller', 'Nguyen', 'Owens', 'Patel', 'Reyes', 'Smith', 'Tran', 'Walsh'];
const jobs = [
  { code: 'cps_caseworker', title: 'CPS Caseworker' },
  { code: 'preventive_worker', title: 'Preventive Worker' },
  { code: 'fad_caseworker', title: 'FAD Caseworker' },
];
const supervisorJob = { code: 'cps_supervisor', title: 'CPS Supervisor' };
const unitCount = 50;

export function workerUid(index: number): string {
  return `w${String(index).padStart(7, '0')}`;
}

export function workerDn(index: number, baseDn = 'dc=gatehouse,dc=test'): string {
  return `uid=${workerUid(index)},ou=people,${baseDn}`;
}

/** The entryUUID the generator gives worker `index`. */
export function workerEntryUuid(index: number): string {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

export function isDisabledWorker(index: number): boolean {
  return index % 25 === 7;
}

/** The index of the worker's supervisor, or null for the top supervisor and a last block without one. */
export function supervisorIndexOf(index: number, count: number): number | null {
  if (index % 10 === 0) return index === 10 ? null : 10;
  const supervisor = Math.ceil(index / 10) * 10;
  return supervisor <= count ? supervisor : null;
}

export function workerJob(index: number): { code: string; title: string } {
  return index % 10 === 0 ? supervisorJob : (jobs[index % jobs.length] ?? supervisorJob);
}

export function workerUnit(index: number): string {
  return `U${String((Math.floor((index - 1) / 10) % unitCount) + 1).padStart(3, '0')}`;
}

export function workerNames(index: number): { firstName: string; lastName: string } {
  return { firstName: firstNames[index % firstNames.length] ?? 'Ada', lastName: lastNames[(index * 7) % lastNames.length] ?? 'Abbott' };
}

function workerEntry(index: number, count: number, baseDn: string, stamp: string): string {
  const { firstName, lastName } = workerNames(index);
  const job = workerJob(index);
  const supervisor = supervisorIndexOf(index, count);
  const lines = [
    `dn: ${workerDn(index, baseDn)}`,
    'objectClass: inetOrgPerson',
    `uid: ${workerUid(index)}`,
    `cn: ${firstName} ${lastName}`,
    `sn: ${lastName}`,
    `givenName: ${firstName}`,
    `mail: ${workerUid(index)}@gatehouse.test`,
    `title: ${job.title}`,
    `employeeType: ${job.code}`,
    `ou: ${workerUnit(index)}`,
    `employeeNumber: ${index}`,
  ];
  if (supervisor !== null) lines.push(`manager: ${workerDn(supervisor, baseDn)}`);
  if (isDisabledWorker(index)) lines.push('description: disabled', 'pwdAccountLockedTime: 000001010000Z');
  lines.push(`entryUUID: ${workerEntryUuid(index)}`, `createTimestamp: ${stamp}`, `modifyTimestamp: ${stamp}`);
  return `${lines.join('\n')}\n\n`;
}

/** Writes the directory to `path` (streamed, so a million workers fit); returns the number of workers. */
export async function writeDirectoryLdif(path: string, options: DirectoryLdifOptions): Promise<number> {
  const { count, baseDn = 'dc=gatehouse,dc=test', stamp = defaultStamp } = options;
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const container = (ou: string) => `dn: ou=${ou},${baseDn}\nobjectClass: organizationalUnit\nou: ${ou}\ncreateTimestamp: ${stamp}\nmodifyTimestamp: ${stamp}\n\n`;
  await write(container('people') + container('groups'));
  let chunk = '';
  for (let index = 1; index <= count; index++) {
    chunk += workerEntry(index, count, baseDn, stamp);
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  chunk += `dn: cn=gatehouse-users,ou=groups,${baseDn}\nobjectClass: groupOfNames\ncn: gatehouse-users\ncreateTimestamp: ${stamp}\nmodifyTimestamp: ${stamp}\n`;
  for (let index = 1; index <= count; index++) {
    if (!isDisabledWorker(index)) chunk += `member: ${workerDn(index, baseDn)}\n`;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(`${chunk}\n`);
  out.end();
  await once(out, 'finish');
  return count;
}
