// The migrations in the order they apply. Add new ones at the end; never edit one that has shipped.
import { migration as createUsers } from './20261123000100_create_users.js';
import { migration as createSessions } from './20261123000200_create_sessions.js';
import { migration as createRooms } from './20261123000300_create_rooms.js';
import { migration as createRoomMembers } from './20261123000400_create_room_members.js';
import { migration as createMessages } from './20261123000500_create_messages.js';
import { migration as createMessageSearch } from './20261130000500_create_message_search.js';
import { migration as roomMembersNotify } from './20261130000400_room_members_notify.js';
import { migration as mentionsReactions } from './20261130000410_mentions_reactions.js';
import { migration as messagesSystem } from './20261130000420_messages_system.js';
import { migration as createUploads } from './20261130000300_create_uploads.js';
import { migration as sessionRevocationReason } from './20261130000100_session_revocation_reason.js';
import { migration as usersRole } from './20261130000700_users_role.js';
import { migration as settingsInvites } from './20261130000710_settings_invites.js';
import { migration as auditPasswordResets } from './20261130000720_audit_password_resets.js';
import { migration as roomsArchived } from './20261130000730_rooms_archived.js';
import { migration as emailVerificationLockouts } from './20261130000740_email_verification_lockouts.js';
import { migration as messageTermsPending } from './20261201000100_message_terms_pending.js';

export const migrations = [
  createUsers,
  createSessions,
  createRooms,
  createRoomMembers,
  createMessages,
  roomMembersNotify,
  mentionsReactions,
  messagesSystem,
  createUploads,
  createMessageSearch,
  sessionRevocationReason,
  usersRole,
  settingsInvites,
  auditPasswordResets,
  roomsArchived,
  emailVerificationLockouts,
  messageTermsPending,
];
