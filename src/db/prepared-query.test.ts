import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../test/helpers/databases.ts';
import { createAgency } from '../../test/helpers/fixtures.ts';
import { createTestKit } from '../../test/helpers/kit.ts';
import { patchShape, prepareByShape, prepareListQuery, prepareQuery } from './prepared-query.ts';

const agencyByCode = prepareQuery((db, p: { code: string }) => db.selectFrom('agencies').select(['id', 'code']).where('code', '=', p.code));
const agenciesByCode = prepareListQuery((db, codes, p: { kind: 'district' | 'voluntary' }) =>
  db.selectFrom('agencies').select('code').where('code', 'in', codes as string[]).where('kind', '=', p.kind),
);
const renameAgency = prepareByShape((db, p: { id: string; name?: string; time_zone?: string }, columns) =>
  db
    .updateTable('agencies')
    .set(Object.fromEntries(columns.map((column) => [column, p[column as 'name' | 'time_zone']])))
    .where('id', '=', p.id),
);

describeEachDatabase('prepared queries', (current) => {
  it('answers each call with its own arguments, inside and outside a transaction', async () => {
    const kit = createTestKit(current());
    const monroe = await createAgency(kit, 'MONROE');
    const erie = await createAgency(kit, 'ERIE');
    assert.equal((await agencyByCode(kit.db, { code: 'MONROE' })).rows[0]?.id, monroe.id);
    assert.equal((await agencyByCode(kit.db, { code: 'ERIE' })).rows[0]?.id, erie.id);
    assert.equal((await agencyByCode(kit.db, { code: 'NOBODY' })).rows.length, 0);
    await kit.db.transaction().execute(async (trx) => {
      assert.equal((await agencyByCode(trx, { code: 'ERIE' })).rows[0]?.id, erie.id);
    });
  });

  it('reads lists of any length, longer ones in chunks', async () => {
    const kit = createTestKit(current());
    const codes = Array.from({ length: 20 }, (_, i) => `A${String(i).padStart(2, '0')}`);
    for (const code of codes) await createAgency(kit, code);
    const some = await agenciesByCode(kit.db, ['A03', 'A07', 'MISSING'], { kind: 'district' });
    assert.deepEqual(some.map((r) => r.code).sort(), ['A03', 'A07']);
    const all = await agenciesByCode(kit.db, [...codes, 'MISSING'], { kind: 'district' });
    assert.deepEqual(all.map((r) => r.code).sort(), codes);
    assert.deepEqual(await agenciesByCode(kit.db, [], { kind: 'district' }), []);
  });

  it('writes only the columns a patch sets', async () => {
    const kit = createTestKit(current());
    const monroe = await createAgency(kit, 'MONROE');
    await renameAgency(kit.db, { id: monroe.id, name: 'Monroe County DSS' }, patchShape({ name: 'Monroe County DSS', time_zone: undefined }));
    await renameAgency(kit.db, { id: monroe.id, time_zone: 'America/Chicago' }, patchShape({ time_zone: 'America/Chicago' }));
    const row = await kit.db.selectFrom('agencies').select(['name', 'time_zone']).where('id', '=', monroe.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { name: 'Monroe County DSS', time_zone: 'America/Chicago' });
  });

  it('refuses a query that branches on an argument instead of placing it', async () => {
    const kit = createTestKit(current());
    const branching = prepareQuery((db, p: { code: string | null }) => {
      const q = db.selectFrom('agencies').select('id');
      return p.code === null ? q.where('code', 'is', null) : q;
    });
    await assert.rejects(branching(kit.db, { code: 'MONROE' }), /read code without placing it/);
  });
});
