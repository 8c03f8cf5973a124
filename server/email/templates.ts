// The emails the server sends, in plain text and simple HTML. Accounts store no language, so every message says it
// in English first and then in Simplified Chinese (the two languages of the clients).
import type { Mail } from './mailer.js';

interface Content {
  en: { subject: string; lines: string[]; action?: string; after?: string };
  zh: { subject: string; lines: string[]; action?: string; after?: string };
  link?: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function render(to: string, kind: string, c: Content): Mail {
  const text = (['en', 'zh'] as const)
    .map((lang) => {
      const part = c[lang];
      return [...part.lines, ...(c.link ? ['', c.link] : []), ...(part.after ? ['', part.after] : [])].join('\n');
    })
    .join('\n\n----\n\n');
  const html = (['en', 'zh'] as const)
    .map((lang) => {
      const part = c[lang];
      const lines = part.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('');
      const action =
        c.link && part.action
          ? `<p><a href="${escapeHtml(c.link)}" style="display:inline-block;padding:8px 16px;background:#2f6feb;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(part.action)}</a></p>` +
            `<p style="font-size:12px;color:#555">${escapeHtml(c.link)}</p>`
          : '';
      const after = part.after ? `<p style="font-size:12px;color:#555">${escapeHtml(part.after)}</p>` : '';
      return `<div lang="${lang === 'en' ? 'en' : 'zh-CN'}">${lines}${action}${after}</div>`;
    })
    .join('<hr>');
  return {
    to,
    kind,
    subject: `${c.en.subject} / ${c.zh.subject}`,
    text,
    html: `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">${html}</body></html>`,
  };
}

const minutes = (seconds: number) => Math.max(1, Math.round(seconds / 60));

export function passwordResetMail(to: string, username: string, link: string, ttlSeconds: number): Mail {
  const m = minutes(ttlSeconds);
  return render(to, 'password_reset', {
    link,
    en: {
      subject: 'Reset your Messenger password',
      lines: [
        `Hello ${username},`,
        `Someone (hopefully you) asked to reset the password of your account. The link works once, for ${m} minutes.`,
      ],
      action: 'Set a new password',
      after: 'If you did not ask for this, ignore this email: your password stays as it is.',
    },
    zh: {
      subject: '重置您的 Messenger 密码',
      lines: [`${username}，您好：`, `有人（希望是您本人）请求重置您账户的密码。此链接只能使用一次，有效期 ${m} 分钟。`],
      action: '设置新密码',
      after: '如果这不是您的请求，请忽略此邮件：您的密码不会改变。',
    },
  });
}

export function verificationMail(to: string, username: string, link: string, ttlSeconds: number): Mail {
  const h = Math.max(1, Math.round(ttlSeconds / 3600));
  return render(to, 'email_verification', {
    link,
    en: {
      subject: 'Confirm your email address',
      lines: [`Hello ${username},`, `Please confirm that this is your email address for Messenger. The link works for ${h} hours.`],
      action: 'Confirm my address',
      after: 'If you did not sign up, ignore this email.',
    },
    zh: {
      subject: '确认您的电子邮件地址',
      lines: [`${username}，您好：`, `请确认这是您在 Messenger 使用的电子邮件地址。此链接 ${h} 小时内有效。`],
      action: '确认我的地址',
      after: '如果您没有注册，请忽略此邮件。',
    },
  });
}

export function emailChangedMail(to: string, username: string, newEmail: string): Mail {
  return render(to, 'email_changed', {
    en: {
      subject: 'Your Messenger email address was changed',
      lines: [
        `Hello ${username},`,
        `The email address of your account was changed to ${newEmail}. Messages about your account (such as password resets) now go there.`,
        'If you did not make this change, contact your server administrator at once.',
      ],
    },
    zh: {
      subject: '您的 Messenger 电子邮件地址已更改',
      lines: [
        `${username}，您好：`,
        `您账户的电子邮件地址已更改为 ${newEmail}。有关账户的邮件（例如密码重置）今后将发送到该地址。`,
        '如果这不是您本人的操作，请立即联系服务器管理员。',
      ],
    },
  });
}
