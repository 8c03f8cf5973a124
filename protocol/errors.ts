// Shared by server and every client: the error codes of PROTOCOL.md and the body they travel in.
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  ACCOUNT_DISABLED: 403,
  /** Registration is closed on this server (GET /auth/config says so beforehand). */
  REGISTRATION_CLOSED: 403,
  /** The invite code is unknown, revoked, expired or used up (or missing where registration is by invite). */
  INVITE_INVALID: 403,
  /** A password-reset link that is unknown, already used or expired. */
  RESET_LINK_INVALID: 400,
  /** The room is archived: read-only for everyone. */
  ROOM_ARCHIVED: 403,
  // Why a session ended (docs/PROTOCOL.md "Sessions and operations"): refresh and socket handshakes answer these.
  LOGGED_OUT: 401,
  PASSWORD_CHANGED: 401,
  REUSE_DETECTED: 401,
  SESSION_REVOKED: 401,
  SESSION_EXPIRED: 401,
  ACCOUNT_DELETED: 401,
  NOT_FOUND: 404,
  USERNAME_TAKEN: 409,
  EMAIL_TAKEN: 409,
  ALREADY_MEMBER: 409,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  /** An upload would take the user past UPLOAD_QUOTA_BYTES. */
  QUOTA_EXCEEDED: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** A Range request outside the file. */
  RANGE_NOT_SATISFIABLE: 416,
  RATE_LIMITED: 429,
  TOO_MANY_SOCKETS: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Every reason a session can end. Clients branch on these and never on message text. */
export const SESSION_END_CODES = [
  'LOGGED_OUT',
  'PASSWORD_CHANGED',
  'ACCOUNT_DISABLED',
  'REUSE_DETECTED',
  'SESSION_REVOKED',
  'SESSION_EXPIRED',
  'ACCOUNT_DELETED',
] as const satisfies readonly ErrorCode[];

export type SessionEndCode = (typeof SESSION_END_CODES)[number];

export function isSessionEndCode(code: unknown): code is SessionEndCode {
  return typeof code === 'string' && (SESSION_END_CODES as readonly string[]).includes(code);
}

export interface ErrorDetail {
  path: string;
  message: string;
}

export interface ApiErrorBody {
  code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
  /** Seconds to wait, set with RATE_LIMITED. */
  retryAfter?: number;
}

export interface ErrorResponse {
  error: ApiErrorBody;
}

export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ApiErrorBody };

export function isErrorResponse(value: unknown): value is ErrorResponse {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}
