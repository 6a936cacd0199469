import { z } from '@hono/zod-openapi';
import { auditEventSchema, chainVerificationSchema } from '../../domain/audit/audit.schemas.ts';
import type { AuditLog } from '../../domain/audit/audit.service.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { idSchema, jsonResponse, pageOf, pageQueryShape } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const tags = ['Audit'];

const listEventsRoute = createBearerRoute(tags, {
  method: 'get', path: '/audit/events',
  summary: 'Search the audit log, newest first (auditors, state administrators)',
  request: {
    query: z.strictObject({
      ...pageQueryShape,
      agencyId: idSchema.optional(),
      subjectType: z.string().trim().max(50).optional(),
      subjectId: z.string().trim().max(100).optional(),
      action: z.string().trim().max(100).optional(),
    }),
  },
  responses: { 200: jsonResponse(pageOf(auditEventSchema, 'AuditEventPage'), 'A page of events') },
});

const verifyRoute = createBearerRoute(tags, {
  method: 'get', path: '/audit/verify',
  summary: 'Verify the whole hash chain and report the first broken link',
  responses: { 200: jsonResponse(chainVerificationSchema, 'The chain status') },
});

export function createAuditRoutes(deps: { audit: AuditLog }) {
  return createRouter()
    .openapi(listEventsRoute, async (c) => c.json(await deps.audit.list(c.get('ctx'), c.req.valid('query')), 200))
    .openapi(verifyRoute, async (c) => c.json(await deps.audit.verifyFor(c.get('ctx')), 200));
}
