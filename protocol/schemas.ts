// Every request body, query and client->server socket payload, as zod schemas shared by server and clients.
// The server validates with exactly these; /api/openapi.json is generated from them.
import { z } from 'zod';
import { canonicalEmoji } from './emoji.js';
import { text, utf8Bytes } from './text.js';

export const LIMITS = {
  usernameMin: 3,
  usernameMax: 32,
  // 254 would be RFC 5321's limit, but email has a unique index and indexed strings are VARCHAR(191) (utf8mb4 limit).
  emailMax: 191,
  passwordMinBytes: 8,
  passwordMaxBytes: 72,
  displayNameMax: 64,
  roomNameMax: 80,
  descriptionMax: 500,
  messageBodyMax: 4000,
  avatarUrlMax: 500,
  clientIdMax: 64,
  deviceNameMax: 100,
  pageDefault: 50,
  pageMax: 100,
  searchMax: 50,
  /** Message search: the query text, and a page of results. */
  searchQueryMax: 200,
  searchPageDefault: 20,
  searchPageMax: 50,
  initialMembersMax: 200,
  /** Distinct emoji on one message; a new one past this is refused with CONFLICT (details: reactions). */
  reactionsPerMessage: 20,
  /** Characters of the replied-to body carried in Message.replyTo.preview. */
  replyPreviewMax: 200,
  jsonBodyBytes: 64 * 1024,
} as const;

const MAX_ID = Number.MAX_SAFE_INTEGER;

/** A positive integer id in a JSON body. */
export const Id = z.number().int().min(1).max(MAX_ID);

/** A positive integer id in a URL path or query string: digits only, no signs, exponents or hex. */
export const IdParam = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer')
  .transform(Number)
  .pipe(z.number().max(MAX_ID, 'is too large'));

/** A non-negative sequence number in a query string. */
const SeqParam = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})$/, 'must be a non-negative integer')
  .transform(Number)
  .pipe(z.number().max(MAX_ID, 'is too large'));

const Seq = z.number().int().min(0).max(MAX_ID);

export const LimitParam = z
  .string()
  .regex(/^[1-9][0-9]{0,2}$/, `must be an integer from 1 to ${LIMITS.pageMax}`)
  .transform(Number)
  .pipe(z.number().max(LIMITS.pageMax, `must be an integer from 1 to ${LIMITS.pageMax}`));

export const Username = z
  .string()
  .regex(/^[A-Za-z0-9_]+$/, 'may contain only letters, digits and _')
  .min(LIMITS.usernameMin, `must be ${LIMITS.usernameMin}-${LIMITS.usernameMax} characters`)
  .max(LIMITS.usernameMax, `must be ${LIMITS.usernameMin}-${LIMITS.usernameMax} characters`);

export const Email = z
  .string()
  .trim()
  .max(LIMITS.emailMax, `must be at most ${LIMITS.emailMax} characters`)
  .pipe(z.email('must be a valid email address'))
  .transform((s) => s.toLowerCase());

export const Password = z
  .string()
  .refine((s) => s.isWellFormed() && !s.includes('\u0000'), 'must not contain NUL or unpaired surrogate characters')
  .refine(
    (s) => utf8Bytes(s) >= LIMITS.passwordMinBytes && utf8Bytes(s) <= LIMITS.passwordMaxBytes,
    `must be ${LIMITS.passwordMinBytes}-${LIMITS.passwordMaxBytes} bytes of UTF-8`,
  )
  .meta({ description: `${LIMITS.passwordMinBytes}-${LIMITS.passwordMaxBytes} UTF-8 bytes; longer is refused, never truncated` });

export const DisplayName = text({ min: 1, max: LIMITS.displayNameMax });
export const RoomName = text({ min: 1, max: LIMITS.roomNameMax });
export const Description = text({ min: 0, max: LIMITS.descriptionMax });
export const MessageBody = text({ min: 1, max: LIMITS.messageBodyMax });
const DeviceName = text({ min: 1, max: LIMITS.deviceNameMax });
export const SearchText = text({ min: 0, max: LIMITS.searchMax });

export const AvatarUrl = z
  .string()
  .max(LIMITS.avatarUrlMax, `must be at most ${LIMITS.avatarUrlMax} characters`)
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }));

