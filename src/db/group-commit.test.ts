import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { type Generated, Kysely, sql } from 'kysely';
import { openDatabase, type Executor } from './database.ts';
import { GroupCommitDialect } from './group-commit.ts';
import { withStatementCache } from './statement-cache.ts';
import { prepareQuery } from './prepared-query.ts';

interface Notes {
  notes: { id: Generated<number>; body: string };
  parents: { id: number };
  children: { id: number; parent_id: number };
}

describe('SQLite group commit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-group-commit-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let files = 0;

  /** The app's connection, and a second one that sees only what has been committed. */
  async function notesDatabase() {
    const file = join(dir, `notes-${files++}.sqlite`);
    const handle = openDatabase({ url: file });
    const db = handle.db as unknown as Kysely<Notes>;
    await sql`create table notes (id integer primary key, body text not null)`.execute(db);
    await sql`create table parents (id integer primary key)`.execute(db);
    await sql`create table children (id integer primary key, parent_id integer not null references parents (id) deferrable initially deferred)`.execute(db);
    const observer = new SqliteDatabase(file, { readonly: true });
    const committed = () => (observer.prepare('select body from notes order by id').all() as { body: string }[]).map((row) => row.body);
    return { handle, db, file, committed, close: async () => { observer.close(); await handle.destroy(); } };
  }

  /** Lets pending promise callbacks run, without giving the event loop a turn (the group commits on the next one). */
  async function settleMicrotasks(done: () => boolean): Promise<void> {
    for (let step = 0; step < 1000 && !done(); step++) await Promise.resolve();
    assert.ok(done(), 'the work did not finish within the current turn of the event loop');
  }

  function insertNote(db: Kysely<Notes>, body: string) {
    return db.insertInto('notes').values({ body }).execute();
  }

  it('commits transactions that end in the same turn together, and answers each only once that commit is done', async () => {
    const { db, committed, close } = await notesDatabase();
    let bodiesRun = 0;
    const first = db.transaction().execute(async (trx) => { await insertNote(trx, 'first'); bodiesRun += 1; });
    const second = db.transaction().execute(async (trx) => {
      // The second transaction sees the first one's change, though neither is committed yet.
      assert.deepEqual((await trx.selectFrom('notes').select('body').execute()).map((row) => row.body), ['first']);
      await insertNote(trx, 'second');
      bodiesRun += 1;
    });
    const answered: string[][] = [];
    const watched = [first, second].map((done) => done.then(() => answered.push(committed())));
    await settleMicrotasks(() => bodiesRun === 2);
    assert.deepEqual(committed(), [], 'both transactions have run, and neither is committed before the turn ends');
    await Promise.all(watched);
    assert.deepEqual(answered, [['first', 'second'], ['first', 'second']]);
    await close();
  });

  it('rolls back a failing transaction alone and keeps the rest of its group', async () => {
    const { db, committed, close } = await notesDatabase();
    const outcomes = await Promise.allSettled([
      db.transaction().execute((trx) => insertNote(trx, 'kept before')),
      db.transaction().execute(async (trx) => {
        await insertNote(trx, 'rolled back');
        throw new Error('refused by a rule');
      }),
      db.transaction().execute((trx) => insertNote(trx, 'kept after')),
    ]);
    assert.deepEqual(outcomes.map((outcome) => outcome.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.match(String((outcomes[1] as PromiseRejectedResult).reason), /refused by a rule/);
    assert.deepEqual(committed(), ['kept before', 'kept after']);
    await close();
  });

  it('rolls back a failing first transaction of a group without touching the next one', async () => {
    const { db, committed, close } = await notesDatabase();
    await assert.rejects(db.transaction().execute(async (trx) => {
      await insertNote(trx, 'rolled back');
      throw new Error('refused by a rule');
    }), /refused by a rule/);
    await db.transaction().execute((trx) => insertNote(trx, 'kept'));
    assert.deepEqual(committed(), ['kept']);
    await close();
  });

  it('answers a read outside any transaction that saw an uncommitted change only once it is committed', async () => {
    const { db, committed, close } = await notesDatabase();
    const writing = db.transaction().execute((trx) => insertNote(trx, 'written'));
    const read = await db.selectFrom('notes').select('body').execute();
    assert.deepEqual(read.map((row) => row.body), ['written']);
    assert.deepEqual(committed(), ['written'], 'the read answered after the change it saw was committed');
    await writing;
    await close();
  });

  it('fails every transaction of a group whose commit fails, and applies none of them', async () => {
    const { db, committed, close } = await notesDatabase();
    // A deferred foreign key is checked at commit: the group's commit fails for the orphan child.
    const outcomes = await Promise.allSettled([
      db.transaction().execute((trx) => insertNote(trx, 'innocent')),
      db.transaction().execute((trx) => trx.insertInto('children').values({ id: 1, parent_id: 99 }).execute()),
    ]);
    assert.deepEqual(outcomes.map((outcome) => outcome.status), ['rejected', 'rejected']);
    for (const outcome of outcomes) assert.match(String((outcome as PromiseRejectedResult).reason), /FOREIGN KEY constraint failed/);
    assert.deepEqual(committed(), []);
    await db.transaction().execute((trx) => insertNote(trx, 'after the failure'));
    assert.deepEqual(committed(), ['after the failure']);
    await close();
  });

  it('runs a prepared query of a transaction on its connection, and refuses it once the transaction has ended', async () => {
    const { db, close } = await notesDatabase();
    const bodies = prepareQuery((executor, _params: Record<string, never>) => (executor as unknown as Kysely<Notes>).selectFrom('notes').select('body').orderBy('id'));
    let ended: Executor | undefined;
    const seen = await db.transaction().execute(async (trx) => {
      await insertNote(trx, 'uncommitted');
      ended = trx as unknown as Executor;
      return (await bodies(ended, {})).rows;
    });
    assert.deepEqual(seen, [{ body: 'uncommitted' }]);
    await assert.rejects(bodies(ended as Executor, {}), /already committed/);
    await close();
  });

  it('streams the rows of a query one by one', async () => {
    const { db, close } = await notesDatabase();
    await db.transaction().execute(async (trx) => {
      await insertNote(trx, 'one');
      await insertNote(trx, 'two');
    });
    const streamed: string[] = [];
    for await (const row of db.selectFrom('notes').select('body').orderBy('id').stream()) streamed.push(row.body);
    assert.deepEqual(streamed, ['one', 'two']);
    await close();
  });

  it('checkpoints from the writing connection after committing the open group, so the next write starts the log over', async () => {
    const file = join(dir, `notes-${files++}.sqlite`);
    const sqlite = new SqliteDatabase(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('wal_autocheckpoint = 0');
    const dialect = new GroupCommitDialect(withStatementCache(sqlite));
    const db = new Kysely<Notes>({ dialect });
    await sql`create table notes (id integer primary key, body text not null)`.execute(db);
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < 100; i += 1) await insertNote(trx, 'x'.repeat(4000));
    });
    const walFrames = () => (sqlite.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]?.log ?? -1;
    const opened = db.transaction().execute((trx) => insertNote(trx, 'in the open group'));
    await dialect.checkpoint();
    await opened;
    await insertNote(db, 'after the checkpoint');
    assert.ok(walFrames() < 10, `the log started over: ${walFrames()} frames in it`);
    assert.equal((await db.selectFrom('notes').select('id').execute()).length, 102);
    await db.destroy();
  });

  it('commits a group still open when the database is closed', async () => {
    const { db, file, handle } = await notesDatabase();
    let ran = false;
    const writing = db.transaction().execute(async (trx) => { await insertNote(trx, 'last words'); ran = true; });
    await settleMicrotasks(() => ran);
    await handle.destroy();
    await writing;
    const reopened = new SqliteDatabase(file, { readonly: true });
    assert.deepEqual(reopened.prepare('select body from notes').all(), [{ body: 'last words' }]);
    reopened.close();
  });
});
