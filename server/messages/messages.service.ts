// Sending, history, edit and recall. A message is committed before anyone hears of it.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Attachment, HistoryPage, Message, Reaction, ReactionsChange, SystemEvent } from '../../protocol/types.js';
import { mentionedNames } from '../../protocol/mentions.js';
import { LIMITS } from '../../protocol/schemas.js';
import type { UploadsRepository } from '../files/uploads.repository.js';
import { AppError, conflict, forbidden, isUniqueViolation, notFound } from '../errors.js';
import type { DomainEventBus } from '../events.js';
import type { SendLimiter } from '../limits.js';
import type { RoomRow } from '../rooms/rooms.repository.js';
import { requireWritable, type RoomsService } from '../rooms/rooms.service.js';
import type { ExtrasRepository } from './extras.repository.js';
import { replyBrief } from './extras.repository.js';
import type { MessageViews } from './message-views.js';
import type { MessageRow, MessagesRepository } from './messages.repository.js';
import { RoomOrder } from './room-order.js';
import { RoomWriter } from './room-writer.js';

export interface MessagesDeps {
  knex: Knex;
  messages: MessagesRepository;
  views: MessageViews;
  extras: ExtrasRepository;
  rooms: RoomsService;
  events: DomainEventBus;
  sendLimiter: SendLimiter;
  uploads: UploadsRepository;
}

export interface SystemInput {
  event: SystemEvent;
  userId: number | null;
  name: string | null;
}

export interface SendInput {
  clientId: string;
  body: string;
  kind?: 'text' | 'image' | 'file' | undefined;
  attachmentId?: number | undefined;
  replyToId?: number | null | undefined;
}

