import SqliteDatabase from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.ts';
import { startBackgroundCheckpoint } from './background-checkpoint.ts';
import { GroupCommitDialect } from './group-commit.ts';
import { LiteralLimitPlugin } from './literal-limits.ts';
import { withStatementCache } from './statement-cache.ts';

export type Database = Kysely<DB>;
/** Repositories take either, so the service decides where a transaction starts. */
export type Executor = Kysely<DB> | Transaction<DB>;
export type DatabaseKind = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseKind;
  destroy(): Promise<void>;
}

export interface DatabaseOptions {
  /** `postgres://…` for PostgreSQL; otherwise a SQLite file path or `:memory:`. */
  url: string;
  poolSize?: number;
  /**
   * SQLite files only: checkpoint the write-ahead log from a worker thread, so no request pays for
   * a checkpoint (the server); off, the writing connection checkpoints (bulk tools like the sync).
   */
  backgroundCheckpoint?: boolean;
  /**
   * SQLite files only: read pages through a memory map (the server, for lookups among a million
   * users); off for bulk tools like the sync, whose mapped pages would only swell their memory.
   */
  mapForReads?: boolean;
}

export function isPostgresUrl(url: string): boolean {
  return url.startsWith('postgres://') || url.startsWith('postgresql://');
}

export function openDatabase(options: DatabaseOptions): DatabaseHandle {
  return isPostgresUrl(options.url) ? openPostgres(options) : openSqlite(options.url, options.backgroundCheckpoint === true, options.mapForReads === true);
}

function openSqlite(file: string, backgroundCheckpoint: boolean, mapForReads: boolean): DatabaseHandle {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  // 8 KB pages rather than 4 KB (this takes effect when the file is created): a million-worker
  // sync writes millions of rows into a dozen indexes, and larger pages split less often.
  sqlite.pragma('page_size = 8192');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // A large page cache keeps the indexes of a million-worker agency in memory during a sync.
  sqlite.pragma('cache_size = -262144');
  sqlite.pragma('temp_store = memory');
  // Reads of pages outside the page cache come straight from the mapped file rather than one
  // system call each: a lookup among a million SCIM users touches pages all over five indexes.
  if (mapForReads) sqlite.pragma('mmap_size = 2147483648');
  // Checkpoint every ~64 MB of WAL rather than every 4 MB: index pages that a bulk sync rewrites
  // batch after batch are then copied back to the database file once, not once per batch.
  const pageSize = Number(sqlite.pragma('page_size', { simple: true }));
  const framesOf = (megabytes: number) => Math.round((megabytes * 1024 * 1024) / pageSize);
  const dialect = new GroupCommitDialect(withStatementCache(sqlite));
  // With a background checkpointer the writer checkpoints when a pass has caught up with a long log
  // (384 MB), and on its own only if the log outgrows that by far (512 MB).
  const checkpointer = backgroundCheckpoint && file !== ':memory:'
    ? startBackgroundCheckpoint(file, { restartFrames: framesOf(384), onCaughtUp: () => void dialect.checkpoint() })
    : null;
  sqlite.pragma(`wal_autocheckpoint = ${framesOf(checkpointer ? 512 : 64)}`);
  const db = new Kysely<DB>({ dialect, plugins: [new LiteralLimitPlugin()] });
  return {
    db,
    kind: 'sqlite',
    destroy: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

function openPostgres(options: DatabaseOptions): DatabaseHandle {
  // Counts and bigint columns arrive as numbers, as they do from SQLite (safe below 2^53).
  const types: pg.CustomTypesConfig = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
      oid === 20 ? (value: string) => Number(value) : (pg.types.getTypeParser(oid, format) as unknown)) as pg.CustomTypesConfig['getTypeParser'],
  };
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    types,
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', destroy: () => db.destroy() };
}
