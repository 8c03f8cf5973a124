// Sending, history, edit and recall. A message is committed before anyone hears of it.
import type { Knex } from 'knex';
import type { HistoryPage, Message } from '../../protocol/types.js';
import { AppError, conflict, forbidden, notFound } from '../errors.js';
import type { DomainEventBus } from '../events.js';
import type { SendLimiter } from '../limits.js';
import type { RoomsService } from '../rooms/rooms.service.js';
import type { MessageViews } from './message-views.js';
import type { MessageRow, MessagesRepository } from './messages.repository.js';
import { RoomOrder } from './room-order.js';
import { RoomWriter } from './room-writer.js';

export interface MessagesDeps {
  knex: Knex;
  messages: MessagesRepository;
  views: MessageViews;
  rooms: RoomsService;
  events: DomainEventBus;
  sendLimiter: SendLimiter;
}

export interface SendInput {
  clientId: string;
  body: string;
  kind?: 'text' | undefined;
  replyToId?: number | null | undefined;
}

export class MessagesService {
  private readonly order: RoomOrder;

  private readonly writer: RoomWriter;

  constructor(private readonly d: MessagesDeps) {
    this.order = new RoomOrder((message) => d.events.emit('message:new', message));
    this.writer = new RoomWriter(d.knex, d.messages, this.order);
  }

  /**
   * Idempotent on (sender, clientId): a retry returns the first message with created=false. The happy path is
   * four statements (BEGIN, UPDATE rooms ... membership, INSERT, COMMIT); duplicates and non-members are told
   * apart only when that path fails.
   */
  async send(userId: number, roomId: number, input: SendInput): Promise<{ message: Message; created: boolean }> {
    const replyToId = input.replyToId ?? null;
    if (replyToId !== null) {
      await this.d.rooms.requireMember(roomId, userId);
      const original = await this.d.messages.findById(replyToId);
      if (!original || original.room_id !== roomId) {
        throw new AppError('VALIDATION_FAILED', 'replyToId: no such message in this room', {
          details: [{ path: 'replyToId', message: 'no such message in this room' }],
        });
      }
    }
    try {
      await this.d.sendLimiter.consume(userId);
    } catch (err) {
      // An outbox retry of a message already stored is not a new send: it gets its message even when the budget
      // is spent, so a client catching up after a reconnect is not told to back off for work already done.
      const stored =
        err instanceof AppError && err.code === 'RATE_LIMITED'
          ? await this.d.messages.findBySenderClient(userId, input.clientId)
          : undefined;
      if (!stored) throw err;
      await this.d.rooms.requireMember(roomId, userId);
      return this.duplicate(stored, roomId);
    }
    const outcome = await this.writer.write({
      roomId,
      senderId: userId,
      clientId: input.clientId,
      kind: 'text',
      body: input.body,
      replyToId,
    });
    if (outcome.kind === 'not-member') {
      // Say 404 or 403 the way every other route does; a member we raced with a removal gets a retry.
      await this.d.rooms.requireMember(roomId, userId);
      throw new AppError('SERVICE_UNAVAILABLE', 'the room changed while sending; retry');
    }
    if (outcome.kind === 'duplicate') {
      // The same clientId again (a retry, or a race on another connection): the first message stands.
      const winner = await this.d.messages.findBySenderClient(userId, input.clientId);
      if (!winner) throw new AppError('SERVICE_UNAVAILABLE', 'the message is being written; retry');
      return this.duplicate(winner, roomId);
    }
    const row = outcome.row;
    // Committed. Broadcast once every lower seq this node allocated has been committed too (RoomOrder).
    let message: Message;
    try {
      message = await this.d.views.one(row);
    } catch (err) {
      this.order.abandon(roomId, Number(row.seq));
      throw err;
    }
    this.order.complete(message);
    return { message, created: true };
  }

  private async duplicate(row: MessageRow, roomId: number): Promise<{ message: Message; created: boolean }> {
    if (row.room_id !== roomId) throw conflict('that clientId was already used for a message in another room');
    return { message: await this.d.views.one(row), created: false };
  }

  async history(
    userId: number,
    roomId: number,
    opts: { before?: number | undefined; after?: number | undefined; around?: number | undefined; limit: number },
  ): Promise<HistoryPage> {
    await this.d.rooms.requireMember(roomId, userId);
    if (opts.around !== undefined) {
      const page = await this.d.messages.pageAround(roomId, opts.around, opts.limit);
      const messages = await this.d.views.many(page.rows);
      return { messages, hasMore: page.hasMoreBefore, hasMoreBefore: page.hasMoreBefore, hasMoreAfter: page.hasMoreAfter };
    }
    const { rows, hasMore } = await this.d.messages.page(roomId, opts);
    return { messages: await this.d.views.many(rows), hasMore };
  }

  /** A message the caller can see (member of its room), or 404. */
  private async visible(userId: number, messageId: number): Promise<{ row: MessageRow; role: 'owner' | 'admin' | 'member' }> {
    const row = await this.d.messages.findById(messageId);
    if (!row) throw notFound('message');
    try {
      const { member } = await this.d.rooms.requireMember(row.room_id, userId);
      return { row, role: member.role };
    } catch (err) {
      if (err instanceof AppError && (err.code === 'NOT_FOUND' || err.code === 'FORBIDDEN')) throw notFound('message');
      throw err;
    }
  }

  async get(userId: number, messageId: number): Promise<Message> {
    const { row } = await this.visible(userId, messageId);
    return this.d.views.one(row);
  }

  async edit(userId: number, messageId: number, body: string): Promise<Message> {
    const { row } = await this.visible(userId, messageId);
    if (row.sender_id !== userId) throw forbidden('only the sender can edit a message');
    if (row.deleted_at) throw conflict('a recalled message cannot be edited');
    if (row.kind !== 'text') throw conflict('only text messages can be edited');
    if (row.body === body) return this.d.views.one(row);
    const updated = await this.d.messages.edit(messageId, body);
    if (!updated) throw notFound('message');
    const message = await this.d.views.one(updated);
    this.d.events.emit('message:updated', message);
    return message;
  }

  /** Recall: the sender, or the room's owner/admin. Recalling twice returns the recalled message. */
  async recall(userId: number, messageId: number): Promise<Message> {
    const { row, role } = await this.visible(userId, messageId);
    if (row.sender_id !== userId && role === 'member') throw forbidden('only the sender or a room admin can recall a message');
    if (row.deleted_at) return this.d.views.one(row);
    const updated = await this.d.messages.recall(messageId);
    if (!updated) throw notFound('message');
    const message = await this.d.views.one(updated);
    this.d.events.emit('message:updated', message);
    return message;
  }
}