const noSuchUpload = () =>
  new AppError('VALIDATION_FAILED', 'attachmentId: no upload of yours with that id', {
    details: [{ path: 'attachmentId', message: 'no upload of yours with that id' }],
  });

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
    let original: MessageRow | undefined;
    if (replyToId !== null) {
      await this.d.rooms.requireMember(roomId, userId);
      original = await this.d.messages.findById(replyToId);
      if (!original || original.room_id !== roomId) {
        throw new AppError('VALIDATION_FAILED', 'replyToId: no such message in this room', {
          details: [{ path: 'replyToId', message: 'no such message in this room' }],
        });
      }
    }
    const kind = input.kind ?? 'text';
    let attachment: NonNullable<Attachment> | null = null;
    if (kind !== 'text') {
      const resolved = await this.attachmentFor(userId, roomId, input, kind);
      if ('message' in resolved) return resolved;
      attachment = resolved.attachment;
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
    const mentions = await this.mentions(roomId, userId, input.body);
    const outcome = await this.writer.write({
      roomId,
      senderId: userId,
      clientId: input.clientId,
      kind,
      body: input.body,
      replyToId,
      attachment,
      mentions,
    });
    if (outcome.kind === 'not-member') {
      // Say 404 or 403 the way every other route does (or that the room is archived); a member we raced with a
      // removal gets a retry.
      const { room } = await this.d.rooms.requireMember(roomId, userId);
      requireWritable(room);
      throw new AppError('SERVICE_UNAVAILABLE', 'the room changed while sending; retry');
    }
    if (outcome.kind === 'attachment-taken') {
      throw new AppError('CONFLICT', 'that upload is already attached to a message', {
        details: [{ path: 'attachmentId', message: 'already attached to a message' }],
      });
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
      // A new message has no reactions yet, and its mentions and reply are known: only the sender is looked up.
      const id = Number(row.id);
      message = await this.d.views.one(row, {
        mentions: new Map([[id, [...mentions]]]),
        reactions: new Map(),
        replies: original ? new Map([[original.id, replyBrief(original)]]) : new Map(),
      });
    } catch (err) {
      this.order.abandon(roomId, Number(row.seq));
      throw err;
    }
    this.order.complete(message);
    return { message, created: true };
  }

  /**
   * The upload an image/file message will hold: the sender's own, of the matching kind. Whether another message
   * holds it already is decided in the write transaction; a retry of a stored message (same clientId) is answered
   * with that message even when its upload is gone (recalled and swept).
   */
  private async attachmentFor(
    userId: number,
    roomId: number,
    input: SendInput,
    kind: 'image' | 'file',
  ): Promise<{ attachment: NonNullable<Attachment> } | { message: Message; created: boolean }> {
    const upload = input.attachmentId === undefined ? undefined : await this.d.uploads.findById(input.attachmentId);
    if (!upload || upload.uploader_id !== userId || upload.purpose !== 'attachment') {
      const stored = await this.d.messages.findBySenderClient(userId, input.clientId);
      if (stored) {
        await this.d.rooms.requireMember(roomId, userId);
        return this.duplicate(stored, roomId);
      }
      throw noSuchUpload();
    }
    const isImage = upload.width !== null;
    if ((kind === 'image') !== isImage) {
      const message = isImage ? 'is an image: send it with kind "image"' : 'is not an image: send it with kind "file"';
      throw new AppError('VALIDATION_FAILED', `attachmentId ${message}`, { details: [{ path: 'kind', message }] });
    }
    return {
      attachment: {
        id: upload.id,
        name: upload.name,
        mimeType: upload.mime,
        size: upload.size,
        width: upload.width,
        height: upload.height,
      },
    };
  }

  /**
   * Members the body mentions: `@username` of a member, and every other member for `@room` when the sender is the
   * room's owner or an admin (from anyone else `@room` is left as plain text and mentions no one). The sender is
   * never among them. No query unless the body has an `@name` in it.
   */
  private async mentions(roomId: number, senderId: number, body: string): Promise<number[]> {
    const { names, room } = mentionedNames(body);
    if (names.length === 0 && !room) return [];
    let everyone = false;
    if (room) {
      const { member } = await this.d.rooms.requireMember(roomId, senderId);
      everyone = member.role === 'owner' || member.role === 'admin';
    }
    const ids = await this.d.extras.resolveMentions(roomId, names, everyone);
    return ids.filter((id) => id !== senderId);
  }

  /**
   * A system message (a join, a rename...) through the same writer as every other message, so it takes the
   * room's next seq and is broadcast in order. The actor is the sender; they need not be a member any more.
   */
  async postSystem(roomId: number, actorId: number, system: SystemInput): Promise<Message | undefined> {
    const outcome = await this.writer.write({
      roomId,
      senderId: actorId,
      clientId: `system-${randomUUID()}`,
      kind: 'system',
      body: '',
      replyToId: null,
      system,
    });
    if (outcome.kind !== 'inserted') return undefined; // the room is gone
    const message = await this.d.views.one(outcome.row, { mentions: new Map(), reactions: new Map(), replies: new Map() });
    this.order.complete(message);
    return message;
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
  private async visible(
    userId: number,
    messageId: number,
  ): Promise<{ row: MessageRow; role: 'owner' | 'admin' | 'member'; room: RoomRow }> {
    const row = await this.d.messages.findById(messageId);
    if (!row) throw notFound('message');
    try {
      const { member, room } = await this.d.rooms.requireMember(row.room_id, userId);
      return { row, role: member.role, room };
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
    const { row, room } = await this.visible(userId, messageId);
    requireWritable(room);
    if (row.sender_id !== userId) throw forbidden('only the sender can edit a message');
    if (row.deleted_at) throw conflict('a recalled message cannot be edited');
    // A caption can be corrected; the attachment itself stays.
    if (row.kind === 'system') throw conflict('system messages cannot be edited');
    if (row.body === body) return this.d.views.one(row);
    // Mentions follow the committed body: an edit that adds or removes a name adds or removes the mention.
    const mentions = await this.mentions(row.room_id, userId, body);
    const updated = await this.d.messages.editWithMentions(messageId, body, mentions);
    if (!updated) throw notFound('message');
    const message = await this.d.views.one(updated);
    this.d.events.emit('message:updated', message);
    return message;
  }

  /** Recall: the sender, or the room's owner/admin. Recalling twice returns the recalled message. */
  async recall(userId: number, messageId: number): Promise<Message> {
    const { row, role, room } = await this.visible(userId, messageId);
    requireWritable(room);
    if (row.kind === 'system') throw conflict('a system message cannot be recalled');
    if (row.sender_id !== userId && role === 'member') throw forbidden('only the sender or a room admin can recall a message');
    if (row.deleted_at) return this.d.views.one(row);
    const updated = await this.d.messages.recall(messageId);
    if (!updated) throw notFound('message');
    const message = await this.d.views.one(updated);
    this.d.events.emit('message:updated', message);
    return message;
  }

  /**
   * Adds (`on`) or removes the caller's reaction. Idempotent: adding one already there or removing one that is
   * not changes nothing and broadcasts nothing. A new distinct emoji past the per-message limit is refused.
   */
  async react(userId: number, messageId: number, emoji: string, on: boolean): Promise<ReactionsChange> {
    const { row, room } = await this.visible(userId, messageId);
    requireWritable(room);
    if (row.kind === 'system') throw conflict('a system message cannot have reactions');
    if (row.deleted_at) throw conflict('a recalled message cannot have reactions');
    const id = Number(row.id);
    let changed: boolean;
    let reactions: Reaction[];
    try {
      [changed, reactions] = await this.d.knex.transaction(async (trx) => {
        let changed: boolean;
        if (on) {
          const result = await this.d.extras.addReaction(id, userId, emoji, trx);
          if (result === 'limit') {
            throw new AppError('CONFLICT', `a message can have at most ${LIMITS.reactionsPerMessage} different reactions`, {
              details: [{ path: 'emoji', message: `at most ${LIMITS.reactionsPerMessage} different reactions per message` }],
            });
          }
          changed = result === 'added';
        } else {
          changed = await this.d.extras.removeReaction(id, userId, emoji, trx);
        }
        return [changed, (await this.d.extras.reactionsOf([id], trx)).get(id) ?? []] as const;
      });
    } catch (err) {
      // The same reaction added at the same moment from two devices: the other one won, which is what was asked.
      if (!isUniqueViolation(err)) throw err;
      changed = false;
      reactions = (await this.d.extras.reactionsOf([id])).get(id) ?? [];
    }
    const change: ReactionsChange = { roomId: row.room_id, messageId: id, reactions };
    if (changed) this.d.events.emit('message:reactions', change);
    return change;
  }
}
