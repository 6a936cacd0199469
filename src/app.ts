import { OpenAPIHono } from '@hono/zod-openapi';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReconcileService } from './connectors/scim-client/reconcile.ts';
import type { Database, DatabaseKind } from './db/database.ts';
import { createEffectiveAccessService } from './domain/access/effective-access.service.ts';
import { createAccountService } from './domain/accounts/accounts.service.ts';
import { createNewWorkerQueue } from './domain/accounts/new-worker-queue.service.ts';
import { createAgencyService } from './domain/agencies/agencies.service.ts';
import { createApplicationService } from './domain/applications/applications.service.ts';
import { createAuditLog } from './domain/audit/audit.service.ts';
import { createTokenService } from './domain/auth/tokens.service.ts';
import { createConsoleSessionService } from './domain/console-users/console-sessions.service.ts';
import { createConsoleUserService } from './domain/console-users/console-users.service.ts';
import { createBeyondTemplateCounter } from './domain/dashboard/beyond-template.service.ts';
import { createDashboardService } from './domain/dashboard/dashboard.service.ts';
import { createFunctionService } from './domain/functions/functions.service.ts';
import { createTemplateService } from './domain/templates/templates.service.ts';
import { createUnitService } from './domain/units/units.service.ts';
import { createWorkerService } from './domain/workers/workers.service.ts';
import { createDirectoryImport } from './domain/workers/directory-import.service.ts';
import { createGrantService } from './domain/grants/grants.service.ts';
import { createWorkItemService } from './domain/work-items/work-items.service.ts';
import { createLeaverCaseService } from './domain/leavers/leaver-cases.service.ts';
import { createReassignmentService } from './domain/leavers/reassignment.service.ts';
import { createLifecycleReportService } from './domain/reports/lifecycle-report.service.ts';
import { createApprovalService } from './domain/approvals/approvals.service.ts';
import { createDelegationService } from './domain/approvals/delegations.service.ts';
import { createAssessmentService } from './domain/assessments/assessments.service.ts';
import { createAcknowledgmentService } from './domain/requests/acknowledgments.service.ts';
import { createRequestWorkflow } from './domain/requests/request-workflow.service.ts';
import { createRequestService } from './domain/requests/requests.service.ts';
import { consoleFeatures } from './console/features.ts';
import { createConsole } from './console/console.tsx';
import type { ConsoleSettings } from './console/env.ts';
import { createCoverageService } from './domain/lifecycle/coverage.service.ts';
import { createExceptionActivation } from './domain/lifecycle/exception-activation.ts';
import { createExceptionService } from './domain/lifecycle/exceptions.service.ts';
import { createLeaveService } from './domain/lifecycle/leave.service.ts';
import { createMoverService } from './domain/lifecycle/mover.service.ts';
import { createInboxService } from './domain/requests/inbox.service.ts';
import { createNotifier } from './domain/notifications/notifier.ts';
import { createReminderService } from './domain/notifications/reminders.service.ts';
import type { AppEnv } from './http/env.ts';
import { createErrorHandler, errorBody } from './http/error-handler.ts';
import { authenticate } from './http/middleware/authenticate.ts';
import { jsonBody } from './http/middleware/json-body.ts';
import { requestId } from './http/middleware/request-id.ts';
import { createAccessRoutes } from './http/routes/access.routes.ts';
import { createAccountRoutes } from './http/routes/accounts.routes.ts';
import { createAgencyRoutes } from './http/routes/agencies.routes.ts';
import { createApplicationRoutes } from './http/routes/applications.routes.ts';
import { createAuditRoutes } from './http/routes/audit.routes.ts';
import { createDeliveryRoutes } from './http/routes/deliveries.routes.ts';
import { createGrantRoutes } from './http/routes/grants.routes.ts';
import { createHealthRoutes } from './http/routes/health.routes.ts';
import { createSyncRoutes } from './http/routes/sync.routes.ts';
import { createTokenRoutes } from './http/routes/tokens.routes.ts';
import { createTemplateRoutes } from './http/routes/templates.routes.ts';
import { createUnitRoutes } from './http/routes/units.routes.ts';
import { createWorkerRoutes } from './http/routes/workers.routes.ts';
import { createWorkItemRoutes } from './http/routes/work-items.routes.ts';
import { createApprovalRoutes } from './http/routes/approvals.routes.ts';
import { createDelegationRoutes } from './http/routes/delegations.routes.ts';
import { createAssessmentRoutes } from './http/routes/assessments.routes.ts';
import { createRequestRoutes } from './http/routes/requests.routes.ts';
import { createLeaverRoutes } from './http/routes/leavers.routes.ts';
import { createReportRoutes } from './http/routes/reports.routes.ts';
import { createLifecycleRoutes } from './http/routes/lifecycle.routes.ts';
import { createCoverageRoutes } from './http/routes/coverage.routes.ts';
import { createDeliveryService } from './outbox/deliveries.service.ts';
import { createLeases } from './scheduler/leases.ts';
import { createScimGroupService } from './scim/groups/scim-groups.service.ts';
import { createScimRoutes } from './scim/scim.routes.ts';
import { createScimTokenService } from './scim/tokens/scim-tokens.service.ts';
import { createScimUserService } from './scim/users/scim-users.service.ts';
import type { Clock } from './shared/clock.ts';
import { AppError } from './shared/errors.ts';
import type { Logger } from './shared/logger.ts';
import { createSyncService, defaultSyncSettings } from './sync/engine/sync.service.ts';
import { createSourceService } from './sync/sources/sources.service.ts';

