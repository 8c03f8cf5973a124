// Shared by server and every client: the error codes of PROTOCOL.md and the body they travel in.
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  ACCOUNT_DISABLED: 403,
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
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

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
