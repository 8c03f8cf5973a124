// Sending, history, edit and recall. A message is committed before anyone hears of it.
import type { Knex } from 'knex';
import type { Attachment, HistoryPage, Message } from '../../protocol/types.js';
import type { UploadsRepository } from '../files/uploads.repository.js';
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
  uploads: UploadsRepository;
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
    if (replyToId !== null) {
      await this.d.rooms.requireMember(roomId, userId);
      const original = await this.d.messages.findById(replyToId);
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
    const outcome = await this.writer.write({
      roomId,
      senderId: userId,
      clientId: input.clientId,
      kind,
      body: input.body,
      replyToId,
      attachment,
    });
    if (outcome.kind === 'not-member') {
      // Say 404 or 403 the way every other route does; a member we raced with a removal gets a retry.
      await this.d.rooms.requireMember(roomId, userId);
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
      message = await this.d.views.one(row);
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

  private async duplicate(row: MessageRow, roomId: number): Promise<{ message: Message; created: boolean }> {
    if (row.room_id !== roomId) throw conflict('that clientId was already used for a message in another room');
    return { message: await this.d.views.one(row), created: false };
  }

  async history(
    userId: number,
    roomId: number,
    opts: { before?: number | undefined; after?: number | undefined; limit: number },
  ): Promise<HistoryPage> {
    await this.d.rooms.requireMember(roomId, userId);
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
    // A caption can be corrected; the attachment itself stays.
    if (row.kind === 'system') throw conflict('system messages cannot be edited');
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
