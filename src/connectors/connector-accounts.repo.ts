import type { Executor } from '../db/database.ts';

/** What an application last confirmed for an account. */
export interface ConnectorAccount {
  accountId: string;
  applicationId: string;
  /** The account's id in the application; null when it has none there (never created, or deleted). */
  remoteId: string | null;
  state: unknown;
  deliveredAt: string;
}

export async function findConnectorAccount(db: Executor, accountId: string): Promise<ConnectorAccount | undefined> {
  const row = await db.selectFrom('connector_accounts').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  return row && { accountId: row.account_id, applicationId: row.application_id, remoteId: row.remote_id, state: JSON.parse(row.state) as unknown, deliveredAt: row.delivered_at };
}

export async function saveConnectorAccount(db: Executor, account: ConnectorAccount): Promise<void> {
  const row = { account_id: account.accountId, application_id: account.applicationId, remote_id: account.remoteId, state: JSON.stringify(account.state), delivered_at: account.deliveredAt };
  await db
    .insertInto('connector_accounts')
    .values(row)
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ remote_id: row.remote_id, state: row.state, delivered_at: row.delivered_at }))
    .execute();
}

/** The remote ids Gatehouse knows in the application, by account. */
export async function listRemoteIds(db: Executor, applicationId: string, accountIds: readonly string[]): Promise<Map<string, string>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('connector_accounts')
    .select(['account_id', 'remote_id'])
    .where('application_id', '=', applicationId)
    .where('account_id', 'in', accountIds)
    .where('remote_id', 'is not', null)
    .execute();
  return new Map(rows.flatMap((r) => (r.remote_id ? [[r.account_id, r.remote_id] as const] : [])));
}
