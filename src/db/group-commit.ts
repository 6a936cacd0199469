import { CompiledQuery, SqliteDialect, type DatabaseConnection, type DialectAdapter, type Driver, type QueryExecutor, type QueryResult, type SqliteDatabase } from 'kysely';
import type { Executor } from './database.ts';
import { Lock } from './lock.ts';

/**
 * SQLite with group commit: the transactions that end within one turn of the event loop are
 * committed together. Each commit writes every page it changed to the write-ahead log, and
 * transactions that follow each other change the same pages (the audit chain's head, the last
 * page of each index on an id or a time), so one commit for the requests that arrived together
 * writes a fraction of the pages that one commit each would.
 *
 * The first transaction of a group opens the real transaction; each later one runs inside it as a
 * savepoint, so a failure rolls back that transaction alone. The group commits once the turn's
 * work is done (`setImmediate`), and every transaction in it resolves only then: a caller never
 * acts on a change that is not yet committed. A statement run outside a transaction while a group
 * is open sees the group's changes, so it too resolves only once the group has committed. If the
 * commit fails, every transaction of the group fails with its error and none of them is applied.
 */
export class GroupCommitDialect extends SqliteDialect {
  readonly #driver: GroupCommitDriver;

  constructor(database: SqliteDatabase) {
    super({ database });
    this.#driver = new GroupCommitDriver(database);
  }

  override createDriver(): Driver {
    return this.#driver;
  }

  /** A PASSIVE checkpoint from the writing connection, between two groups; see the driver's. */
  checkpoint(): Promise<void> {
    return this.#driver.checkpoint();
  }

  override createAdapter(): DialectAdapter {
    const adapter = super.createAdapter();
    driverByAdapter.set(adapter, this.#driver);
    return adapter;
  }
}

/** Each group-commit database's driver, by the adapter that the database and its transactions share. */
const driverByAdapter = new WeakMap<DialectAdapter, GroupCommitDriver>();
/** The connection each transaction holds, by the transaction's executor. */
const leaseByExecutor = new WeakMap<QueryExecutor, Lease>();

/**
 * Runs a compiled query straight on the connection held by `db`, a transaction on a group-commit
 * database: Kysely's own path (connection provider, plugins, half a dozen promises) costs about
 * 3 µs a query, more than most of the indexed statements a request runs. Plugins do not see the
 * result; the SQLite database's only plugin leaves results as they are. Undefined for anything
 * else, and for a transaction that has ended, which Kysely's path then refuses.
 */
export async function runInTransactionDirectly<R>(db: Executor, query: CompiledQuery): Promise<QueryResult<R> | undefined> {
  if (!db.isTransaction) return undefined;
  const executor = db.getExecutor();
  const driver = driverByAdapter.get(executor.adapter);
  if (!driver) return undefined;
  let lease = leaseByExecutor.get(executor);
  if (!lease) {
    lease = await executor.provideConnection((connection) => Promise.resolve(connection as Lease));
    leaseByExecutor.set(executor, lease);
  }
  return lease.role === 'opener' || lease.role === 'member' ? driver.run<R>(query) : undefined;
}

const savepoint = 'gatehouse_group_member';

class Group {
  readonly committed: Promise<void>;
  #resolve!: () => void;
  #reject!: (error: unknown) => void;

  constructor() {
    this.committed = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Each member awaits `committed` and gets the failure; this only keeps an unawaited failure from crashing the process.
    this.committed.catch(() => undefined);
  }

  succeed(): void {
    this.#resolve();
  }

  fail(error: unknown): void {
    this.#reject(error);
  }
}

type TransactionRole = 'none' | 'opener' | 'member' | 'ended';

/** One use of the connection, from acquiring it to releasing it. */
class Lease implements DatabaseConnection {
  role: TransactionRole = 'none';
  released = false;
  /** The group this lease's statements ran in: its transaction's, or the one open when it read outside a transaction. */
  group: Group | null = null;

  constructor(private readonly driver: GroupCommitDriver) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    this.group ??= this.driver.openGroup;
    return Promise.resolve(this.driver.run<R>(compiledQuery));
  }

  // better-sqlite3 reads synchronously: there is nothing to await between rows.
  // eslint-disable-next-line @typescript-eslint/require-await
  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    this.group ??= this.driver.openGroup;
    const statement = this.driver.database.prepare(compiledQuery.sql);
    if (!statement.reader) throw new Error('Only a query that returns rows can be streamed.');
    yield* oneRowEach<R>(statement.iterate(compiledQuery.parameters));
  }
}

