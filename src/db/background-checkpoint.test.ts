import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { startBackgroundCheckpoint } from './background-checkpoint.ts';
import { openDatabase } from './database.ts';

describe('background checkpoint', () => {
  it("copies the write-ahead log into the database file from its own thread, and stops with the database", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-checkpoint-'));
    const file = join(dir, 'db.sqlite');
    const handle = openDatabase({ url: file, backgroundCheckpoint: true });
    try {
      await sql`create table notes (id integer primary key, body text not null)`.execute(handle.db);
      const before = statSync(file).size;
      await handle.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 200; i += 1) await sql`insert into notes (body) values (${'x'.repeat(4000)})`.execute(trx);
      });
      // The writer alone would checkpoint only past 512 MB of log: a bigger file means the checkpointer ran.
      const until = Date.now() + 5000;
      while (statSync(file).size <= before + 500_000 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(statSync(file).size > before + 500_000, `the database file grew from ${before} to ${statSync(file).size} bytes`);
    } finally {
      await handle.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tells the writer once when a pass has copied a long log in full', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-checkpoint-'));
    const file = join(dir, 'db.sqlite');
    const handle = openDatabase({ url: file });
    let caughtUp = () => {};
    const told = new Promise<void>((resolve) => (caughtUp = resolve));
    let times = 0;
    const checkpointer = startBackgroundCheckpoint(file, { intervalMs: 20, restartFrames: 50, onCaughtUp: () => { times += 1; caughtUp(); } });
    try {
      await sql`create table notes (id integer primary key, body text not null)`.execute(handle.db);
      await handle.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 200; i += 1) await sql`insert into notes (body) values (${'x'.repeat(4000)})`.execute(trx);
      });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timed out'>((resolve) => (timer = setTimeout(() => resolve('timed out'), 5000)));
      assert.notEqual(await Promise.race([told, timeout]), 'timed out', 'no pass reported a caught-up log of 50 frames or more');
      clearTimeout(timer);
      // Nothing is written after: the next ten passes find the same log and do not tell of it again.
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(times, 1);
    } finally {
      await checkpointer.stop();
      await handle.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
