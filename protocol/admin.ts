// Administration (docs/PROTOCOL.md "Administration"): registration control, invites, accounts, the audit log.
import { z } from 'zod';
import {
  Id,
  IdParam,
  LimitParam,
  Password,
  RoomKindSchema,
  SearchText,
  ServerRoleSchema,
  Time,
  UserSelfSchema,
  VisibilitySchema,
} from './schemas.js';

export const RegistrationModeSchema = z.enum(['open', 'invite', 'closed']);
export type RegistrationMode = z.infer<typeof RegistrationModeSchema>;

/** GET /auth/config: what the login screen needs to know before anyone signs in. */
export const AuthConfigSchema = z.object({
  registration: RegistrationModeSchema,
  emailEnabled: z.boolean(),
  /** Room owners and admins may make invites to their own rooms. */
  roomOwnerInvites: z.boolean(),
});
export type AuthConfig = z.infer<typeof AuthConfigSchema>;

export const AccountStatusSchema = z.enum(['active', 'disabled', 'deleted']);
export const AdminUserSchema = UserSelfSchema.extend({ status: AccountStatusSchema, sessions: z.number().int() });
export type AdminUser = z.infer<typeof AdminUserSchema>;

export const AdminUsersQuery = z.strictObject({
  q: SearchText.optional(),
  limit: LimitParam.optional(),
  /** Users with an id below this one (the list is newest first). */
  before: IdParam.optional(),
});

export const AdminUserPatchBody = z
  .strictObject({ status: z.enum(['active', 'disabled']).optional(), role: ServerRoleSchema.optional() })
  .refine((b) => b.status !== undefined || b.role !== undefined, 'give status, role or both');

export const PasswordResetLinkSchema = z.object({ url: z.string(), token: z.string(), expiresAt: Time });
export type PasswordResetLink = z.infer<typeof PasswordResetLinkSchema>;

const ResetToken = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, 'is not a reset token');
export const PasswordResetBody = z.strictObject({ token: ResetToken, newPassword: Password });

export const AdminSettingsSchema = z.object({ registration: RegistrationModeSchema, roomOwnerInvites: z.boolean() });
export type AdminSettings = z.infer<typeof AdminSettingsSchema>;
export const AdminSettingsBody = z
  .strictObject({ registration: RegistrationModeSchema.optional(), roomOwnerInvites: z.boolean().optional() })
  .refine((b) => b.registration !== undefined || b.roomOwnerInvites !== undefined, 'give registration, roomOwnerInvites or both');

export const InviteSchema = z.object({
  id: Id,
  code: z.string(),
  createdBy: Id.nullable(),
  expiresAt: Time.nullable(),
  maxUses: z.number().int().nullable(),
  uses: z.number().int(),
  roomIds: z.array(Id),
  createdAt: Time,
});
export type Invite = z.infer<typeof InviteSchema>;

export const CreateInviteBody = z.strictObject({
  /** Lifetime in hours (at most a year); omitted = no expiry. */
  expiresInHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 366)
    .optional(),
  maxUses: z.number().int().min(1).max(100_000).optional(),
  roomIds: z.array(Id).max(20).optional(),
});

/** POST /rooms/:id/invites: a room owner's invite joins only that room. */
export const CreateRoomInviteBody = CreateInviteBody.omit({ roomIds: true });
export const RoomInviteParams = z.strictObject({ id: IdParam, inviteId: IdParam });

/** DELETE /users/me */
export const DeleteMeBody = z.strictObject({ password: z.string().min(1).max(1024) });
/** DELETE /admin/users/:id */
export const AdminDeleteUserBody = z.strictObject({ messages: z.enum(['keep', 'delete']).optional() });

export const AdminRoomSchema = z.object({
  id: Id,
  name: z.string(),
  kind: RoomKindSchema,
  visibility: VisibilitySchema,
  ownerId: Id.nullable(),
  ownerName: z.string().nullable(),
  memberCount: z.number().int(),
  archived: z.boolean(),
  lastMessageAt: Time.nullable(),
  createdAt: Time,
});
export type AdminRoom = z.infer<typeof AdminRoomSchema>;
export const AdminRoomsQuery = z.strictObject({
  q: SearchText.optional(),
  limit: LimitParam.optional(),
  /** Rooms with an id below this one (the list is newest first). */
  before: IdParam.optional(),
});
export const AdminRoomPatchBody = z
  .strictObject({ archived: z.boolean().optional(), ownerId: Id.optional() })
  .refine((b) => b.archived !== undefined || b.ownerId !== undefined, 'give archived, ownerId or both');

export const AuditEntrySchema = z.object({
  id: Id,
  actorId: Id.nullable(),
  actorName: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  createdAt: Time,
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export const AuditQuery = z.strictObject({ limit: LimitParam.optional(), before: IdParam.optional() });

export const ServerStatusSchema = z.object({
  version: z.string(),
  uptimeSeconds: z.number(),
  users: z.number().int(),
  onlineUsers: z.number().int(),
  sockets: z.number().int(),
  db: z.enum(['ok', 'down']),
  redis: z.enum(['ok', 'down', 'off']),
  registration: RegistrationModeSchema,
  /** Sum of the sizes of the stored uploads, from the database. */
  storageBytes: z.number().int(),
});
export type ServerStatus = z.infer<typeof ServerStatusSchema>;
