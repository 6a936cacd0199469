import { type IncomingMessage, createServer } from 'node:http';
import { once } from 'node:events';

/**
 * The one fake of the client tests: a proxy in front of the real SCIM server that, while
 * `ignoring`, answers PATCH /Users/{id} with 200 and the user as it is, without passing the
 * change on: a target that says yes and does nothing, which only the read-back can catch.
 */
export async function startIgnoringProxy(upstreamBaseUrl: string) {
  const upstream = new URL(upstreamBaseUrl);
  let ignoring = false;
  let ignored = 0;

  async function readBody(request: IncomingMessage): Promise<string> {
    let body = '';
    for await (const chunk of request) body += String(chunk);
    return body;
  }

  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const url = `${upstream.origin}${request.url ?? '/'}`;
      const headers = { authorization: request.headers.authorization ?? '', 'content-type': 'application/scim+json' };
      const swallow = ignoring && request.method === 'PATCH' && /\/Users\/[^/]+$/.test(request.url ?? '');
      if (swallow) ignored += 1;
      const answer = swallow
        ? await fetch(url, { headers })
        : await fetch(url, { method: request.method, headers, ...(body ? { body } : {}) });
      response.writeHead(answer.status, { 'content-type': 'application/scim+json' });
      response.end(await answer.text());
    })();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The proxy has no port.');
  const path = upstream.pathname.replace(/\/$/, '');
  return {
    baseUrl: `http://127.0.0.1:${address.port}${path}`,
    ignore: (on: boolean) => {
      ignoring = on;
    },
    ignored: () => ignored,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
