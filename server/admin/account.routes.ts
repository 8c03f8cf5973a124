// Routes of administration that ordinary users reach: deleting one's own account, and a room owner's invites
// (when the server allows them). docs/PROTOCOL.md "Administration".
import { z } from 'zod';
import { CreateRoomInviteBody, DeleteMeBody, InviteSchema, RoomInviteParams } from '../../protocol/admin.js';
import { IdParams } from '../../protocol/schemas.js';
import { defineRoute, type RouteSpec } from '../http/route.js';
import type { AdminService } from './admin.service.js';

export function accountRoutes(admin: AdminService): RouteSpec[] {
  return [
    defineRoute({
      method: 'delete',
      path: '/users/me',
      tag: 'Users',
      auth: true,
      summary: 'Delete my account (with my password): sessions end, profile and files erased, messages kept with a deleted-user sender',
      body: DeleteMeBody,
      responses: [{ status: 204, description: 'Deleted' }],
      handler: async ({ principal, address, body }) => {
        await admin.deleteSelf({ principal, address }, body.password);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/rooms/:id/invites',
      tag: 'Rooms',
      auth: true,
      summary: 'My live invites to this room (owner/admin; when the server lets room owners invite)',
      params: IdParams,
      responses: [{ status: 200, description: 'Invites', schema: z.array(InviteSchema) }],
      handler: async ({ principal, address, params }) => ({ body: await admin.roomInvites({ principal, address }, params.id) }),
    }),
    defineRoute({
      method: 'post',
      path: '/rooms/:id/invites',
      tag: 'Rooms',
      auth: true,
      summary: 'An invite that joins only this room (owner/admin; when the server lets room owners invite)',
      params: IdParams,
      body: CreateRoomInviteBody,
      responses: [{ status: 201, description: 'The invite', schema: InviteSchema }],
      handler: async ({ principal, address, params, body }) => ({
        status: 201,
        body: await admin.createRoomInvite({ principal, address }, params.id, body),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/rooms/:id/invites/:inviteId',
      tag: 'Rooms',
      auth: true,
      summary: 'Revoke one of my invites to this room',
      params: RoomInviteParams,
      responses: [{ status: 204, description: 'Revoked' }],
      handler: async ({ principal, address, params }) => {
        await admin.revokeRoomInvite({ principal, address }, params.id, params.inviteId);
        return { status: 204 };
      },
    }),
  ];
}
