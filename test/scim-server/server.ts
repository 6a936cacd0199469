/**
 * A SCIM 2.0 service provider written by others (SCIMMY on express) with an in-memory store that
 * survives a restart through a JSON snapshot; the client tests start it as a separate process.
 * Environment: SCIM_PORT (0: any), SCIM_TOKEN (the bearer token it accepts), SCIM_STORE (snapshot file).
 * Prints `listening PORT` once it accepts requests. GET /_stats answers the requests it has answered and
 * the number of users and groups it holds.
 */
import express from 'express';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';

/** A stored resource, as SCIMMY hands it over and takes it back. */
type Stored = Record<string, any>;
interface Store {
  users: Record<string, Stored>;
  groups: Record<string, Stored>;
  requests: Record<string, number>;
}

const port = Number(process.env.SCIM_PORT ?? 0);
const token = process.env.SCIM_TOKEN ?? 'secret';
const storeFile = process.env.SCIM_STORE;

const store: Store = storeFile && existsSync(storeFile) ? (JSON.parse(readFileSync(storeFile, 'utf8')) as Store) : { users: {}, groups: {}, requests: {} };

function save(): void {
  if (!storeFile) return;
  writeFileSync(`${storeFile}.tmp`, JSON.stringify(store));
  renameSync(`${storeFile}.tmp`, storeFile);
}

function now(): string {
  return new Date().toISOString();
}

function scimError(status: number, message: string, scimType?: string): Error {
  return new SCIMMY.Types.Error(status, scimType as string, message);
}

/** Egress: one resource by id, or every resource the request's filter matches. */
function select(resource: SCIMMY.Types.Resource, items: Record<string, Stored>): Stored | Stored[] {
  if (resource.id) {
    const found = items[resource.id];
    if (!found) throw scimError(404, `Resource ${resource.id} not found`);
    return found;
  }
  const all = Object.values(items);
  return resource.filter ? (resource.filter.match(all) as Stored[]) : all;
}

function ingress(items: Record<string, Stored>, uniqueKey: string) {
  return (resource: SCIMMY.Types.Resource, instance: Stored): Stored => {
    const value = String(instance[uniqueKey] ?? '').toLowerCase();
    const clash = Object.values(items).find((item) => item.id !== resource.id && String(item[uniqueKey] ?? '').toLowerCase() === value);
    if (clash) throw scimError(409, `${uniqueKey} ${String(instance[uniqueKey])} is already taken`, 'uniqueness');
    const id = resource.id ?? randomUUID();
    const before = items[id];
    if (resource.id && !before) throw scimError(404, `Resource ${id} not found`);
    const created = before?.meta && typeof before.meta === 'object' ? (before.meta as { created?: string }).created : undefined;
    const stored: Stored = { ...JSON.parse(JSON.stringify(instance)), id, meta: { created: created ?? now(), lastModified: now() } };
    items[id] = stored;
    save();
    return stored;
  };
}

function degress(items: Record<string, Stored>) {
  return (resource: SCIMMY.Types.Resource): void => {
    if (!resource.id || !items[resource.id]) throw scimError(404, `Resource ${resource.id} not found`);
    delete items[resource.id];
    save();
  };
}

// The handlers work on plain stored objects; SCIMMY validates them against its schemas itself.
SCIMMY.Resources.declare(SCIMMY.Resources.User)
  .ingress(ingress(store.users, 'userName') as never)
  .egress(((resource: SCIMMY.Types.Resource) => select(resource, store.users)) as never)
  .degress(degress(store.users));
SCIMMY.Resources.declare(SCIMMY.Resources.Group)
  .ingress(ingress(store.groups, 'displayName') as never)
  .egress(((resource: SCIMMY.Types.Resource) => select(resource, store.groups)) as never)
  .degress(degress(store.groups));

const app = express();
// Counts each answered request as "METHOD /path STATUS", ids replaced by {id}.
app.use((req, res, next) => {
  if (!req.path.startsWith('/_stats')) {
    const path = req.path.replace(/\/[0-9a-f-]{36}$/, '/{id}');
    res.on('finish', () => {
      const key = `${req.method} ${path} ${res.statusCode}`;
      store.requests[key] = (store.requests[key] ?? 0) + 1;
      save();
    });
  }
  next();
});
app.get('/_stats', (_req, res) => {
  res.json({ requests: store.requests, users: Object.keys(store.users).length, groups: Object.keys(store.groups).length });
});
app.use(
  '/scim/v2',
  new SCIMMYRouters({
    type: 'bearer',
    handler: (request) => {
      if (request.header('Authorization') !== `Bearer ${token}`) throw new Error('The bearer token is not valid for this SCIM service.');
      return 'gatehouse';
    },
  }),
);
const server = app.listen(port, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
