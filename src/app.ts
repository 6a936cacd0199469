import { OpenAPIHono } from '@hono/zod-openapi';
import type { Database, DatabaseKind } from './db/database.ts';
import { createAgencyService } from './domain/agencies/agencies.service.ts';
import { createAuditLog } from './domain/audit/audit.service.ts';
import { createTokenService } from './domain/auth/tokens.service.ts';
import type { AppEnv } from './http/env.ts';
import { createErrorHandler, errorBody } from './http/error-handler.ts';
import { authenticate } from './http/middleware/authenticate.ts';
import { requestId } from './http/middleware/request-id.ts';
import { createAgencyRoutes } from './http/routes/agencies.routes.ts';
import { createHealthRoutes } from './http/routes/health.routes.ts';
import type { Clock } from './shared/clock.ts';
import { AppError } from './shared/errors.ts';
import type { Logger } from './shared/logger.ts';

export interface AppDeps {
  db: Database;
  dbKind: DatabaseKind;
  clock: Clock;
  logger: Logger;
}

/** Every service, wired by hand: each factory gets exactly the dependencies it names. */
export function createServices(deps: AppDeps) {
  const { db, clock } = deps;
  const audit = createAuditLog({ db, clock });
  const tokens = createTokenService({ db, clock, audit });
  const agencies = createAgencyService({ db, clock, audit });
  return { audit, tokens, agencies };
}

export type Services = ReturnType<typeof createServices>;

export function createApp(deps: AppDeps, services: Services = createServices(deps)) {
  const app = new OpenAPIHono<AppEnv>();
  app.use('*', requestId());
  app.onError(createErrorHandler(deps.logger));
  app.notFound((c) => c.json(errorBody(new AppError('route.not_found', `No route ${c.req.method} ${c.req.path}. See /openapi.json for the API.`), c.get('requestId')), 404));

  app.route('/', createHealthRoutes({ db: deps.db }));

  const api = new OpenAPIHono<AppEnv>();
  api.use('*', authenticate(services.tokens));
  api.route('/', createAgencyRoutes(services));
  app.route('/api/v1', api);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', description: 'An API token from `gatehouse token create`.' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Gatehouse API', version: '1', description: 'Account provisioning and access governance. Every error is `{"error":{"code","message","details","requestId"}}`.' },
  });
  return { app, services };
}
