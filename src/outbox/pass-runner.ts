import type { Logger } from '../shared/logger.ts';

/**
 * Runs a deliverer's passes one at a time: asked for a pass while one runs, it runs one more after
 * it, so work written meanwhile is not left waiting for the next poll.
 */
export function createPassRunner(pass: () => Promise<void>, options: { logger: Logger; failure: string; isStopped: () => boolean }) {
  let running: Promise<void> | null = null;
  let again = false;

  function run(): void {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await pass();
        } catch (error) {
          options.logger.error({ err: error }, options.failure);
        }
      } while (again && !options.isStopped());
    })().finally(() => {
      running = null;
    });
  }

  /** Resolves once the pass under way, if any, has finished. */
  async function settled(): Promise<void> {
    await running;
  }

  return { run, settled };
}