export const ClientId = z
  .string()
  .regex(/^[A-Za-z0-9._:-]+$/, 'may contain only letters, digits and . _ : -')
  .min(1)
  .max(LIMITS.clientIdMax, `must be at most ${LIMITS.clientIdMax} characters`)
  .meta({ description: 'client-made unique id (UUID v4 or v7); the same clientId never yields a second message' });

export const VisibilitySchema = z.enum(['public', 'private']);
export const RoleSchema = z.enum(['owner', 'admin', 'member']);
export const RoomKindSchema = z.enum(['group', 'direct']);
export const MessageKindSchema = z.enum(['text', 'image', 'file', 'system']);
export const NotifyLevelSchema = z.enum(['all', 'mentions', 'none']);
export const SystemEventSchema = z.enum([
  'room-created',
  'member-joined',
  'member-added',
  'member-left',
  'member-removed',
  'role-changed',
  'room-renamed',
]);

/** One emoji grapheme, canonicalised (see protocol/emoji.ts). */
export const Emoji = z
  .string()
  .transform((s, ctx) => {
    const emoji = canonicalEmoji(s);
    if (emoji === null) {
      ctx.addIssue({ code: 'custom', message: 'must be exactly one emoji' });
      return z.NEVER;
    }
    return emoji;
  })
  .meta({ description: 'exactly one emoji grapheme' });

// ---------- request bodies ----------
export const RegisterBody = z.strictObject({
  username: Username,
  email: Email,
  password: Password,
  displayName: DisplayName.optional(),
  /** Names the first session in the sessions list (added to PROTOCOL.md's body; login already takes one). */
  deviceName: DeviceName.optional(),
  /** An invite code; required when registration is by invite, ignored when it is open. */
  invite: z.string().trim().min(1).max(64).optional(),
});

export const LoginBody = z.strictObject({
  login: z.string().trim().min(1, 'is required').max(LIMITS.emailMax),
  password: z.string().min(1, 'is required').max(1024),
  deviceName: DeviceName.optional(),
});

// Refresh tokens are base64url strings made by the server; anything else (NUL, lone surrogates, spaces) is malformed.
const RefreshToken = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[A-Za-z0-9_-]+$/, 'is not a refresh token');
export const RefreshBody = z.strictObject({ refreshToken: RefreshToken.optional() });
export const LogoutBody = RefreshBody;

export const UpdateMeBody = z
  .strictObject({ displayName: DisplayName.optional(), avatarUrl: AvatarUrl.nullable().optional() })
  .refine((b) => Object.keys(b).length > 0, 'at least one field is required');

export const ChangePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: Password,
});

export const CreateRoomBody = z.strictObject({
  name: RoomName,
  description: Description.optional(),
  visibility: VisibilitySchema,
  memberIds: z.array(Id).max(LIMITS.initialMembersMax).optional(),
});

export const DirectRoomBody = z.strictObject({ userId: Id });

export const UpdateRoomBody = z
  .strictObject({ name: RoomName.optional(), description: Description.optional(), visibility: VisibilitySchema.optional() })
  .refine((b) => Object.keys(b).length > 0, 'at least one field is required');

export const AddMemberBody = z.strictObject({ userId: Id, role: z.enum(['admin', 'member']).optional() });
export const UpdateMemberBody = z.strictObject({ role: RoleSchema });
export const ReadBody = z.strictObject({ seq: Seq });
/** `{ notify }` or the older `{ muted }` (true = none, false = all); exactly one of them. */
export const RoomSettingsBody = z
  .strictObject({ muted: z.boolean().optional(), notify: NotifyLevelSchema.optional() })
  .refine((b) => (b.muted === undefined) !== (b.notify === undefined), 'give exactly one of notify or muted');

/** A caption under an image or file may be empty. */
export const CaptionBody = text({ min: 0, max: LIMITS.messageBodyMax });

const SendFields = {
  clientId: ClientId,
  body: CaptionBody,
  kind: z.enum(['text', 'image', 'file']).optional(),
  /** An upload of the caller's that no message holds yet; required for image/file, refused for text. */
  attachmentId: Id.optional(),
  replyToId: Id.nullable().optional(),
};

