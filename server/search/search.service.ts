// Message search: what the caller may see (their live rooms, live messages), newest first, with highlights.
import type { SearchPage } from '../../protocol/types.js';
import { highlights } from '../../protocol/search.js';
import { LIMITS } from '../../protocol/schemas.js';
import { AppError } from '../errors.js';
import type { MessageViews } from '../messages/message-views.js';
import type { MessagesRepository } from '../messages/messages.repository.js';
import type { RoomsService } from '../rooms/rooms.service.js';
import type { SearchIndex } from './search-index.js';
import { parseQuery, queryParts } from './terms.js';

export interface SearchDeps {
  index: SearchIndex;
  messages: MessagesRepository;
  views: MessageViews;
  rooms: RoomsService;
}

export interface SearchInput {
  q: string;
  roomId?: number | undefined;
  senderId?: number | undefined;
  before?: number | undefined;
  limit: number;
}

export class SearchService {
  constructor(private readonly d: SearchDeps) {}

  async messages(userId: number, input: SearchInput): Promise<SearchPage> {
    const query = parseQuery(input.q);
    const parts = queryParts(query);
    if (parts.length === 0) {
      // Only punctuation, operators or one-letter words: nothing the index can narrow down.
      throw new AppError('VALIDATION_FAILED', 'q must contain a word of at least 2 letters or digits, or a CJK character', {
        details: [{ path: 'q', message: 'needs a word of at least 2 letters or digits, or a CJK character' }],
      });
    }
    let roomIds: number[];
    if (input.roomId !== undefined) {
      await this.d.rooms.requireMember(input.roomId, userId);
      roomIds = [input.roomId];
    } else {
      roomIds = (await this.d.rooms.markers(userId)).map((r) => r.id);
    }
    if (roomIds.length === 0) return { results: [], hasMore: false };
    // What this process committed before the search is in the index before the index is asked.
    await this.d.index.settle();
    const ids = await this.d.index.find({
      parts,
      roomIds,
      senderId: input.senderId,
      before: input.before,
      limit: input.limit + 1,
    });
    const hasMore = ids.length > input.limit;
    if (hasMore) ids.pop();
    const rows = await this.d.messages.findByIds(ids);
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    const ordered = ids.map((id) => byId.get(id)).filter((r) => r !== undefined);
    const [views, names] = await Promise.all([
      this.d.views.many(ordered),
      this.d.rooms.names(userId, [...new Set(ordered.map((r) => r.room_id))]),
    ]);
    return {
      results: views.map((message) => ({
        message,
        roomName: names.get(message.roomId) ?? '',
        highlights: highlights(message.body, query),
      })),
      hasMore,
    };
  }

  /** The database's plan for a search as the caller would run it (for benchmarks and tests). */
  async explainFor(userId: number, q: string): Promise<string> {
    const roomIds = (await this.d.rooms.markers(userId)).map((r) => r.id);
    return this.d.index.explain({ parts: queryParts(parseQuery(q)), roomIds, limit: LIMITS.searchPageDefault + 1 });
  }
}
