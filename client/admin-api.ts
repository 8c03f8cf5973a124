// The administration endpoints of PROTOCOL.md ("Administration"), on top of the shared REST client: a separate
// module so the everyday client stays small and only the admin area loads this.
import type { AdminRoom, AdminSettings, AdminUser, AuditEntry, Invite, PasswordResetLink, ServerStatus } from '../protocol/admin.js';
import type { ApiClient } from './api.js';

export type DeletedMessages = 'keep' | 'delete';

export interface AdminPage {
  q?: string;
  limit?: number;
  before?: number;
}

export class AdminApi {
  constructor(private readonly api: ApiClient) {}

  users(query: AdminPage = {}) {
    return this.api.request<AdminUser[]>('GET', '/admin/users', { query: { ...query } });
  }
  updateUser(id: number, patch: { status?: 'active' | 'disabled'; role?: 'user' | 'admin' }) {
    return this.api.request<AdminUser>('PATCH', `/admin/users/${id}`, { body: patch });
  }
  revokeSessions(id: number) {
    return this.api.request<{ revoked: number }>('POST', `/admin/users/${id}/revoke-sessions`);
  }
  resetLink(id: number) {
    return this.api.request<PasswordResetLink>('POST', `/admin/users/${id}/password-reset`);
  }
  deleteUser(id: number, messages: DeletedMessages) {
    return this.api.request<void>('DELETE', `/admin/users/${id}`, { body: { messages } });
  }

  rooms(query: AdminPage = {}) {
    return this.api.request<AdminRoom[]>('GET', '/admin/rooms', { query: { ...query } });
  }
  updateRoom(id: number, patch: { archived?: boolean; ownerId?: number }) {
    return this.api.request<AdminRoom>('PATCH', `/admin/rooms/${id}`, { body: patch });
  }
  deleteRoom(id: number) {
    return this.api.request<void>('DELETE', `/admin/rooms/${id}`);
  }

  settings() {
    return this.api.request<AdminSettings>('GET', '/admin/settings');
  }
  updateSettings(patch: Partial<AdminSettings>) {
    return this.api.request<AdminSettings>('PUT', '/admin/settings', { body: patch });
  }
  invites() {
    return this.api.request<Invite[]>('GET', '/admin/invites');
  }
  createInvite(body: { maxUses?: number; expiresInHours?: number; roomIds?: number[] }) {
    return this.api.request<Invite>('POST', '/admin/invites', { body });
  }
  revokeInvite(id: number) {
    return this.api.request<void>('DELETE', `/admin/invites/${id}`);
  }

  status() {
    return this.api.request<ServerStatus>('GET', '/admin/status');
  }
  audit(query: { limit?: number; before?: number } = {}) {
    return this.api.request<AuditEntry[]>('GET', '/admin/audit', { query: { ...query } });
  }
}
