// A route is declared once: its schemas validate the request here and document it in /api/openapi.json.
import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import { AppError, parseOrThrow } from '../errors.js';
import type { Principal } from '../auth/auth.service.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteContext<B, Q, P> {
  req: Request;
  res: Response;
  body: B;
  query: Q;
  params: P;
  /** Set on authenticated routes. */
  principal: Principal;
  address: string;
}

export interface Reply {
  status?: number;
  body?: unknown;
  /** The handler wrote the response itself (a file download). */
  streamed?: boolean;
}

export interface RouteSpec<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, P extends z.ZodType = z.ZodType> {
  method: Method;
  /** Express-style path under /api, e.g. /rooms/:id */
  path: string;
  summary: string;
  tag: string;
  auth: boolean;
  body?: B;
  query?: Q;
  params?: P;
  responses: { status: number; description: string; schema?: z.ZodType }[];
  handler(ctx: RouteContext<z.output<B>, z.output<Q>, z.output<P>>): Promise<Reply>;
}

/** Keeps the generic types of each route while collecting them in one list. */
export function defineRoute<
  B extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  P extends z.ZodType = z.ZodUndefined,
>(spec: RouteSpec<B, Q, P>): RouteSpec {
  return spec as unknown as RouteSpec;
}

export type Authenticate = (req: Request) => Promise<Principal>;

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

export function mountRoutes(router: Router, routes: readonly RouteSpec[], authenticate: Authenticate): void {
  for (const route of routes) {
    router[route.method](route.path, async (req: Request, res: Response) => {
      const principal = route.auth ? await authenticate(req) : (undefined as unknown as Principal);
      if (route.body && hasBody(req) && !req.is('application/json')) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'the request body must be application/json');
      }
      const params = route.params ? parseOrThrow(route.params, { ...req.params }) : undefined;
      const query = route.query ? parseOrThrow(route.query, { ...(req.query as object) }) : undefined;
      if (route.body && (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body))) {
        throw new AppError('VALIDATION_FAILED', 'the request body must be a JSON object', {
          details: [{ path: '', message: 'must be a JSON object' }],
        });
      }
      const body = route.body ? parseOrThrow(route.body, req.body) : undefined;
      const reply = await route.handler({ req, res, body, query, params, principal, address: req.ip ?? 'unknown' });
      if (reply.streamed) return;
      const status = reply.status ?? 200;
      if (reply.body === undefined) res.status(status).end();
      else res.status(status).json(reply.body);
    });
  }
}
