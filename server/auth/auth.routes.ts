import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  AuthResultSchema,
  ChangePasswordBody,
  IdParams,
  LoginBody,
  LogoutBody,
  RefreshBody,
  RegisterBody,
  SessionInfoSchema,
} from '../../protocol/schemas.js';
import { defineRoute, type RouteSpec } from '../http/route.js';
import type { AuthService } from './auth.service.js';
import type { AuthResult } from '../../protocol/types.js';
import { AuthConfigSchema, PasswordResetBody } from '../../protocol/admin.js';
import type { AdminService } from '../admin/admin.service.js';

// The web client keeps its refresh token in an HttpOnly cookie so page scripts never see it. It opts in with this
// header: a custom header forces a CORS preflight (and is not in the allowed headers), so a cross-site form or
// script cannot drive these endpoints with the victim's cookie. Without the header nothing changes for other clients.
const COOKIE_HEADER = 'x-session-cookie';
const COOKIE_NAME = 'messenger_refresh';
const COOKIE_PATH = '/api/auth';

function wantsCookie(req: Request): boolean {
  return req.headers[COOKIE_HEADER] === '1';
}

/** The refresh token from the Cookie header (parsed by hand: one cookie, no need for cookie-parser). */
export function readRefreshCookie(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== COOKIE_NAME) continue;
    const value = part.slice(eq + 1).trim();
    // Our tokens are URL-safe; anything else is not ours, so it is ignored rather than decoded.
    return /^[A-Za-z0-9_.~-]{1,256}$/.test(value) ? value : undefined;
  }
  return undefined;
}

function setRefreshCookie(req: Request, res: Response, token: string, maxAgeSeconds: number): void {
  const attrs = [`${COOKIE_NAME}=${token}`, 'HttpOnly', 'SameSite=Strict', `Path=${COOKIE_PATH}`, `Max-Age=${maxAgeSeconds}`];
  if (req.secure) attrs.push('Secure');
  res.append('Set-Cookie', attrs.join('; '));
}

function clearRefreshCookie(req: Request, res: Response): void {
  setRefreshCookie(req, res, '', 0);
}

/** With the opt-in header, move the refresh token from the body into the cookie. */
function deliver(req: Request, res: Response, result: AuthResult, ttlSeconds: number): AuthResult {
  if (!wantsCookie(req)) return result;
  setRefreshCookie(req, res, result.refreshToken, ttlSeconds);
  return { ...result, refreshToken: '' };
}

/** The body's token wins; the cookie is read only when the client opted in with the header. */
function presentedToken(req: Request, fromBody: string | undefined): string | undefined {
  return fromBody ?? (wantsCookie(req) ? readRefreshCookie(req) : undefined);
}

const tag = 'Auth';

export function authRoutes(auth: AuthService, admin: AdminService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/auth/config',
      tag,
      auth: false,
      summary: 'What the login screen needs: the registration mode and whether email features are on',
      responses: [{ status: 200, description: 'Config', schema: AuthConfigSchema }],
      handler: async () => ({
        body: { registration: await admin.registrationMode(), emailEnabled: false, roomOwnerInvites: await admin.roomOwnerInvites() },
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/password-reset',
      tag,
      auth: false,
      summary: "Set a new password with a one-time reset link's token; every session of the account ends",
      body: PasswordResetBody,
      responses: [{ status: 204, description: 'Password changed; log in with it' }],
      handler: async ({ body, address }) => {
        await auth.resetPassword(body.token, body.newPassword, address);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/register',
      tag,
      auth: false,
      summary: 'Create an account and a first session',
      body: RegisterBody,
      responses: [{ status: 201, description: 'Registered', schema: AuthResultSchema }],
      handler: async ({ req, res, body, address }) => ({
        status: 201,
        body: deliver(req, res, await auth.register(body, address), auth.refreshTtlSeconds),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/login',
      tag,
      auth: false,
      summary: 'Log in with username or email',
      body: LoginBody,
      responses: [{ status: 200, description: 'Logged in', schema: AuthResultSchema }],
      handler: async ({ req, res, body, address }) => ({
        body: deliver(req, res, await auth.login(body, address), auth.refreshTtlSeconds),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/refresh',
      tag,
      auth: false,
      summary: 'Rotate a refresh token into a new session token pair',
      body: RefreshBody,
      responses: [{ status: 200, description: 'New tokens; the presented refresh token is spent', schema: AuthResultSchema }],
      handler: async ({ req, res, body }) => {
        try {
          return { body: deliver(req, res, await auth.refresh(presentedToken(req, body.refreshToken)), auth.refreshTtlSeconds) };
        } catch (err) {
          // A dead cookie is useless; drop it so the browser stops presenting it.
          if (wantsCookie(req)) clearRefreshCookie(req, res);
          throw err;
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout',
      tag,
      auth: true,
      summary: 'Revoke this session',
      body: LogoutBody,
      responses: [{ status: 204, description: 'Revoked' }],
      handler: async ({ req, res, body, principal }) => {
        await auth.logout(principal, presentedToken(req, body.refreshToken));
        if (wantsCookie(req)) clearRefreshCookie(req, res);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth/sessions',
      tag,
      auth: true,
      summary: 'List my active sessions',
      responses: [{ status: 200, description: 'Sessions', schema: z.array(SessionInfoSchema) }],
      handler: async ({ principal }) => ({ body: await auth.listSessions(principal) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/auth/sessions/:id',
      tag,
      auth: true,
      summary: 'Revoke one of my sessions',
      params: IdParams,
      responses: [{ status: 204, description: 'Revoked' }],
      handler: async ({ params, principal }) => {
        await auth.revokeSession(principal, params.id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/users/me/password',
      tag: 'Users',
      auth: true,
      summary: 'Change my password (ends my other sessions)',
      body: ChangePasswordBody,
      responses: [{ status: 204, description: 'Changed' }],
      handler: async ({ body, principal }) => {
        await auth.changePassword(principal, body.currentPassword, body.newPassword);
        return { status: 204 };
      },
    }),
  ];
}