export interface AppDeps {
  db: Database;
  dbKind: DatabaseKind;
  clock: Clock;
  logger: Logger;
  /** Where Gatehouse keeps files (sync plans); a temporary folder when not given. */
  dataDir?: string;
  /** Reads a secret a connector config names by environment variable (`tokenEnv`); none when not given. */
  secret?: (name: string) => string | undefined;
  /** The address links in notification emails point to (GATEHOUSE_PUBLIC_URL); http://localhost:8080 when not given. */
  publicUrl?: string;
  /** The web console's public address and single sign-on; by default http://localhost without SSO. */
  console?: ConsoleSettings;
}

/** Every service, wired by hand: each factory gets exactly the dependencies it names. */
export function createServices(deps: AppDeps) {
  const { db, clock } = deps;
  const audit = createAuditLog({ db, clock });
  const tokens = createTokenService({ db, clock, audit });
  const agencies = createAgencyService({ db, clock, audit });
  const units = createUnitService({ db, clock, audit });
  const applications = createApplicationService({ db, clock, audit });
  const functions = createFunctionService({ db, clock, audit });
  const templates = createTemplateService({ db, clock, audit });
  const accounts = createAccountService({ db, clock, audit });
  const workItems = createWorkItemService({ db, clock, audit });
  const leavers = createLeaverCaseService({ db, clock, audit, accounts });
  const reassignments = createReassignmentService({ db, clock, audit, cases: leavers, workItems });
  const reports = createLifecycleReportService({ db, clock });
  const workers = createWorkerService({ db, clock, audit, accounts, leavers });
  const directoryImport = createDirectoryImport({ db, clock, audit, accounts, leavers });
  const grants = createGrantService({ db, clock, audit });
  const access = createEffectiveAccessService({ db, clock });
  const approvals = createApprovalService({ db, clock, audit });
  const delegations = createDelegationService({ db, clock, audit });
  const exceptionActivation = createExceptionActivation({ clock, audit, grants });
  const notifier = createNotifier({ clock, publicUrl: deps.publicUrl ?? 'http://localhost:8080' });
  const reminders = createReminderService({ db, clock, notifier });
  const requestWorkflow = createRequestWorkflow({ db, clock, audit, approvals, grants, accounts, notifier, onProvisioned: [exceptionActivation.onRequestProvisioned] });
  const requests = createRequestService({ db, clock, audit, workflow: requestWorkflow });
  const inbox = createInboxService({ db, clock, workflow: requestWorkflow });
  const assessments = createAssessmentService({ db, clock, audit, requests });
  const acknowledgments = createAcknowledgmentService({ db, clock, audit });
  const movers = createMoverService({ db, clock, audit, grants, requests });
  const exceptions = createExceptionService({ db, clock, audit, requests });
  const coverage = createCoverageService({ db, clock, audit, grants });
  const leaves = createLeaveService({ db, clock, audit, accounts, grants, requests, coverage });
  const leases = createLeases({ db, clock });
  const sources = createSourceService({ db, clock, audit });
  const syncSettings = { ...defaultSyncSettings, planDir: join(deps.dataDir ?? join(tmpdir(), 'gatehouse'), 'sync-plans') };
  const sync = createSyncService({ db, clock, audit, leavers, leases, sources, settings: syncSettings });
  const deliveries = createDeliveryService({ db, clock, audit });
  const scimTokens = createScimTokenService({ db, clock, audit });
  const scimUsers = createScimUserService({ db, dbKind: deps.dbKind, clock, audit, accounts, leavers });
  const scimGroups = createScimGroupService({ db, dbKind: deps.dbKind, clock, audit });
  const reconcile = createReconcileService({ db, clock, audit, secret: deps.secret ?? (() => undefined) });
  const consoleUsers = createConsoleUserService({ db, clock, audit });
  const consoleSessions = createConsoleSessionService({ db, clock, audit });
  const dashboard = createDashboardService({ db, clock, reports });
  const beyondTemplate = createBeyondTemplateCounter({ db, clock });
  const newWorkers = createNewWorkerQueue({ db });
  return {
    consoleUsers, consoleSessions, dashboard, beyondTemplate, newWorkers, audit, tokens, agencies, units, workers, directoryImport, applications, functions, templates, accounts, grants,
    workItems, leavers, reassignments, reports, access, approvals, delegations, requests, inbox, assessments, acknowledgments, reminders, movers, exceptions, coverage, leaves, leases,
    sources, sync, deliveries, reconcile, scimTokens, scimUsers, scimGroups,
  };
}

