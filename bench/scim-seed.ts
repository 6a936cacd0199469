/**
 * The users of bench:scim, written straight into the tables /Users reads: each one exactly what
 * POST /Users would have stored for the body `scimBenchBody(i)` (a worker with its history, its
 * account in every built-in application with that account's history, and the SCIM row), but with
 * multi-row inserts instead of a request each. No audit events: the benchmark does not read them.
 */
import type { Database } from '../src/db/database.ts';
import { bulkInsert } from '../src/db/bulk-insert.ts';
import type { AccountHistoryTable, AccountsTable, ScimUsersTable, WorkerHistoryTable, WorkersTable } from '../src/db/schema.ts';
import { enterpriseSchemaId, userResourceType } from '../src/scim/schema/user-schemas.ts';
import { normalizeResource } from '../src/scim/resource/normalize.ts';
import { readUserFields } from '../src/scim/users/user-mapping.ts';
import { newId } from '../src/shared/ids.ts';

const departments = ['CPS', 'Preventive', 'Foster Care', 'Adoption', 'Intake', 'Legal'];
const givenNames = ['Barbara', 'James', 'Maria', 'Wei', 'Aisha', 'Tomas', 'Grace', 'Kwame'];
const familyNames = ['Jensen', 'Okafor', 'Nguyen', 'Garcia', 'Smith', 'Kowalski', 'Haddad', 'Brown'];

/** The login id of bench user `i`: mixed case, as directories hold them. */
export function scimBenchLogin(i: number): string {
  return `Worker.${String(i).padStart(7, '0')}`;
}

/** What an identity provider such as Entra ID pushes for bench user `i`. */
export function scimBenchBody(i: number): Record<string, unknown> {
  const given = givenNames[i % givenNames.length] ?? 'Jane';
  const family = familyNames[Math.floor(i / givenNames.length) % familyNames.length] ?? 'Doe';
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', enterpriseSchemaId],
    externalId: `hr-${i}`,
    userName: scimBenchLogin(i),
    name: { givenName: given, familyName: family, formatted: `${given} ${family}` },
    displayName: `${given} ${family}`,
    emails: [{ value: `worker.${i}@bench.example.org`, type: 'work', primary: true }],
    title: 'Caseworker',
    active: true,
    [enterpriseSchemaId]: { employeeNumber: String(i), department: departments[i % departments.length] },
  };
}

export interface SeedTarget {
  agencyId: string;
  holdingUnitId: string;
  sourceId: string;
  /** The built-in applications every new worker gets an account in. */
  applicationIds: string[];
}

const chunk = 20_000;

/** Writes users 0..count-1 as the agency's SCIM directory; returns the worker ids by index. */
export async function seedScimUsers(db: Database, target: SeedTarget, count: number, onProgress: (done: number) => void = () => {}): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += chunk) {
    const end = Math.min(count, start + chunk);
    const now = new Date().toISOString();
    const workers: WorkersTable[] = [];
    const workerHistory: WorkerHistoryTable[] = [];
    const accounts: AccountsTable[] = [];
    const accountHistory: AccountHistoryTable[] = [];
    const scimUsers: ScimUsersTable[] = [];
    for (let i = start; i < end; i += 1) {
      const id = newId();
      ids.push(id);
      const resource = normalizeResource(userResourceType, scimBenchBody(i));
      const fields = readUserFields(resource);
      workers.push({
        id, agency_id: target.agencyId, login_id: fields.loginId, login_key: fields.loginId.toLowerCase(), first_name: fields.firstName, last_name: fields.lastName,
        email: fields.email, unit_id: target.holdingUnitId, job_type: fields.jobType, supervisor_id: null, enabled: 1, hire_date: null, leave_start: null,
        leave_return: null, termination_date: null, source: 'scim', external_id: fields.externalId ?? id, source_id: target.sourceId, source_hash: null,
        version: 1, created_at: now, updated_at: now,
      });
      workerHistory.push({
        id: newId(), worker_id: id, valid_from: now, valid_to: null, enabled: 1, unit_id: target.holdingUnitId, job_type: fields.jobType,
        leave_start: null, leave_return: null, termination_date: null,
      });
      for (const applicationId of target.applicationIds) {
        const accountId = newId();
        accounts.push({
          id: accountId, worker_id: id, application_id: applicationId, agency_id: target.agencyId, unit_id: target.holdingUnitId, status: 'active',
          disabled_by: null, end_date: null, version: 1, created_at: now, updated_at: now,
        });
        accountHistory.push({ id: newId(), account_id: accountId, valid_from: now, valid_to: null, status: 'active', unit_id: target.holdingUnitId, end_date: null });
      }
      scimUsers.push({
        worker_id: id, agency_id: target.agencyId, external_id: fields.externalId, display_key: fields.displayKey, emails: fields.emailsText,
        resource: JSON.stringify(resource), version: 1, created_at: now, updated_at: now,
      });
    }
    await db.transaction().execute(async (trx) => {
      await bulkInsert(trx, 'workers', workers);
      await bulkInsert(trx, 'worker_history', workerHistory);
      await bulkInsert(trx, 'accounts', accounts);
      await bulkInsert(trx, 'account_history', accountHistory);
      await bulkInsert(trx, 'scim_users', scimUsers);
    });
    onProgress(end);
  }
  return ids;
}
