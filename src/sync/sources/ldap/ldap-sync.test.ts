import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureBuiltinApplications } from '../../../domain/applications/applications.service.ts';
import { describeEachDatabase } from '../../../../test/helpers/databases.ts';
import { addUnit, createAgency } from '../../../../test/helpers/fixtures.ts';
import { createTestKit, type TestKit } from '../../../../test/helpers/kit.ts';
import { isDisabledWorker, workerDn, workerJob, workerUid, workerUnit, writeDirectoryLdif } from '../../../../test/helpers/ldif.ts';
import { type Slapd, modifyLdif, startSlapd } from '../../../../test/helpers/slapd.ts';
import { missingTools, slapdTools } from '../../../../test/helpers/system-tools.ts';

const workerCount = 300;

describe('syncing an LDAP source from a real slapd', { skip: missingTools(...slapdTools) }, () => {
  let slapd: Slapd;
  let dataDir: string;
  // Each database's round locks and deletes its own workers, since they share one directory.
  let round = 0;
  const locked: number[] = [];
  const deleted: number[] = [];

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-ldap-sync-'));
    const ldif = join(dataDir, 'directory.ldif');
    await writeDirectoryLdif(ldif, { count: workerCount });
    slapd = await startSlapd({ bulkLdifFile: ldif });
    // A change after the bulk load moves the first full run's watermark to now, so a poll reads only what changed since.
    await modifyLdif(slapd, `dn: ${workerDn(1)}\nchangetype: modify\nreplace: title\ntitle: ${workerJob(1).title}\n`);
  });

  after(async () => {
    await slapd?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function setup(kit: TestKit) {
    const agency = await createAgency(kit, 'LDAPCO');
    await ensureBuiltinApplications(kit.db, kit.clock.now().toISOString());
    for (let unit = 1; unit <= Math.ceil(workerCount / 10); unit++) await addUnit(kit, agency.id, `U${String(unit).padStart(3, '0')}`);
    const source = await kit.services.sources.create(kit.system, agency.id, {
      name: 'ldap', kind: 'ldap', schedule: '0 2 * * *', enabled: true,
      config: {
        url: slapd.url, bindDn: slapd.bindDn, bindPassword: slapd.password, baseDn: `ou=people,${slapd.baseDn}`, pageSize: 100,
        enabledRule: { kind: 'attributeAbsent', attribute: 'pwdAccountLockedTime' },
      },
    });
    return { agency, source };
  }

  async function accountsOf(kit: TestKit, login: string): Promise<string[]> {
    const rows = await kit.db
      .selectFrom('accounts')
      .innerJoin('workers', 'workers.id', 'accounts.worker_id')
      .select(['accounts.status', 'accounts.disabled_by'])
      .where('workers.login_key', '=', login)
      .execute();
    return rows.map((r) => (r.disabled_by ? `${r.status}:${r.disabled_by}` : r.status));
  }

  describeEachDatabase('ldap sync', (current) => {
    it('syncs every worker, disables a locked one on the next poll, and catches a deletion the poll missed in the full run', async () => {
      const kit = createTestKit(current());
      const { source } = await setup(kit);
      const toLock = 11 + round * 10;
      const toDelete = 12 + round * 10;
      round += 1;
      const present = workerCount - deleted.length;

      const first = await kit.services.sync.run(kit.system, source.id, { trigger: 'schedule' });
      assert.equal(first.status, 'succeeded', first.error ?? '');
      assert.deepEqual([first.counts.records, first.counts.joiners, first.counts.conflicts], [present, present, 0]);
      assert.deepEqual(first.problems, []);
      const workers = await kit.db.selectFrom('workers').select(['login_id', 'enabled', 'unit_id', 'job_type']).orderBy('login_id').execute();
      assert.equal(workers.length, present);
      const expectDisabled = Array.from({ length: workerCount }, (_, i) => i + 1).filter((i) => !deleted.includes(i) && (isDisabledWorker(i) || locked.includes(i)));
      assert.deepEqual(workers.filter((w) => w.enabled === 0).map((w) => w.login_id), expectDisabled.map(workerUid));
      const sample = await kit.db.selectFrom('workers').innerJoin('units', 'units.id', 'workers.unit_id').select(['units.code', 'workers.job_type']).where('login_key', '=', workerUid(25)).executeTakeFirstOrThrow();
      assert.deepEqual(sample, { code: workerUnit(25), job_type: workerJob(25).code });
      assert.deepEqual(await accountsOf(kit, workerUid(expectDisabled[0] ?? 0)), ['disabled:directory']);
      assert.deepEqual(await accountsOf(kit, workerUid(toLock)), ['active']);

      await modifyLdif(slapd, `dn: ${workerDn(toLock)}\nchangetype: modify\nadd: pwdAccountLockedTime\npwdAccountLockedTime: 000001010000Z\n`);
      locked.push(toLock);
      await modifyLdif(slapd, `dn: ${workerDn(toDelete)}\nchangetype: delete\n`);
      deleted.push(toDelete);
      kit.clock.advance(60_000);
      const poll = await kit.services.sync.run(kit.system, source.id, { incremental: true, trigger: 'poll' });
      assert.equal(poll.status, 'succeeded', poll.error ?? '');
      assert.equal(poll.trigger, 'poll');
      assert.ok((poll.counts.records ?? 0) < 10, `the poll read ${poll.counts.records} entries, not only the changed ones`);
      assert.deepEqual([poll.counts.disables, poll.counts.gone], [1, 0]);
      assert.deepEqual(await accountsOf(kit, workerUid(toLock)), ['disabled:directory']);
      assert.deepEqual(await accountsOf(kit, workerUid(toDelete)), ['active'], 'a poll cannot see a deletion');

      kit.clock.advance(60_000);
      const nightly = await kit.services.sync.run(kit.system, source.id, { trigger: 'schedule' });
      assert.equal(nightly.status, 'succeeded', nightly.error ?? '');
      assert.deepEqual([nightly.counts.gone, nightly.counts.disables, nightly.counts.unchanged], [1, 1, present - 1]);
      assert.deepEqual(await accountsOf(kit, workerUid(toDelete)), ['disabled:directory']);
      assert.equal((await kit.db.selectFrom('workers').select('id').execute()).length, present);
    });
  });
});
