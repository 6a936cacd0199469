import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';

const jsonType = /^application\/([\w.-]+\+)?json\b/i;

class BodyTooLarge extends Error {}

/** The body's text, or BodyTooLarge as soon as it passes `limit` bytes (the rest is not read). */
function readText(incoming: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        incoming.removeAllListeners('data');
        incoming.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    incoming.once('end', () => resolve(Buffer.concat(chunks, size).toString('utf8')));
    incoming.once('error', reject);
  });
}

/**
 * Reads a JSON request's body straight from Node's request stream into Hono's body cache, and
 * refuses one over `limit` bytes with `tooLarge()` before the handler runs. Hono's Node adapter
 * would otherwise build a WHATWG Request and stream for every body, which costs more than the
 * rest of a small call's HTTP handling, and would read a body of any size. Served in-process (the
 * tests' `app.request`), there is no Node stream: the declared length is checked, and Hono reads
 * the body itself.
 */
export function jsonBody(limit: number, tooLarge: () => Error): MiddlewareHandler {
  return async (c: Context<{ Bindings: { incoming?: IncomingMessage } }>, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || !jsonType.test(c.req.header('content-type') ?? '')) return next();
    if (Number(c.req.header('content-length') ?? 0) > limit) throw tooLarge();
    const incoming = c.env?.incoming;
    if (incoming) {
      try {
        // Hono keeps each cached body as a promise, whatever its type declaration says.
        (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(await readText(incoming, limit));
      } catch (error) {
        if (error instanceof BodyTooLarge) throw tooLarge();
        throw error;
      }
    }
    return next();
  };
}
