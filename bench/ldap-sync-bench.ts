import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeDirectoryLdif } from '../test/helpers/ldif.ts';
import { startSlapd } from '../test/helpers/slapd.ts';
import { createBenchAgency, peakRssMb, timed } from './bench-agency.ts';

/** The generated LDIF spreads its workers over units U001 … U050. */
const ldifUnitCodes = Array.from({ length: 50 }, (_, i) => `U${String(i + 1).padStart(3, '0')}`);

/**
 * A first sync of `workers` entries from a real slapd (bulk-loaded with slapadd) into an empty
 * SQLite database, then a run with no change and an incremental poll. Prints one JSON line:
 * {source, workers, load_s, first_s, nochange_s, poll_s, peak_rss_mb}.
 */
export async function benchLdapSync(workers: number, keep: boolean): Promise<void> {
  if (!Number.isInteger(workers) || workers < 10 || workers > 2_000_000) {
    console.error('--workers must be a whole number from 10 to 2000000 with --source ldap');
    process.exit(2);
  }
  const { dir, handle, services, ctx, agency } = await createBenchAgency(ldifUnitCodes);
  const ldif = join(dir, 'directory.ldif');
  await writeDirectoryLdif(ldif, { count: workers });
  const [loadS, slapd] = await timed(() => startSlapd({ bulkLdifFile: ldif }));
  try {
    const config = {
      url: slapd.url, bindDn: slapd.bindDn, bindPassword: slapd.password, baseDn: `ou=people,${slapd.baseDn}`, pageSize: 1000,
      enabledRule: { kind: 'attributeAbsent', attribute: 'pwdAccountLockedTime' },
    };
    const source = await services.sources.create(ctx, agency.id, { name: 'ldap', kind: 'ldap', config, schedule: '0 2 * * *', enabled: true });
    const [firstS, first] = await timed(() => services.sync.run(ctx, source.id, { confirm: true }));
    const [nochangeS, nochange] = await timed(() => services.sync.run(ctx, source.id, { confirm: true }));
    const [pollS, poll] = await timed(() => services.sync.run(ctx, source.id, { incremental: true, trigger: 'poll' }));
    const verdict = await services.audit.verify();
    console.log(JSON.stringify({
      source: 'ldap',
      workers,
      load_s: Number(loadS.toFixed(2)),
      first_s: Number(firstS.toFixed(2)),
      nochange_s: Number(nochangeS.toFixed(2)),
      poll_s: Number(pollS.toFixed(2)),
      peak_rss_mb: peakRssMb(),
      joiners: first.counts.joiners ?? 0,
      statuses: [first.status, nochange.status, poll.status],
      nochange_changes: (nochange.counts.joiners ?? 0) + (nochange.counts.updates ?? 0) + (nochange.counts.repairs ?? 0),
      audit_ok: verdict.ok,
      timings_ms: { first: first.counts.timingsMs, nochange: nochange.counts.timingsMs },
    }));
  } finally {
    await slapd.stop();
    await handle.destroy();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}
