import { z } from 'zod';
import { IdParams, UpdateMeBody, UserPublicSchema, UserSelfSchema, UsersQuery, LIMITS } from '../../protocol/schemas.js';
import { defineRoute, type RouteSpec } from '../http/route.js';
import type { UsersService } from './users.service.js';

const tag = 'Users';

export function usersRoutes(users: UsersService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/users/me',
      tag,
      auth: true,
      summary: 'My profile',
      responses: [{ status: 200, description: 'Me', schema: UserSelfSchema }],
      handler: async ({ principal }) => ({ body: await users.me(principal.userId) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/users/me',
      tag,
      auth: true,
      summary: 'Update my display name or avatar',
      body: UpdateMeBody,
      responses: [{ status: 200, description: 'Me', schema: UserSelfSchema }],
      handler: async ({ principal, body }) => ({ body: await users.updateMe(principal.userId, body) }),
    }),
    defineRoute({
      method: 'get',
      path: '/users',
      tag,
      auth: true,
      summary: 'Search active users by username or display name prefix, or fetch users by id (ids=1,2,3)',
      query: UsersQuery,
      responses: [{ status: 200, description: 'Users', schema: z.array(UserPublicSchema) }],
      handler: async ({ query }) => ({
        body: query.ids
          ? await users.byIds(query.ids)
          : await users.search(query.q ?? '', query.limit ?? LIMITS.pageDefault, query.online === 'true'),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/users/:id',
      tag,
      auth: true,
      summary: 'A user',
      params: IdParams,
      responses: [{ status: 200, description: 'User', schema: UserPublicSchema }],
      handler: async ({ params }) => ({ body: await users.get(params.id) }),
    }),
  ];
}
