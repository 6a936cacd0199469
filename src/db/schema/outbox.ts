// What must still go out after commit: deliveries to connected applications and notification mail.

export type DeliveryStatus = 'pending' | 'failed';

/** One account whose state must still reach its application; the state itself is read at delivery. */
export interface OutboxTable {
  id: string;
  account_id: string;
  application_id: string;
  agency_id: string;
  status: DeliveryStatus;
  /** What last asked for the delivery (e.g. "account.disabled"). */
  reason: string;
  /** Bumped by every change written while a delivery may be in flight, so it is not lost. */
  generation: number;
  attempts: number;
  due_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** What a connected application last confirmed for an account, and its id there. */
export interface ConnectorAccountsTable {
  account_id: string;
  application_id: string;
  remote_id: string | null;
  /** The delivered state as JSON. */
  state: string;
  delivered_at: string;
}

export type MailKind = 'approval_needed' | 'reminder' | 'escalation' | 'decision' | 'acknowledgment_needed' | 'acknowledgment_reminder';
export type MailStatus = 'pending' | 'sent' | 'failed';

/** One notification email, written with the change that caused it and sent after commit. */
export interface MailOutboxTable {
  id: string;
  agency_id: string;
  kind: MailKind;
  recipient_worker_id: string;
  /** The worker's email address when the mail was written; null: they have none (the row is failed). */
  to_address: string | null;
  subject: string;
  body: string;
  request_id: string | null;
  status: MailStatus;
  attempts: number;
  due_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_error: string | null;
  sent_at: string | null;
  created_at: string;
}

export interface OutboxTables {
  outbox: OutboxTable;
  connector_accounts: ConnectorAccountsTable;
  mail_outbox: MailOutboxTable;
}