function* oneRowEach<R>(rows: Iterable<unknown>): Generator<QueryResult<R>> {
  for (const row of rows) yield { rows: [row as R] };
}

class GroupCommitDriver implements Driver {
  readonly #lock = new Lock();
  #group: Group | null = null;
  #closed = false;

  constructor(readonly database: SqliteDatabase) {}

  get openGroup(): Group | null {
    return this.#group;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#lock.acquire();
    return new Lease(this);
  }

  beginTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    const open = this.#group;
    if (open) {
      this.#exec(`savepoint ${savepoint}`);
      lease.role = 'member';
      lease.group = open;
    } else {
      this.#exec('begin');
      const group = new Group();
      this.#group = group;
      lease.role = 'opener';
      lease.group = group;
      setImmediate(() => void this.#commit(group));
    }
    return Promise.resolve();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (lease.role === 'member') this.#exec(`release ${savepoint}`);
    lease.role = 'ended';
    this.#release(lease);
    await lease.group?.committed;
  }

  /** Kysely calls this after a failed commit too; the group's failure has rolled that one back already ('ended'). */
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    const { role, group } = lease;
    lease.role = 'ended';
    if (role === 'opener' && group) {
      // Nobody joined yet: the opener held the connection from `begin` until now.
      this.#group = null;
      this.#rollbackAll();
      group.succeed();
    }
    if (role === 'member' && group) {
      this.#rollbackMember(group);
      // Its failure may rest on what the group's earlier members changed: it is reported once they are settled.
      this.#release(lease);
      await group.committed.catch(() => undefined);
    }
  }

  #rollbackMember(group: Group): void {
    try {
      this.#exec(`rollback to ${savepoint}`);
      this.#exec(`release ${savepoint}`);
    } catch (error) {
      // SQLite rolled the whole transaction back itself (a full disk, an I/O error): the group is lost.
      this.#group = null;
      this.#rollbackAll();
      group.fail(error);
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    this.#release(lease);
    // A read outside a transaction that saw a group's changes answers once they are committed.
    if (lease.role === 'none' && lease.group) await lease.group.committed;
  }

  /**
   * Checkpoints from the writing connection, which no transaction may be open on: the open group
   * commits first (its members are only waiting for that). A failure is left for the next pass; a
   * failing disk shows in the next commit anyway.
   */
  async checkpoint(): Promise<void> {
    if (this.#closed) return;
    await this.#lock.acquire();
    try {
      if (this.#closed) return;
      this.#commitOpenGroup();
      this.database.prepare('pragma wal_checkpoint(PASSIVE)').all([]);
    } catch {
      // Left for the next pass.
    } finally {
      this.#lock.release();
    }
  }

  async destroy(): Promise<void> {
    if (this.#closed) return;
    await this.#lock.acquire();
    this.#closed = true;
    this.#commitOpenGroup();
    this.database.close();
    this.#lock.release();
  }

  run<R>(compiledQuery: CompiledQuery): QueryResult<R> {
    const statement = this.database.prepare(compiledQuery.sql);
    if (statement.reader) return { rows: statement.all(compiledQuery.parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(compiledQuery.parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  #exec(sql: string): void {
    this.database.prepare(sql).run([]);
  }

  #release(lease: Lease): void {
    if (lease.released) return;
    lease.released = true;
    this.#lock.release();
  }

  async #commit(group: Group): Promise<void> {
    await this.#lock.acquire();
    try {
      // Not the open group any more: its opener rolled it back, or a checkpoint or `destroy` committed it.
      if (this.#group === group) this.#commitOpenGroup();
    } finally {
      this.#lock.release();
    }
  }

  /** Commits the open group, if any; if the commit fails, every member fails with its error. */
  #commitOpenGroup(): void {
    const group = this.#group;
    if (!group) return;
    this.#group = null;
    try {
      this.#exec('commit');
      group.succeed();
    } catch (error) {
      this.#rollbackAll();
      group.fail(error);
    }
  }

  #rollbackAll(): void {
    try {
      this.#exec('rollback');
    } catch {
      // SQLite had already rolled the transaction back.
    }
  }
}
