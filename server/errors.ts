// One error type with a stable code; the only place codes become HTTP statuses and socket acks.
import { z } from 'zod';
import { ERROR_STATUS, type ApiErrorBody, type ErrorCode, type ErrorDetail } from '../protocol/errors.js';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[] | undefined;
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, message: string, options: { details?: ErrorDetail[]; retryAfter?: number } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
    this.retryAfter = options.retryAfter;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ApiErrorBody {
    const body: ApiErrorBody = { code: this.code, message: this.message };
    if (this.details) body.details = this.details;
    if (this.retryAfter !== undefined) body.retryAfter = this.retryAfter;
    return body;
  }
}

export const notFound = (what = 'resource') => new AppError('NOT_FOUND', `${what} not found`);
export const forbidden = (message = 'you are not allowed to do that') => new AppError('FORBIDDEN', message);
export const conflict = (message: string) => new AppError('CONFLICT', message);

export function validationError(error: z.ZodError, prefix?: string): AppError {
  const details = error.issues.slice(0, 20).map((issue) => {
    const p = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown field(s): ${issue.keys.slice(0, 5).join(', ')}`;
    if (issue.code === 'invalid_type') message = issue.input === undefined ? 'is required' : `must be ${issue.expected}`;
    return { path: p || (prefix ?? ''), message };
  });
  const first = details[0];
  const summary = first ? `${first.path ? first.path + ' ' : ''}${first.message}` : 'invalid input';
  return new AppError('VALIDATION_FAILED', summary, { details });
}

export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error, prefix);
  return result.data;
}

interface DbErrorLike {
  code?: string;
  errno?: number;
  message?: string;
  name?: string;
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_ACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
  'ER_SERVER_SHUTDOWN',
  'SQLITE_BUSY',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'SQLITE_FULL',
]);

/**
 * Objection wraps driver errors of model queries (UniqueViolationError, ForeignKeyViolationError, DBError ...)
 * and keeps the driver's error, with its `code`, in `nativeError`; plain knex queries throw the driver's error.
 */
function driverError(err: unknown): DbErrorLike {
  const e = err as (DbErrorLike & { nativeError?: unknown }) | null | undefined;
  if (e && typeof e === 'object' && e.code === undefined && typeof e.nativeError === 'object' && e.nativeError !== null) {
    return e.nativeError as DbErrorLike;
  }
  return (e ?? {}) as DbErrorLike;
}

export function isUniqueViolation(err: unknown): boolean {
  const e = driverError(err);
  return (
    e?.code === 'ER_DUP_ENTRY' || e?.errno === 1062 || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

const TRANSIENT_CODES = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY']);

/** A lock conflict the database resolved by aborting this transaction: running it again is the documented remedy. */
export function isTransientConflict(err: unknown): boolean {
  const code = driverError(err).code;
  return code !== undefined && TRANSIENT_CODES.has(code);
}

export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err) return false;
  const e = driverError(err);
  if (e.code && UNAVAILABLE_CODES.has(e.code)) return true;
  if (e.name === 'KnexTimeoutError') return true;
  return (
    typeof e.message === 'string' &&
    /(Unable to acquire a connection|pool is probably full|connection is in closed state|Cannot enqueue|The database connection is not open)/i.test(
      e.message,
    )
  );
}

/** Maps anything thrown to an AppError. Database text never reaches the client. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError) return validationError(err);
  if (isDatabaseUnavailable(err)) return new AppError('SERVICE_UNAVAILABLE', 'the database is unavailable; try again shortly');
  if (isUniqueViolation(err)) return new AppError('CONFLICT', 'that conflicts with existing data');
  const e = driverError(err);
  if (e?.code === 'ER_DATA_TOO_LONG' || e?.code === 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD' || e?.code === 'ER_WARN_DATA_OUT_OF_RANGE') {
    return new AppError('VALIDATION_FAILED', 'a value is out of range');
  }
  if (e?.code === 'ER_NO_REFERENCED_ROW_2' || e?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return new AppError('CONFLICT', 'a referenced record does not exist');
  }
  if (isTransientConflict(err)) {
    return new AppError('SERVICE_UNAVAILABLE', 'the server is busy; try again shortly');
  }
  return new AppError('INTERNAL', 'internal error');
}
