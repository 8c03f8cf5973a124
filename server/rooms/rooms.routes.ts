import { z } from 'zod';
import {
  AddMemberBody,
  CreateRoomBody,
  DirectRoomBody,
  IdParams,
  LIMITS,
  MemberParams,
  MemberSchema,
  MyRoomSchema,
  PublicRoomsQuery,
  ReadBody,
  ReadResultSchema,
  RoomSchema,
  RoomSettingsBody,
  UpdateMemberBody,
  UpdateRoomBody,
} from '../../protocol/schemas.js';
import { defineRoute, type RouteSpec } from '../http/route.js';
import type { RoomsService } from './rooms.service.js';

const tag = 'Rooms';

export function roomsRoutes(rooms: RoomsService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/rooms',
      tag,
      auth: true,
      summary: 'My rooms, most recent activity first',
      responses: [{ status: 200, description: 'Rooms', schema: z.array(MyRoomSchema) }],
      handler: async ({ principal }) => ({ body: await rooms.myRooms(principal.userId) }),
    }),
    defineRoute({
      method: 'post',
      path: '/rooms',
      tag,
      auth: true,
      summary: 'Create a group room (caller is owner)',
      body: CreateRoomBody,
      responses: [{ status: 201, description: 'Created', schema: MyRoomSchema }],
      handler: async ({ principal, body }) => ({ status: 201, body: await rooms.create(principal.userId, body) }),
    }),
    defineRoute({
      method: 'get',
      path: '/rooms/public',
      tag,
      auth: true,
      summary: 'Directory of public group rooms',
      query: PublicRoomsQuery,
      responses: [{ status: 200, description: 'Rooms', schema: z.array(RoomSchema) }],
      handler: async ({ query }) => ({ body: await rooms.directory(query.q ?? '', query.limit ?? LIMITS.pageDefault) }),
    }),
    defineRoute({
      method: 'post',
      path: '/rooms/direct',
      tag,
      auth: true,
      summary: 'Open the direct room with a user (one per pair)',
      body: DirectRoomBody,
      responses: [
        { status: 200, description: 'Existing room', schema: MyRoomSchema },
        { status: 201, description: 'New room', schema: MyRoomSchema },
      ],
      handler: async ({ principal, body }) => {
        const { room, created } = await rooms.openDirect(principal.userId, body.userId);
        return { status: created ? 201 : 200, body: room };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/rooms/:id',
      tag,
      auth: true,
      summary: 'A room (MyRoom for members, Room for a public room)',
      params: IdParams,
      responses: [{ status: 200, description: 'Room', schema: z.union([MyRoomSchema, RoomSchema]) }],
      handler: async ({ principal, params }) => ({ body: await rooms.get(principal.userId, params.id) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/rooms/:id',
      tag,
      auth: true,
      summary: 'Rename, describe or change visibility (owner/admin)',
      params: IdParams,
      body: UpdateRoomBody,
      responses: [{ status: 200, description: 'Room', schema: RoomSchema }],
      handler: async ({ principal, params, body }) => ({ body: await rooms.update(principal.userId, params.id, body) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/rooms/:id',
      tag,
      auth: true,
      summary: 'Delete a room (owner)',
      params: IdParams,
      responses: [{ status: 204, description: 'Deleted' }],
      handler: async ({ principal, params }) => {
        await rooms.remove(principal.userId, params.id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/rooms/:id/members',
      tag,
      auth: true,
      summary: 'Members of a room',
      params: IdParams,
      responses: [{ status: 200, description: 'Members', schema: z.array(MemberSchema) }],
      handler: async ({ principal, params }) => ({ body: await rooms.members(principal.userId, params.id) }),
    }),
    defineRoute({
      method: 'post',
      path: '/rooms/:id/members',
      tag,
      auth: true,
      summary: 'Add a member (owner/admin; group rooms)',
      params: IdParams,
      body: AddMemberBody,
      responses: [{ status: 201, description: 'Added', schema: MemberSchema }],
      handler: async ({ principal, params, body }) => ({
        status: 201,
        body: await rooms.addMember(principal.userId, params.id, body.userId, body.role ?? 'member'),
      }),
    }),
    defineRoute({
      method: 'patch',
      path: '/rooms/:id/members/:userId',
      tag,
      auth: true,
      summary: "Change a member's role (owner; role owner hands over ownership)",
      params: MemberParams,
      body: UpdateMemberBody,
      responses: [{ status: 200, description: 'Member', schema: MemberSchema }],
      handler: async ({ principal, params, body }) => ({
        body: await rooms.setRole(principal.userId, params.id, params.userId, body.role),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/rooms/:id/members/:userId',
      tag,
      auth: true,
      summary: 'Remove a member (owner/admin), or leave (self)',
      params: MemberParams,
      responses: [{ status: 204, description: 'Removed' }],
      handler: async ({ principal, params }) => {
        await rooms.removeMember(principal.userId, params.id, params.userId);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/rooms/:id/join',
      tag,
      auth: true,
      summary: 'Join a public room',
      params: IdParams,
      responses: [{ status: 200, description: 'Joined', schema: MyRoomSchema }],
      handler: async ({ principal, params }) => ({ body: await rooms.join(principal.userId, params.id) }),
    }),
    defineRoute({
      method: 'post',
      path: '/rooms/:id/leave',
      tag,
      auth: true,
      summary: 'Leave a room',
      params: IdParams,
      responses: [{ status: 204, description: 'Left' }],
      handler: async ({ principal, params }) => {
        await rooms.leave(principal.userId, params.id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/rooms/:id/read',
      tag,
      auth: true,
      summary: 'Move my read marker forward',
      params: IdParams,
      body: ReadBody,
      responses: [{ status: 200, description: 'Marker', schema: ReadResultSchema }],
      handler: async ({ principal, params, body }) => ({ body: await rooms.markRead(principal.userId, params.id, body.seq) }),
    }),
    defineRoute({
      method: 'put',
      path: '/rooms/:id/settings',
      tag,
      auth: true,
      summary: 'My notification level for a room: { notify } or the older { muted }',
      params: IdParams,
      body: RoomSettingsBody,
      responses: [{ status: 200, description: 'Room', schema: MyRoomSchema }],
      handler: async ({ principal, params, body }) => ({
        body: await rooms.setNotify(principal.userId, params.id, body.notify ?? (body.muted ? 'none' : 'all')),
      }),
    }),
  ];
}
