import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies the write-ahead log back into the SQLite file from a worker thread with its own
 * connection. A checkpoint run by the writing connection (SQLite's default) copies tens of
 * megabytes and syncs the file in the middle of whichever request commits at that moment; a
 * PASSIVE checkpoint from another connection runs beside the writer and never blocks it.
 */
const checkpointer = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
// The long log last told of: an idle log stays caught up until a write starts it over, and is told of once.
let toldOf = 0;
const timer = setInterval(() => {
  try {
    const [{ log, checkpointed }] = db.pragma('wal_checkpoint(PASSIVE)');
    if (log < workerData.restartFrames) {
      toldOf = 0;
    } else if (checkpointed === log && log !== toldOf) {
      toldOf = log;
      parentPort.postMessage('caught-up');
    }
  } catch {
    // Busy now; the next tick tries again.
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface BackgroundCheckpoint {
  stop(): Promise<void>;
}

export interface BackgroundCheckpointOptions {
  /**
   * 100 ms by default. Under sustained writes the log never empties, and the writer's own
   * checkpoint (below, or SQLite's at 512 MB) must sync whatever the last pass left unsynced: at
   * 250 ms that took 37-142 ms in the middle of a request at 8 busy clients, at 100 ms 19-25 ms.
   */
  intervalMs?: number;
  /** Log length, in frames, from which `onCaughtUp` is called. */
  restartFrames: number;
  /**
   * Called when a pass has copied a log of at least `restartFrames` frames in full, once for that
   * log (an idle log stays as it is until the next write). The log is
   * never empty when a write begins, so SQLite never starts it over and it grows; a checkpoint by
   * the writer right after a pass has only the last few milliseconds of commits left to copy
   * (8-24 ms, mostly its two syncs), and the next write starts the log over, so later commits
   * overwrite the file instead of growing it.
   */
  onCaughtUp(): void;
}

export function startBackgroundCheckpoint(file: string, options: BackgroundCheckpointOptions): BackgroundCheckpoint {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(checkpointer, { eval: true, workerData: { file, driver, intervalMs: options.intervalMs ?? 100, restartFrames: options.restartFrames } });
  worker.on('message', () => options.onCaughtUp());
  worker.unref();
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        // Held open again until it has closed its connection.
        worker.ref();
        worker.postMessage('stop');
      }),
  };
}
