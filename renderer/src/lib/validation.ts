// Inline validation in the UI language. The shared zod schemas (protocol/) decide what is valid, exactly as the
// server does; their messages are English sentences for API clients, so the renderer turns each issue into a
// translation key from the issue's code/format, the field it belongs to and the field's limits (LIMITS), never
// by matching the English text.
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import { ServerUrl } from '../../../protocol/desktop.js';
import {
  AvatarUrl,
  Description,
  DisplayName,
  Email,
  LIMITS,
  MessageBody,
  Password,
  RoomName,
  Username,
} from '../../../protocol/schemas.js';

type Issue = z.ZodError['issues'][number];

interface FieldRule {
  schema: z.ZodType;
  min: number;
  max: number;
  /** Length counted in UTF-8 bytes (passwords) rather than characters. */
  bytes?: boolean;
}

const FIELDS = {
  serverUrl: { schema: ServerUrl, min: 1, max: 500 },
  username: { schema: Username, min: LIMITS.usernameMin, max: LIMITS.usernameMax },
  email: { schema: Email, min: 1, max: LIMITS.emailMax },
  password: { schema: Password, min: LIMITS.passwordMinBytes, max: LIMITS.passwordMaxBytes, bytes: true },
  displayName: { schema: DisplayName, min: 1, max: LIMITS.displayNameMax },
  roomName: { schema: RoomName, min: 1, max: LIMITS.roomNameMax },
  description: { schema: Description, min: 0, max: LIMITS.descriptionMax },
  messageBody: { schema: MessageBody, min: 1, max: LIMITS.messageBodyMax },
  avatarUrl: { schema: AvatarUrl, min: 1, max: LIMITS.avatarUrlMax },
} satisfies Record<string, FieldRule>;

export type ValidatedField = keyof typeof FIELDS;

/** One zod issue of `field` (whose text was `value`) as a sentence in the UI language. */
export function issueText(t: TFunction, field: ValidatedField, issue: Issue, value: string): string {
  const rule: FieldRule = FIELDS[field];
  if (!value.isWellFormed() || value.includes('\u0000')) return t('validation.wellFormed');
  const empty = rule.bytes ? value.length === 0 : value.trim().length === 0;
  if (empty && rule.min > 0) return t('validation.required');
  switch (issue.code) {
    case 'invalid_format':
      if (issue.format === 'email') return t('validation.email');
      if (issue.format === 'url') return t('validation.url');
      if (field === 'username') return t('validation.usernameChars');
      return t('validation.invalid');
    case 'invalid_type':
      return t('validation.invalid');
    default:
      // too_small / too_big from .min/.max, and the length/byte/URL-part rules the schemas state as refinements.
      if (field === 'serverUrl') return issue.code === 'custom' && URL.canParse(value) ? t('validation.urlParts') : t('validation.url');
      if (field === 'email' || field === 'avatarUrl')
        return issue.code === 'too_big'
          ? t('validation.atMost', { max: rule.max })
          : t(field === 'email' ? 'validation.email' : 'validation.url');
      if (rule.bytes) return t('validation.bytesBetween', { min: rule.min, max: rule.max });
      return rule.min > 0 ? t('validation.lengthBetween', { min: rule.min, max: rule.max }) : t('validation.atMost', { max: rule.max });
  }
}

/** Null when `value` is valid for `field`, else the first problem in words. */
export function validate(t: TFunction, field: ValidatedField, value: string): string | null {
  let result: ReturnType<z.ZodType['safeParse']>;
  try {
    result = FIELDS[field].schema.safeParse(value);
  } catch {
    // ServerUrl's refine calls new URL() even after z.url() refused the text, and can throw.
    return t('validation.url');
  }
  if (result.success) return null;
  const issue = result.error.issues[0];
  return issue ? issueText(t, field, issue, value) : t('validation.invalid');
}

/** A request field named by the server's VALIDATION_FAILED details path, when it is one the UI knows. */
const SERVER_PATHS: Record<string, ValidatedField> = {
  username: 'username',
  email: 'email',
  password: 'password',
  newPassword: 'password',
  displayName: 'displayName',
  name: 'roomName',
  description: 'description',
  body: 'messageBody',
  avatarUrl: 'avatarUrl',
};

export function fieldOfPath(path: string): ValidatedField | undefined {
  const last = path.split('.').pop() ?? '';
  return Object.hasOwn(SERVER_PATHS, last) ? SERVER_PATHS[last] : undefined;
}

/** The label key of each field, for messages that name it. */
export const FIELD_LABELS: Record<ValidatedField, string> = {
  serverUrl: 'login.serverUrl',
  username: 'login.username',
  email: 'login.email',
  password: 'login.password',
  displayName: 'login.displayName',
  roomName: 'create.name',
  description: 'create.description',
  messageBody: 'composer.label',
  avatarUrl: 'me.avatarUrl',
};
