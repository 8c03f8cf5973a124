import { ChangeEmailBody, UserSelfSchema } from '../../protocol/schemas.js';
import { EmailRequestBody, VerifyEmailBody } from '../../protocol/admin.js';
import { origin } from '../admin/admin.routes.js';
import type { AuthService } from '../auth/auth.service.js';
import { defineRoute, type RouteSpec } from '../http/route.js';
import type { EmailService } from './email.service.js';

const tag = 'Auth';

export function emailRoutes(emails: EmailService, auth: AuthService): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/auth/password-reset/request',
      tag,
      auth: false,
      summary: 'Email a one-time password-reset link to this address (202 whether or not an account has it)',
      body: EmailRequestBody,
      responses: [{ status: 202, description: 'If an active account has this address, a link is on its way' }],
      handler: async ({ req, body, address }) => {
        await emails.requestPasswordReset(body.email, address, origin(req));
        return { status: 202 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/verify-email',
      tag,
      auth: false,
      summary: "Confirm an account's email address with the token of the link sent to it",
      body: VerifyEmailBody,
      responses: [{ status: 204, description: 'Confirmed' }],
      handler: async ({ body }) => {
        await emails.verify(body.token);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/verify-email/resend',
      tag,
      auth: false,
      summary: 'Send a new verification link (202 whether or not an unconfirmed account has this address)',
      body: EmailRequestBody,
      responses: [{ status: 202, description: 'If an unconfirmed account has this address, a link is on its way' }],
      handler: async ({ req, body, address }) => {
        await emails.resendVerification(body.email, address, origin(req));
        return { status: 202 };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/users/me/email',
      tag: 'Users',
      auth: true,
      summary: 'Change my email address (with my password); a notice goes to the old address',
      body: ChangeEmailBody,
      responses: [{ status: 200, description: 'Me, with the new (unconfirmed) address', schema: UserSelfSchema }],
      handler: async ({ req, body, principal }) => {
        const { user, oldEmail } = await auth.changeEmail(principal, body.email, body.currentPassword);
        await emails.emailChanged(user, oldEmail, origin(req));
        return { body: user };
      },
    }),
  ];
}
