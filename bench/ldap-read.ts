// Times a bulk load of a generated directory into a throwaway slapd and one paged read of it.
// Usage: npx tsx bench/ldap-read.ts [--entries 100000] [--page-size 500]
// Prints one JSON line: {entries, load_s, read_s}. load_s covers slapadd and the server start.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readLdapDirectory } from '../src/sync/sources/ldap/ldap-source.ts';
import { ldapSourceConfigSchema } from '../src/sync/sources/ldap/ldap-source.schemas.ts';
import { writeDirectoryLdif } from '../test/helpers/ldif.ts';
import { startSlapd } from '../test/helpers/slapd.ts';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '100000' }, 'page-size': { type: 'string', default: '500' } } });
const count = Number(values.entries);
const pageSize = Number(values['page-size']);
const dir = await mkdtemp(join(tmpdir(), 'gatehouse-ldap-bench-'));
const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

try {
  const ldif = join(dir, 'directory.ldif');
  await writeDirectoryLdif(ldif, { count });
  let started = process.hrtime.bigint();
  const slapd = await startSlapd({ bulkLdifFile: ldif });
  const loadSeconds = seconds(started);
  try {
    const config = ldapSourceConfigSchema.parse({
      url: slapd.url,
      bindDn: slapd.bindDn,
      bindPassword: slapd.password,
      baseDn: `ou=people,${slapd.baseDn}`,
      pageSize,
      enabledRule: { kind: 'attributeAbsent', attribute: 'pwdAccountLockedTime' },
    });
    started = process.hrtime.bigint();
    let entries = 0;
    for await (const batch of readLdapDirectory(config)) entries += batch.length;
    const readSeconds = seconds(started);
    console.log(JSON.stringify({ entries, load_s: Number(loadSeconds.toFixed(2)), read_s: Number(readSeconds.toFixed(2)) }));
  } finally {
    await slapd.stop();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
