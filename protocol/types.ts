// The objects of PROTOCOL.md as TypeScript types, derived from the response schemas so the two never disagree.
import type { z } from 'zod';
import type * as s from './schemas.js';

export type UserPublic = z.infer<typeof s.UserPublicSchema>;
export type UserSelf = z.infer<typeof s.UserSelfSchema>;
export type Message = z.infer<typeof s.MessageSchema>;
export type Attachment = z.infer<typeof s.AttachmentSchema>;
export type Room = z.infer<typeof s.RoomSchema>;
export type MyRoom = z.infer<typeof s.MyRoomSchema>;
export type AuthResult = z.infer<typeof s.AuthResultSchema>;
export type SessionInfo = z.infer<typeof s.SessionInfoSchema>;
export type Member = z.infer<typeof s.MemberSchema>;
export type HistoryPage = z.infer<typeof s.HistoryPageSchema>;
export type ReadResult = z.infer<typeof s.ReadResultSchema>;
export type Health = z.infer<typeof s.HealthSchema>;
export type Role = z.infer<typeof s.RoleSchema>;
export type Visibility = z.infer<typeof s.VisibilitySchema>;
export type NotifyLevel = z.infer<typeof s.NotifyLevelSchema>;
export type Reaction = z.infer<typeof s.ReactionSchema>;
export type ReactionsChange = z.infer<typeof s.ReactionsChangeSchema>;
export type SystemInfo = z.infer<typeof s.SystemInfoSchema>;
export type SystemEvent = z.infer<typeof s.SystemEventSchema>;
export type ReplyTo = z.infer<typeof s.ReplyToSchema>;

export type RegisterInput = z.input<typeof s.RegisterBody>;
export type LoginInput = z.input<typeof s.LoginBody>;
export type CreateRoomInput = z.input<typeof s.CreateRoomBody>;
export type UpdateRoomInput = z.input<typeof s.UpdateRoomBody>;
export type SendMessageInput = z.input<typeof s.SendMessageBody>;
export type MessageSendPayload = z.input<typeof s.MessageSendSchema>;
export type MessageEditPayload = z.input<typeof s.MessageEditSchema>;
export type MessageDeletePayload = z.input<typeof s.MessageDeleteSchema>;
export type RoomReadPayload = z.input<typeof s.RoomReadSchema>;
export type TypingPayload = z.input<typeof s.TypingSchema>;
export type MessageReactPayload = z.input<typeof s.MessageReactSchema>;
export type RoomSettingsInput = z.input<typeof s.RoomSettingsBody>;
