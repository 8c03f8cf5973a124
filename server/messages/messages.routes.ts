import {
  EditMessageBody,
  HistoryPageSchema,
  HistoryQuery,
  IdParams,
  LIMITS,
  MessageSchema,
  ReactionParams,
  ReactionsChangeSchema,
  SendMessageBody,
} from '../../protocol/schemas.js';
import { defineRoute, type RouteSpec } from '../http/route.js';
import type { MessagesService } from './messages.service.js';

const tag = 'Messages';

export function messagesRoutes(messages: MessagesService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/rooms/:id/messages',
      tag,
      auth: true,
      summary: 'History by seq: newest page, before=, after=, or around= (a page centred on a seq)',
      params: IdParams,
      query: HistoryQuery,
      responses: [{ status: 200, description: 'Page (ascending seq)', schema: HistoryPageSchema }],
      handler: async ({ principal, params, query }) => ({
        body: await messages.history(principal.userId, params.id, {
          before: query.before,
          after: query.after,
          around: query.around,
          limit: query.limit ?? LIMITS.pageDefault,
        }),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/rooms/:id/messages',
      tag,
      auth: true,
      summary: 'Send a message (idempotent on clientId)',
      params: IdParams,
      body: SendMessageBody,
      responses: [
        { status: 201, description: 'Sent', schema: MessageSchema },
        { status: 200, description: 'Already sent with this clientId', schema: MessageSchema },
      ],
      handler: async ({ principal, params, body }) => {
        const { message, created } = await messages.send(principal.userId, params.id, body);
        return { status: created ? 201 : 200, body: message };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/messages/:id',
      tag,
      auth: true,
      summary: 'A message (members only)',
      params: IdParams,
      responses: [{ status: 200, description: 'Message', schema: MessageSchema }],
      handler: async ({ principal, params }) => ({ body: await messages.get(principal.userId, params.id) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/messages/:id',
      tag,
      auth: true,
      summary: 'Edit my message',
      params: IdParams,
      body: EditMessageBody,
      responses: [{ status: 200, description: 'Message', schema: MessageSchema }],
      handler: async ({ principal, params, body }) => ({ body: await messages.edit(principal.userId, params.id, body.body) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/messages/:id',
      tag,
      auth: true,
      summary: 'Recall a message (sender, or room owner/admin)',
      params: IdParams,
      responses: [{ status: 200, description: 'Recalled message', schema: MessageSchema }],
      handler: async ({ principal, params }) => ({ body: await messages.recall(principal.userId, params.id) }),
    }),
    defineRoute({
      method: 'put',
      path: '/messages/:id/reactions/:emoji',
      tag,
      auth: true,
      summary: 'Add my reaction (one emoji, URL-encoded; idempotent)',
      params: ReactionParams,
      responses: [{ status: 200, description: 'The message reactions', schema: ReactionsChangeSchema }],
      handler: async ({ principal, params }) => ({ body: await messages.react(principal.userId, params.id, params.emoji, true) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/messages/:id/reactions/:emoji',
      tag,
      auth: true,
      summary: 'Remove my reaction (idempotent)',
      params: ReactionParams,
      responses: [{ status: 200, description: 'The message reactions', schema: ReactionsChangeSchema }],
      handler: async ({ principal, params }) => ({ body: await messages.react(principal.userId, params.id, params.emoji, false) }),
    }),
  ];
}
