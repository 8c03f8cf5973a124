// /admin/*: administrators only (403 FORBIDDEN for everyone else, on every route, before any input is used).
import type { Request } from 'express';
import { z } from 'zod';
import {
  AdminDeleteUserBody,
  AdminRoomPatchBody,
  AdminRoomSchema,
  AdminRoomsQuery,
  AdminSettingsBody,
  AdminSettingsSchema,
  AdminUserPatchBody,
  AdminUserSchema,
  AdminUsersQuery,
  AuditEntrySchema,
  AuditQuery,
  CreateInviteBody,
  InviteSchema,
  PasswordResetLinkSchema,
  ServerStatusSchema,
} from '../../protocol/admin.js';
import { IdParams, LIMITS } from '../../protocol/schemas.js';
import { defineRoute, type RouteContext, type RouteSpec } from '../http/route.js';
import type { AdminService, Actor } from './admin.service.js';

const tag = 'Admin';

/** The address the client used, for links handed out when PUBLIC_URL is not set. */
function origin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

export function adminRoutes(admin: AdminService): RouteSpec[] {
  /** Every handler starts here: the role check, then the actor for the audit log. */
  const actor = (ctx: Pick<RouteContext<unknown, unknown, unknown>, 'principal' | 'address'>): Actor => {
    admin.requireAdmin(ctx.principal);
    return { principal: ctx.principal, address: ctx.address };
  };
  return [
    defineRoute({
      method: 'get',
      path: '/admin/users',
      tag,
      auth: true,
      role: 'admin',
      summary: 'Every account (any status), newest first; q searches username, display name and email by prefix',
      query: AdminUsersQuery,
      responses: [{ status: 200, description: 'Users', schema: z.array(AdminUserSchema) }],
      handler: async (ctx) => {
        actor(ctx);
        return { body: await admin.listUsers(ctx.query.q, ctx.query.limit ?? LIMITS.pageDefault, ctx.query.before) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/admin/users/:id',
      tag,
      auth: true,
      role: 'admin',
      summary: 'Disable or enable an account (disabling ends its sessions and sockets at once), or change its server role',
      params: IdParams,
      body: AdminUserPatchBody,
      responses: [{ status: 200, description: 'The user', schema: AdminUserSchema }],
      handler: async (ctx) => ({ body: await admin.patchUser(actor(ctx), ctx.params.id, ctx.body) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/admin/users/:id',
      tag,
      auth: true,
      role: 'admin',
      summary:
        'Delete an account: sessions end (ACCOUNT_DELETED), the profile and files are erased, messages kept with a deleted-user sender or recalled; 403 on oneself and on the last administrator',
      params: IdParams,
      body: AdminDeleteUserBody,
      responses: [{ status: 204, description: 'Deleted' }],
      handler: async (ctx) => {
        await admin.deleteUser(actor(ctx), ctx.params.id, ctx.body.messages ?? 'keep');
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/admin/users/:id/revoke-sessions',
      tag,
      auth: true,
      role: 'admin',
      summary: 'End every session of the user now (SESSION_REVOKED)',
      params: IdParams,
      responses: [{ status: 200, description: 'How many sessions ended', schema: z.object({ revoked: z.number().int() }) }],
      handler: async (ctx) => ({ body: { revoked: await admin.revokeSessions(actor(ctx), ctx.params.id) } }),
    }),
    defineRoute({
      method: 'post',
      path: '/admin/users/:id/password-reset',
      tag,
      auth: true,
      role: 'admin',
      summary: 'A one-time password-reset link to hand to the user (PASSWORD_RESET_TTL, default 1 h)',
      params: IdParams,
      responses: [{ status: 201, description: 'The link', schema: PasswordResetLinkSchema }],
      handler: async (ctx) => ({ status: 201, body: await admin.passwordResetLink(actor(ctx), ctx.params.id, origin(ctx.req)) }),
    }),
    defineRoute({
      method: 'get',
      path: '/admin/rooms',
      tag,
      auth: true,
      role: 'admin',
      summary: 'Every live room (group and direct), newest first; q searches the name by prefix',
      query: AdminRoomsQuery,
      responses: [{ status: 200, description: 'Rooms', schema: z.array(AdminRoomSchema) }],
      handler: async (ctx) => {
        actor(ctx);
        return { body: await admin.listRooms(ctx.query.q, ctx.query.limit ?? LIMITS.pageDefault, ctx.query.before) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/admin/rooms/:id',
      tag,
      auth: true,
      role: 'admin',
      summary: 'Archive or unarchive a room (archived rooms are read-only), or hand it to another member',
      params: IdParams,
      body: AdminRoomPatchBody,
      responses: [{ status: 200, description: 'The room', schema: AdminRoomSchema }],
      handler: async (ctx) => ({ body: await admin.patchRoom(actor(ctx), ctx.params.id, ctx.body) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/admin/rooms/:id',
      tag,
      auth: true,
      role: 'admin',
      summary: 'Delete a room, as its owner would',
      params: IdParams,
      responses: [{ status: 204, description: 'Deleted' }],
      handler: async (ctx) => {
        await admin.deleteRoom(actor(ctx), ctx.params.id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/admin/settings',
      tag,
      auth: true,
      role: 'admin',
      summary: 'Server settings',
      responses: [{ status: 200, description: 'Settings', schema: AdminSettingsSchema }],
      handler: async (ctx) => {
        actor(ctx);
        return { body: await admin.settings() };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/admin/settings',
      tag,
      auth: true,
      role: 'admin',
      summary: 'Change server settings (registration mode, room-owner invites), for every node at once',
      body: AdminSettingsBody,
      responses: [{ status: 200, description: 'Settings', schema: AdminSettingsSchema }],
      handler: async (ctx) => ({ body: await admin.updateSettings(actor(ctx), ctx.body) }),
    }),
    defineRoute({
      method: 'get',
      path: '/admin/invites',
      tag,
      auth: true,
      role: 'admin',
      summary: 'Invites not revoked, newest first',
      responses: [{ status: 200, description: 'Invites', schema: z.array(InviteSchema) }],
      handler: async (ctx) => {
        actor(ctx);
        return { body: await admin.invites() };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/admin/invites',
      tag,
      auth: true,
      role: 'admin',
      summary: 'Create an invite code (optional expiry, use count and rooms the new account joins)',
      body: CreateInviteBody,
      responses: [{ status: 201, description: 'The invite', schema: InviteSchema }],
      handler: async (ctx) => ({ status: 201, body: await admin.createInvite(actor(ctx), ctx.body) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/admin/invites/:id',
      tag,
      auth: true,
      role: 'admin',
      summary: 'Revoke an invite',
      params: IdParams,
      responses: [{ status: 204, description: 'Revoked' }],
      handler: async (ctx) => {
        await admin.revokeInvite(actor(ctx), ctx.params.id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/admin/audit',
      tag,
      auth: true,
      role: 'admin',
      summary: 'The audit log of administrator actions, newest first',
      query: AuditQuery,
      responses: [{ status: 200, description: 'Entries', schema: z.array(AuditEntrySchema) }],
      handler: async (ctx) => {
        actor(ctx);
        return { body: await admin.auditLog(ctx.query.limit ?? LIMITS.pageDefault, ctx.query.before) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/admin/status',
      tag,
      auth: true,
      role: 'admin',
      summary: 'Version, uptime, connected users and sockets, database and Redis health',
      responses: [{ status: 200, description: 'Status', schema: ServerStatusSchema }],
      handler: async (ctx) => {
        actor(ctx);
        return { body: await admin.status() };
      },
    }),
  ];
}
