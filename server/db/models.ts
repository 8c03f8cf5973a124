// Thin Objection models. Only repositories import this file.
import { Model } from 'objection';

export class UserModel extends Model {
  static override tableName = 'users';
  id!: number;
  username!: string;
  email!: string;
  password_hash!: string;
  display_name!: string;
  avatar_url!: string | null;
  status!: 'active' | 'disabled' | 'deleted';
  role!: 'user' | 'admin';
  last_seen_at!: Date | number | null;
  created_at!: Date | number;
  updated_at!: Date | number;
}

export class SessionModel extends Model {
  static override tableName = 'sessions';
  id!: number;
  family_id!: number | null;
  user_id!: number;
  refresh_token_hash!: string;
  device_name!: string | null;
  created_at!: Date | number;
  last_used_at!: Date | number;
  expires_at!: Date | number;
  revoked_at!: Date | number | null;
  replaced_by!: number | null;
  revoked_reason!: string | null;
}

export class RoomModel extends Model {
  static override tableName = 'rooms';
  id!: number;
  kind!: 'group' | 'direct';
  name!: string;
  description!: string;
  visibility!: 'public' | 'private';
  created_by!: number | null;
  direct_key!: string | null;
  last_seq!: number;
  archived!: boolean | number;
  created_at!: Date | number;
  updated_at!: Date | number;
  deleted_at!: Date | number | null;
}

export class RoomMemberModel extends Model {
  static override tableName = 'room_members';
  static override idColumn = ['room_id', 'user_id'];
  room_id!: number;
  user_id!: number;
  role!: 'owner' | 'admin' | 'member';
  muted!: boolean | number;
  notify!: 'all' | 'mentions' | 'none';
  last_read_seq!: number;
  joined_at!: Date | number;
}

export class MessageModel extends Model {
  static override tableName = 'messages';
  id!: number;
  room_id!: number;
  seq!: number;
  sender_id!: number | null;
  client_id!: string | null;
  kind!: 'text' | 'image' | 'file' | 'system';
  body!: string;
  attachment!: unknown;
  reply_to_id!: number | null;
  /** JSON { event, userId, name } on kind 'system'. */
  system!: unknown;
  created_at!: Date | number;
  edited_at!: Date | number | null;
  deleted_at!: Date | number | null;
}
