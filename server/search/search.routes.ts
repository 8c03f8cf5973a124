import { LIMITS, SearchMessagesQuery, SearchPageSchema } from '../../protocol/schemas.js';
import { defineRoute, type RouteSpec } from '../http/route.js';
import type { SearchService } from './search.service.js';

export function searchRoutes(search: SearchService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/search/messages',
      tag: 'Search',
      auth: true,
      summary: 'Search the messages of my rooms, newest first (before= pages on)',
      query: SearchMessagesQuery,
      responses: [{ status: 200, description: 'Results', schema: SearchPageSchema }],
      handler: async ({ principal, query }) => ({
        body: await search.messages(principal.userId, {
          q: query.q,
          roomId: query.roomId,
          senderId: query.senderId,
          before: query.before,
          limit: query.limit ?? LIMITS.searchPageDefault,
        }),
      }),
    }),
  ];
}
