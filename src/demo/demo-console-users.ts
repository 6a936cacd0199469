import type { Services } from '../app.ts';
import type { Role } from '../db/schema.ts';
import type { RequestContext } from '../domain/auth/actor.ts';
import { AppError } from '../shared/errors.ts';

/** Every demo console user signs in with this password; demo mode only. */
export const demoPassword = 'gatehouse-demo';

export interface DemoConsoleUser {
  login: string;
  role: Role;
  /** What the user finds on signing in. */
  finds: string;
}

interface Planned extends DemoConsoleUser {
  name: string;
  agency: boolean;
  /** Which demo worker the user is, if any. */
  worker?: () => Promise<string | undefined>;
}

/**
 * Creates (once) a console user per role in the demo's first agency, linked to demo workers where
 * the role acts as a person: two coordinators, since nobody approves their own request.
 */
export async function ensureDemoConsoleUsers(services: Services, ctx: RequestContext, agencyCode: string): Promise<DemoConsoleUser[]> {
  const agency = await services.agencies.resolve(ctx, agencyCode);
  const units = (await services.units.list(ctx, agency.id, { limit: 500 })).items;
  const intake = units.find((u) => u.code === 'C10');
  const clerks = (await services.workers.list(ctx, agency.id, { jobType: 'clerk', enabled: true, limit: 2 })).items;
  const caseworker = async () => (await services.workers.list(ctx, agency.id, { unitId: units.find((u) => u.code === 'C11')?.id, jobType: 'cps_caseworker', enabled: true, limit: 1 })).items[0]?.id;
  const prefix = agency.code.toLowerCase();
  const planned: Planned[] = [
    { login: `${prefix}-lan-admin`, name: `${agency.code} LAN administrator`, role: 'lan_admin', agency: true, finds: 'the workers list: register, change, disable, record departures' },
    { login: `${prefix}-coordinator`, name: `${agency.code} security coordinator`, role: 'security_coordinator', agency: true, worker: () => Promise.resolve(clerks[0]?.id), finds: 'the queue of new workers to assess and requests in flight' },
    { login: `${prefix}-coordinator-2`, name: `${agency.code} second security coordinator`, role: 'security_coordinator', agency: true, worker: () => Promise.resolve(clerks[1]?.id), finds: 'the same queues; approves what the first coordinator requested' },
    { login: `${prefix}-supervisor`, name: `${agency.code} CPS Intake supervisor`, role: 'worker', agency: true, worker: () => Promise.resolve(intake?.approverWorkerId ?? undefined), finds: 'approvals waiting for them (supervisor and unit approver of C10)' },
    { login: `${prefix}-worker`, name: `${agency.code} CPS caseworker`, role: 'worker', agency: true, worker: caseworker, finds: 'their own access and requests' },
    { login: `${prefix}-auditor`, name: `${agency.code} auditor`, role: 'auditor', agency: true, finds: 'the audit log, chain verification, access on a date, CSV export' },
    { login: 'state-admin', name: 'State administrator', role: 'state_admin', agency: false, finds: 'the dashboard of any agency' },
  ];
  for (const user of planned) {
    const workerId = (await user.worker?.()) ?? null;
    try {
      await services.consoleUsers.create(ctx, {
        login: user.login, name: user.name, email: null, password: demoPassword, oidcSubject: null, role: user.role, agencyId: user.agency ? agency.id : null, workerId,
      });
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'console_user.duplicate')) throw error;
    }
  }
  return planned.map(({ login, role, finds }) => ({ login, role, finds }));
}