export type Services = ReturnType<typeof createServices>;

/** The largest API request body read: far above any call the API takes, far below what would strain memory. */
const maxApiBodyBytes = 1024 * 1024;

export function createApp(deps: AppDeps, services: Services = createServices(deps)) {
  const app = new OpenAPIHono<AppEnv>();
  app.use('*', requestId());
  app.onError(createErrorHandler(deps.logger));
  app.notFound((c) => c.json(errorBody(new AppError('route.not_found', `No route ${c.req.method} ${c.req.path}. See /openapi.json for the API.`), c.get('requestId')), 404));

  app.route('/', createHealthRoutes({ db: deps.db }));

  const api = new OpenAPIHono<AppEnv>();
  api.use('*', authenticate(services.tokens));
  api.use('*', jsonBody(maxApiBodyBytes, () => new AppError('request.too_large', `The request body is larger than ${maxApiBodyBytes} bytes. Send less in one call; a directory of workers loads through a sync source or \`gatehouse directory import\`.`)));
  api.route('/', createAgencyRoutes(services));
  api.route('/', createUnitRoutes(services));
  api.route('/', createWorkerRoutes(services));
  api.route('/', createApplicationRoutes(services));
  api.route('/', createTemplateRoutes(services));
  api.route('/', createAccountRoutes(services));
  api.route('/', createAuditRoutes(services));
  api.route('/', createGrantRoutes(services));
  api.route('/', createWorkItemRoutes(services));
  api.route('/', createAccessRoutes(services));
  api.route('/', createApprovalRoutes(services));
  api.route('/', createDelegationRoutes(services));
  api.route('/', createRequestRoutes(services));
  api.route('/', createAssessmentRoutes(services));
  api.route('/', createLifecycleRoutes(services));
  api.route('/', createCoverageRoutes(services));
  api.route('/', createSyncRoutes(services));
  api.route('/', createDeliveryRoutes(services));
  api.route('/', createTokenRoutes(services));
  api.route('/', createLeaverRoutes(services));
  api.route('/', createReportRoutes(services));
  app.route('/api/v1', api);
  // SCIM has its own tokens, media type and error format: it is not under /api/v1's authentication.
  app.route('/scim/v2', createScimRoutes(services, deps.logger));
  // The console comes last: its pages answer only what the API and SCIM did not.
  app.route('/', createConsole(services, deps.console ?? { publicUrl: 'http://localhost', oidc: null }, deps.logger, consoleFeatures()));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', description: 'An API token from `gatehouse token create`.' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Gatehouse API', version: '1', description: 'Account provisioning and access governance. Every error is `{"error":{"code","message","details","requestId"}}`.' },
  });
  return { app, services };
}
