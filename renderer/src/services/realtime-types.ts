// The part of client/realtime.ts that the renderer uses. A Pick, so the store wiring can be unit-tested with a
// fake and so this file states exactly what the UI depends on.
import type { RealtimeClient } from '../../../client/realtime.js';

export type { ConnectionState, OutboxEntry, RealtimeEvents } from '../../../client/realtime.js';

export type RealtimeLike = Pick<
  RealtimeClient,
  | 'api'
  | 'state'
  | 'connect'
  | 'close'
  | 'reconnectNow'
  | 'send'
  | 'retry'
  | 'discard'
  | 'outbox'
  | 'edit'
  | 'recall'
  | 'markRead'
  | 'react'
  | 'typing'
  | 'on'
>;
