// /api/openapi.json, generated from the very schemas the routes validate with.
import { z } from 'zod';
import { ErrorResponseSchema } from '../../protocol/schemas.js';
import type { RouteSpec } from './route.js';

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete out['$schema'];
  return out;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = schemaOf(schema, 'input');
  const properties = (json['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json['required'] ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => ({ name, in: where, required: where === 'path' || required.has(name), schema: s }));
}

export function buildOpenApi(routes: readonly RouteSpec[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const error = schemaOf(ErrorResponseSchema, 'output');
  for (const r of routes) {
    const path = '/api' + r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const responses: Record<string, JsonSchema> = {};
    for (const res of r.responses) {
      responses[String(res.status)] = res.schema
        ? { description: res.description, content: { 'application/json': { schema: schemaOf(res.schema, 'output') } } }
        : { description: res.description };
    }
    responses['default'] = { description: 'Error', content: { 'application/json': { schema: error } } };
    const op: JsonSchema = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method}${r.path.replace(/[/:]+([a-zA-Z])/g, (_, c: string) => c.toUpperCase())}`,
      parameters: [...parametersOf(r.params, 'path'), ...parametersOf(r.query, 'query')],
      responses,
    };
    if (r.body) op['requestBody'] = { required: true, content: { 'application/json': { schema: schemaOf(r.body, 'input') } } };
    if (r.auth) op['security'] = [{ bearer: [] }];
    (paths[path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Messenger API', version, description: 'REST half of the messenger protocol (see docs/PROTOCOL.md).' },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}
