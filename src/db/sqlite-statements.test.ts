import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { openDatabase } from './database.ts';
import { prepareQuery } from './prepared-query.ts';

interface Numbers {
  numbers: { n: number; label: string; extra: string | null };
}

const firstRows = prepareQuery((db, p: { after: number; limit: number }) => (db as unknown as Kysely<Numbers>).selectFrom('numbers').select('n').where('n', '>', p.after).orderBy('n').limit(p.limit));

describe('SQLite statements', () => {
  async function numbersDatabase() {
    const handle = openDatabase({ url: ':memory:' });
    await sql`create table numbers (n integer primary key, label text, extra text)`.execute(handle.db);
    await sql`insert into numbers (n, label, extra) values (1, 'one', null), (2, 'two', 'x'), (3, 'three', null), (4, 'four', null)`.execute(handle.db);
    return handle;
  }

  it('reads rows with every column named, a later column of the same name winning as in better-sqlite3', async () => {
    const handle = await numbersDatabase();
    const db = handle.db as unknown as Kysely<Numbers>;
    assert.deepEqual(await db.selectFrom('numbers').selectAll().where('n', '<=', 2).orderBy('n').execute(), [
      { n: 1, label: 'one', extra: null },
      { n: 2, label: 'two', extra: 'x' },
    ]);
    const { rows } = await sql<{ label: string }>`select label, 'shadowed' as label from numbers where n = 3`.execute(db);
    assert.deepEqual(rows, [{ label: 'shadowed' }]);
    await handle.destroy();
  });

  it('writes a numeric limit and offset into the SQL, and keeps a prepared query\'s limit a parameter', async () => {
    const handle = await numbersDatabase();
    const db = handle.db as unknown as Kysely<Numbers>;
    const compiled = db.selectFrom('numbers').select('n').orderBy('n').limit(2).offset(1).compile();
    assert.match(compiled.sql, /limit 2 offset 1$/);
    assert.deepEqual(compiled.parameters, []);
    assert.deepEqual(await db.selectFrom('numbers').select('n').orderBy('n').limit(2).offset(1).execute(), [{ n: 2 }, { n: 3 }]);
    assert.deepEqual((await firstRows(handle.db, { after: 1, limit: 2 })).rows, [{ n: 2 }, { n: 3 }]);
    assert.deepEqual((await firstRows(handle.db, { after: 0, limit: 3 })).rows, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    await handle.destroy();
  });
});
