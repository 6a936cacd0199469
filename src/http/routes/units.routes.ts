import { z } from '@hono/zod-openapi';
import { createUnitSchema, setApproverSchema, unitSchema, updateUnitSchema } from '../../domain/units/units.schemas.ts';
import type { UnitService } from '../../domain/units/units.service.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { agencyParamSchema, idParamSchema, idSchema, jsonBody, jsonResponse, pageOf, pageQueryShape } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const tags = ['Units'];

const createUnitRoute = createBearerRoute(tags, {
  method: 'post', path: '/agencies/{agencyId}/units',
  summary: "Create a unit in the agency's unit tree (LAN and state administrators)",
  request: { params: agencyParamSchema, body: jsonBody(createUnitSchema) },
  responses: { 201: jsonResponse(unitSchema, 'The new unit') },
});

const listUnitsRoute = createBearerRoute(tags, {
  method: 'get', path: '/agencies/{agencyId}/units',
  summary: "List an agency's units by code, optionally only those directly beneath one unit",
  request: {
    params: agencyParamSchema,
    query: z.strictObject({
      ...pageQueryShape,
      parentId: idSchema.optional().openapi({ param: { name: 'parentId', in: 'query' }, description: 'Only the units directly beneath this one.' }),
    }),
  },
  responses: { 200: jsonResponse(pageOf(unitSchema, 'UnitPage'), 'A page of units') },
});

const getUnitRoute = createBearerRoute(tags, {
  method: 'get', path: '/units/{id}',
  summary: 'Get one unit',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(unitSchema, 'The unit') },
});

const updateUnitRoute = createBearerRoute(tags, {
  method: 'patch', path: '/units/{id}',
  summary: 'Rename a unit or move it elsewhere in the tree; the N01 holding unit keeps its code and place',
  request: { params: idParamSchema, body: jsonBody(updateUnitSchema) },
  responses: { 200: jsonResponse(unitSchema, 'The unit as changed') },
});

const deleteUnitRoute = createBearerRoute(tags, {
  method: 'delete', path: '/units/{id}',
  summary: 'Delete a unit nothing refers to (not the N01 holding unit, not one with sub-units or history)',
  request: { params: idParamSchema },
  responses: { 204: { description: 'Deleted' } },
});

const setApproverRoute = createBearerRoute(tags, {
  method: 'put', path: '/units/{id}/approver',
  summary: "Name the unit's approver: an enabled worker of the same agency",
  request: { params: idParamSchema, body: jsonBody(setApproverSchema) },
  responses: { 200: jsonResponse(unitSchema, 'The unit with its approver') },
});

const clearApproverRoute = createBearerRoute(tags, {
  method: 'delete', path: '/units/{id}/approver',
  summary: "Remove the unit's approver",
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(unitSchema, 'The unit without an approver') },
});

export function createUnitRoutes(deps: { units: UnitService }) {
  return createRouter()
    .openapi(createUnitRoute, async (c) => c.json(await deps.units.create(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('json')), 201))
    .openapi(listUnitsRoute, async (c) => c.json(await deps.units.list(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('query')), 200))
    .openapi(getUnitRoute, async (c) => c.json(await deps.units.get(c.get('ctx'), c.req.valid('param').id), 200))
    .openapi(updateUnitRoute, async (c) => c.json(await deps.units.update(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(deleteUnitRoute, async (c) => {
      await deps.units.remove(c.get('ctx'), c.req.valid('param').id);
      return c.body(null, 204);
    })
    .openapi(setApproverRoute, async (c) => c.json(await deps.units.setApprover(c.get('ctx'), c.req.valid('param').id, c.req.valid('json').workerId), 200))
    .openapi(clearApproverRoute, async (c) => c.json(await deps.units.clearApprover(c.get('ctx'), c.req.valid('param').id), 200));
}