/** Text needs a body and no attachment; image/file need an attachment and may have an empty caption. */
function checkSendShape(
  m: { body: string; kind?: 'text' | 'image' | 'file' | undefined; attachmentId?: number | undefined },
  ctx: z.RefinementCtx,
): void {
  const kind = m.kind ?? 'text';
  if (kind === 'text') {
    if (m.body === '') ctx.addIssue({ code: 'custom', path: ['body'], message: `must be 1-${LIMITS.messageBodyMax} characters` });
    if (m.attachmentId !== undefined)
      ctx.addIssue({ code: 'custom', path: ['attachmentId'], message: 'only image and file messages carry an attachment' });
  } else if (m.attachmentId === undefined) {
    ctx.addIssue({ code: 'custom', path: ['attachmentId'], message: 'is required' });
  }
}

export const SendMessageBody = z.strictObject(SendFields).superRefine(checkSendShape);
export const EditMessageBody = z.strictObject({ body: MessageBody });

// ---------- queries and params ----------
export const IdParams = z.strictObject({ id: IdParam });
export const MemberParams = z.strictObject({ id: IdParam, userId: IdParam });
export const ReactionParams = z.strictObject({ id: IdParam, emoji: Emoji });

/** `ids=3,17,42`: up to 100 user ids, to refresh profiles a client already shows. */
const IdList = z
  .string()
  .regex(/^[1-9][0-9]{0,15}(,[1-9][0-9]{0,15})*$/, 'must be a comma-separated list of user ids')
  .transform((s) => [...new Set(s.split(',').map(Number))])
  .refine((ids) => ids.length <= LIMITS.pageMax, `at most ${LIMITS.pageMax} ids`)
  .refine((ids) => ids.every((id) => Number.isSafeInteger(id)), 'must be a comma-separated list of user ids');
export const UsersQuery = z
  .strictObject({
    q: SearchText.optional(),
    online: z.enum(['true', 'false']).optional(),
    limit: LimitParam.optional(),
    ids: IdList.optional(),
  })
  .refine((q) => q.ids === undefined || (q.q === undefined && q.online === undefined && q.limit === undefined), {
    message: 'ids cannot be combined with q, online or limit',
  });
export const PublicRoomsQuery = z.strictObject({ q: SearchText.optional(), limit: LimitParam.optional() });
export const HistoryQuery = z
  .strictObject({ before: SeqParam.optional(), after: SeqParam.optional(), around: SeqParam.optional(), limit: LimitParam.optional() })
  .refine((q) => [q.before, q.after, q.around].filter((v) => v !== undefined).length <= 1, 'use at most one of before, after and around');

export const SearchMessagesQuery = z.strictObject({
  q: text({ min: 1, max: LIMITS.searchQueryMax }),
  roomId: IdParam.optional(),
  senderId: IdParam.optional(),
  /** A message id: results older than it (the last result of the previous page). */
  before: IdParam.optional(),
  limit: z
    .string()
    .regex(/^[1-9][0-9]?$/, `must be an integer from 1 to ${LIMITS.searchPageMax}`)
    .transform(Number)
    .pipe(z.number().max(LIMITS.searchPageMax, `must be an integer from 1 to ${LIMITS.searchPageMax}`))
    .optional(),
});

// ---------- client -> server socket payloads ----------
export const MessageSendSchema = z.strictObject({ ...SendFields, roomId: Id }).superRefine(checkSendShape);
export const MessageEditSchema = z.strictObject({ messageId: Id, body: MessageBody });
export const MessageDeleteSchema = z.strictObject({ messageId: Id });
export const RoomReadSchema = z.strictObject({ roomId: Id, seq: Seq });
export const TypingSchema = z.strictObject({ roomId: Id, typing: z.boolean() });
export const MessageReactSchema = z.strictObject({ messageId: Id, emoji: Emoji, on: z.boolean() });

// ---------- response objects ----------
export const Time = z.iso.datetime({ precision: 3 });

export const UserPublicSchema = z.object({
  id: Id,
  username: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  online: z.boolean(),
  lastSeenAt: Time.nullable(),
  /** Present (and true) only on a deleted account: clients show "Deleted user" in their own language. */
  deleted: z.literal(true).optional(),
});
export const ServerRoleSchema = z.enum(['user', 'admin']);
export const UserSelfSchema = UserPublicSchema.extend({ email: z.string(), createdAt: Time, role: ServerRoleSchema });

export const UploadSchema = z.object({
  id: Id,
  name: z.string(),
  mimeType: z.string(),
  size: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  createdAt: Time,
});

