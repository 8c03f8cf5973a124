// Server and bridge errors in words: a stable code picks the sentence; the server's own text is only a fallback.
import type { TFunction } from 'i18next';
import { ApiError } from '../../../client/api.js';
import type { DesktopError } from '../../../protocol/desktop.js';
import { FIELD_LABELS, fieldOfPath } from './validation.js';

export function errorText(t: TFunction, err: unknown): string {
  const code = err instanceof ApiError ? err.code : isDesktopError(err) ? err.code : undefined;
  if (code === 'NETWORK' || code === 'NETWORK_ERROR') return t('errors.network');
  if (code === 'RATE_LIMITED') {
    const after = err instanceof ApiError ? err.retryAfter : isDesktopError(err) ? err.retryAfter : undefined;
    if (!after) return t('errors.rateLimited');
    // A login lockout can last minutes: "in 15 minutes" reads better than "in 900 seconds".
    return after >= 120
      ? t('errors.rateLimitedForMinutes', { minutes: Math.ceil(after / 60) })
      : t('errors.rateLimitedFor', { seconds: after });
  }
  if (code === 'VALIDATION_FAILED' && err instanceof ApiError && err.details?.[0]) {
    // The client checks the same schemas first, so this is rare; name the field in the UI language when known.
    const field = fieldOfPath(err.details[0].path);
    if (field) return t('validation.rejected', { field: t(FIELD_LABELS[field]) });
    return `${err.details[0].path}: ${err.details[0].message}`;
  }
  if (code && t(`errors.${code}`, { defaultValue: '' })) return t(`errors.${code}`);
  return err instanceof Error || isDesktopError(err) ? err.message : t('errors.unknown');
}

function isDesktopError(e: unknown): e is DesktopError {
  return typeof e === 'object' && e !== null && 'code' in e && 'message' in e && !(e instanceof Error);
}
