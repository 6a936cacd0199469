import type { AccountView } from './account-view.ts';
import type { ConnectorAccount } from './connector-accounts.repo.ts';

/** What a connector reports after making the application match an account's view. */
export interface DeliveryResult {
  remoteId: string | null;
  /** The state the application confirmed, kept as the last delivered state. */
  state: unknown;
}

/** One application's side of provisioning: every kind of application implements it. */
export interface Connector {
  /** Makes the application match the view, then reads it back to confirm the change took effect. */
  deliver(view: AccountView, known: ConnectorAccount | undefined): Promise<DeliveryResult>;
}

/** The application refused the change for a reason retrying cannot fix (a 4xx, a bad config). */
export class DeliveryRejected extends Error {
  override readonly name = 'DeliveryRejected';
}

/** The application could not take the change now (network, 5xx, 429, change not applied): try again later. */
export class DeliveryDeferred extends Error {
  override readonly name = 'DeliveryDeferred';

  constructor(
    message: string,
    /** How long the application asked us to wait (Retry-After), if it said. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}
