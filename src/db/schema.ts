/**
 * The database as Kysely sees it: each concept's tables live in their own file under ./schema/;
 * callers import every table and row type from here.
 */
import type { CoreTables } from './schema/core.ts';
import type { AccessTables } from './schema/access.ts';
import type { AuthTables } from './schema/auth.ts';
import type { AuditTables } from './schema/audit.ts';
import type { ConsoleTables } from './schema/console.ts';
import type { SyncTables } from './schema/sync.ts';
import type { ScimTables } from './schema/scim.ts';
import type { RequestTables } from './schema/requests.ts';
import type { OutboxTables } from './schema/outbox.ts';
import type { LifecycleTables } from './schema/lifecycle.ts';
import type { LeaverTables } from './schema/leavers.ts';

export type * from './schema/core.ts';
export type * from './schema/access.ts';
export type * from './schema/auth.ts';
export type * from './schema/audit.ts';
export type * from './schema/console.ts';
export type * from './schema/sync.ts';
export type * from './schema/scim.ts';
export type * from './schema/requests.ts';
export type * from './schema/outbox.ts';
export type * from './schema/lifecycle.ts';
export type * from './schema/leavers.ts';

export interface DB extends CoreTables, AccessTables, AuthTables, AuditTables, ConsoleTables, SyncTables, ScimTables, RequestTables, OutboxTables, LifecycleTables, LeaverTables {}