/** What a message holds of its upload; URLs are /api/files/<id> and /api/files/<id>/thumbnail. */
export const AttachmentSchema = z
  .object({
    id: Id,
    name: z.string(),
    mimeType: z.string(),
    size: z.number().int(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
  })
  .nullable();

export const ReactionSchema = z.object({ emoji: z.string(), userIds: z.array(Id) });
export const SystemInfoSchema = z.object({
  event: SystemEventSchema,
  actorId: Id.nullable(),
  userId: Id.nullable(),
  name: z.string().nullable(),
});
export const ReplyToSchema = z.object({
  id: Id,
  seq: z.number().int(),
  senderId: Id.nullable(),
  kind: MessageKindSchema,
  preview: z.string(),
});

export const MessageSchema = z.object({
  id: Id,
  roomId: Id,
  seq: z.number().int(),
  clientId: z.string().nullable(),
  sender: UserPublicSchema,
  kind: MessageKindSchema,
  body: z.string(),
  attachment: AttachmentSchema,
  replyToId: Id.nullable(),
  /** The replied-to message in brief, so a quote can be drawn without fetching it; null when replyToId is. */
  replyTo: ReplyToSchema.nullable(),
  /** Ids of the members this message mentions (`@room` expanded); [] when none. */
  mentions: z.array(Id),
  /** Ordered by first use; [] when none. */
  reactions: z.array(ReactionSchema),
  /** Set on kind "system" only. */
  system: SystemInfoSchema.nullable(),
  createdAt: Time,
  editedAt: Time.nullable(),
  deletedAt: Time.nullable(),
});

export const RoomSchema = z.object({
  id: Id,
  kind: RoomKindSchema,
  name: z.string(),
  description: z.string(),
  visibility: VisibilitySchema,
  createdBy: Id.nullable(),
  createdAt: Time,
  updatedAt: Time,
  memberCount: z.number().int(),
  lastSeq: z.number().int(),
  /** Read-only for everyone (an administrator archived it, or a direct room's other account was deleted). */
  archived: z.boolean(),
});

export const MyRoomSchema = RoomSchema.extend({
  role: RoleSchema,
  /** Always equal to notify === "none". */
  muted: z.boolean(),
  notify: NotifyLevelSchema,
  lastReadSeq: z.number().int(),
  /** Messages from others after lastReadSeq; system messages never count. */
  unreadCount: z.number().int(),
  /** Unread messages that mention the caller. */
  mentionCount: z.number().int(),
  lastMessage: MessageSchema.nullable(),
  peer: UserPublicSchema.nullable(),
});

export const AuthResultSchema = z.object({
  user: UserSelfSchema,
  accessToken: z.string(),
  refreshToken: z.string(),
  accessTokenExpiresAt: Time,
});

export const SessionInfoSchema = z.object({
  id: Id,
  deviceName: z.string().nullable(),
  createdAt: Time,
  lastUsedAt: Time,
  current: z.boolean(),
});

export const MemberSchema = z.object({ user: UserPublicSchema, role: RoleSchema, joinedAt: Time, lastReadSeq: z.number().int() });
export const ReactionsChangeSchema = z.object({ roomId: Id, messageId: Id, reactions: z.array(ReactionSchema) });
export const HistoryPageSchema = z.object({
  messages: z.array(MessageSchema),
  hasMore: z.boolean(),
  /** Only with `around=`: more messages exist before / after the page. `hasMore` then equals `hasMoreBefore`. */
  hasMoreBefore: z.boolean().optional(),
  hasMoreAfter: z.boolean().optional(),
});
/** Code point offsets [start, end) into `message.body` of the words a search matched. */
export const HighlightSchema = z.object({ start: z.number().int().min(0), end: z.number().int().min(0) });
export const SearchResultSchema = z.object({
  message: MessageSchema,
  roomName: z.string(),
  highlights: z.array(HighlightSchema),
});
export const SearchPageSchema = z.object({ results: z.array(SearchResultSchema), hasMore: z.boolean() });
export const ReadResultSchema = z.object({ lastReadSeq: z.number().int(), unreadCount: z.number().int() });
export const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  db: z.enum(['ok', 'down']),
  version: z.string(),
  uptimeSeconds: z.number(),
});
export const ErrorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    retryAfter: z.number().optional(),
  }),
});
