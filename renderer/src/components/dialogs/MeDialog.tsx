// Me: profile, password, sessions, preferences, log out.
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../../client/api.js';
import { ServerUrl } from '../../../../protocol/desktop.js';
import type { DesktopInfo } from '../../../../protocol/desktop.js';
import { validate } from '../../lib/validation.js';
import type { SessionInfo } from '../../../../protocol/types.js';
import { errorText } from '../../lib/errors.js';
import { useAppStore } from '../../store/index.js';
import { selectSelf, selectSettings, selectTheme } from '../../store/selectors.js';
import type { ThemePreference } from '../../store/ui.js';
import { useController } from '../context.js';
import { AvatarPicker } from './AvatarPicker.js';
import { Dialog } from './Dialog.js';

function Profile() {
  const { t } = useTranslation();
  const controller = useController();
  const me = useAppStore(selectSelf);
  const setUser = useAppStore((s) => s.setUser);
  const userUpdated = useAppStore((s) => s.userUpdated);
  const savedName = me?.displayName ?? '';
  // A picture uploaded to our server is managed by the picker above; this field is for a link elsewhere.
  const savedUrl = me?.avatarUrl && !me.avatarUrl.startsWith('/api/files/') ? me.avatarUrl : '';
  const [displayName, setDisplayName] = useState(savedName);
  const [avatarUrl, setAvatarUrl] = useState(savedUrl);
  // Saved on another device while this dialog is open: show it, unless the field is being edited here.
  const [base, setBase] = useState({ name: savedName, url: savedUrl });
  if (base.name !== savedName || base.url !== savedUrl) {
    setBase({ name: savedName, url: savedUrl });
    if (displayName === base.name) setDisplayName(savedName);
    if (avatarUrl === base.url) setAvatarUrl(savedUrl);
  }
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const nameErr = validate(t, 'displayName', displayName);
  const urlErr = avatarUrl ? validate(t, 'avatarUrl', avatarUrl) : null;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (nameErr || urlErr) return;
    try {
      const user = await controller.api.updateMe(avatarUrl === savedUrl ? { displayName } : { displayName, avatarUrl: avatarUrl || null });
      setUser(user);
      userUpdated(user); // at once everywhere my name shows; 'user:updated' follows for my other devices
      setMsg({ ok: true, text: t('common.saved') });
    } catch (err) {
      setMsg({ ok: false, text: errorText(t, err) });
    }
  };
  return (
    <form className="stack" onSubmit={(e) => void save(e)} noValidate>
      <h3>{t('me.profile')}</h3>
      <p className="hint">
        @{me?.username} · {me?.email}
      </p>
      <div className="field">
        <label htmlFor="me-name">{t('login.displayName')}</label>
        <input
          id="me-name"
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
          aria-invalid={nameErr ? true : undefined}
        />
        {nameErr && <div className="field-error">{nameErr}</div>}
      </div>
      <AvatarPicker />
      <div className="field">
        <label htmlFor="me-avatar">{t('me.avatarUrl')}</label>
        <input
          id="me-avatar"
          type="url"
          value={avatarUrl}
          placeholder="https://…"
          onChange={(e) => setAvatarUrl(e.target.value)}
          aria-invalid={urlErr ? true : undefined}
        />
        {urlErr && <div className="field-error">{urlErr}</div>}
      </div>
      <button type="submit" className="primary">
        {t('common.save')}
      </button>
      {msg && (
        <p className={msg.ok ? 'ok-text' : 'form-error'} role="status">
          {msg.text}
        </p>
      )}
    </form>
  );
}

/** True when the server refused the change because the current password is wrong (a structured detail, not text). */
function wrongCurrentPassword(err: unknown): boolean {
  return err instanceof ApiError && err.code === 'FORBIDDEN' && (err.details ?? []).some((d) => d.path === 'currentPassword');
}

function ChangePassword({ onChanged }: { onChanged: () => void }) {
  const { t } = useTranslation();
  const controller = useController();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  // Field problems show once the form has been submitted (or the field typed in), next to the field they concern.
  const [submitted, setSubmitted] = useState(false);
  const [currentWrong, setCurrentWrong] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const currentErr = currentWrong ? t('me.wrongCurrentPassword') : submitted && !current ? t('validation.required') : null;
  const nextErr = next || submitted ? validate(t, 'password', next) : null;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    setMsg(null);
    if (!current || validate(t, 'password', next)) return;
    try {
      await controller.api.changePassword(current, next);
      setCurrent('');
      setNext('');
      setSubmitted(false);
      setMsg({ ok: true, text: t('me.passwordChanged') });
      onChanged();
    } catch (err) {
      if (wrongCurrentPassword(err)) setCurrentWrong(true);
      else setMsg({ ok: false, text: errorText(t, err) });
    }
  };
  return (
    <form className="stack" onSubmit={(e) => void save(e)} noValidate>
      <h3>{t('me.password')}</h3>
      <div className="field">
        <label htmlFor="me-cur">{t('me.currentPassword')}</label>
        <input
          id="me-cur"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => {
            setCurrent(e.target.value);
            setCurrentWrong(false);
          }}
          aria-invalid={currentErr ? true : undefined}
          aria-describedby={currentErr ? 'me-cur-error' : undefined}
        />
        {currentErr && (
          <div className="field-error" id="me-cur-error">
            {currentErr}
          </div>
        )}
      </div>
      <div className="field">
        <label htmlFor="me-new">{t('me.newPassword')}</label>
        <input
          id="me-new"
          type="password"
          autoComplete="new-password"
          value={next}
          onChange={(e) => setNext(e.target.value)}
          aria-invalid={nextErr ? true : undefined}
          aria-describedby={nextErr ? 'me-new-error' : undefined}
        />
        {nextErr && (
          <div className="field-error" id="me-new-error">
            {nextErr}
          </div>
        )}
      </div>
      <button type="submit">{t('me.changePassword')}</button>
      {msg && (
        <p className={msg.ok ? 'ok-text' : 'form-error'} role="status">
          {msg.text}
        </p>
      )}
    </form>
  );
}

/** `version` changes when something elsewhere ended sessions (a password change): the list is fetched again. */
function Sessions({ version }: { version: number }) {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const [list, setList] = useState<SessionInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    controller.api.sessions().then(
      (sessions) => {
        setList(sessions);
        setError(null);
      },
      (err: unknown) => setError(errorText(t, err)),
    );
  useEffect(() => {
    void load();
  }, [version]); // eslint-disable-line react-hooks/exhaustive-deps
  const fmt = (iso: string) => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  return (
    <section className="stack">
      <h3>{t('me.sessions')}</h3>
      <ul className="session-list">
        {list.map((s) => (
          <li key={s.id} className="session">
            <span className="member-name">
              {s.deviceName ?? t('me.unknownDevice')}
              <span className="member-sub">{t('me.lastUsed', { when: fmt(s.lastUsedAt) })}</span>
            </span>
            {s.current ? (
              <span className="role">{t('me.thisDevice')}</span>
            ) : (
              <button
                type="button"
                className="small"
                onClick={() => void controller.api.revokeSession(s.id).then(load, (err: unknown) => setError(errorText(t, err)))}
              >
                {t('me.revoke')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function Preferences() {
  const { t } = useTranslation();
  const controller = useController();
  const settings = useAppStore(selectSettings);
  const theme = useAppStore(selectTheme);
  const setTheme = useAppStore((s) => s.setTheme);
  return (
    <section className="stack">
      <h3>{t('me.preferences')}</h3>
      <div className="field">
        <label htmlFor="me-lang">{t('me.language')}</label>
        <select
          id="me-lang"
          value={settings.language ?? ''}
          onChange={(e) => void controller.setSettings({ language: e.target.value || null })}
        >
          <option value="">{t('me.system')}</option>
          <option value="en">English</option>
          <option value="zh-CN">简体中文</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="me-theme">{t('me.theme')}</label>
        <select
          id="me-theme"
          value={theme}
          onChange={(e) => {
            const v = e.target.value as ThemePreference;
            setTheme(v);
            localStorage.setItem('messenger.theme', v);
          }}
        >
          <option value="system">{t('me.system')}</option>
          <option value="light">{t('me.light')}</option>
          <option value="dark">{t('me.dark')}</option>
        </select>
      </div>
      <label className="toggle">
        <input
          type="checkbox"
          checked={settings.showPreviews}
          onChange={(e) => void controller.setSettings({ showPreviews: e.target.checked })}
        />
        {t('me.previews')}
      </label>
      <label className="toggle">
        <input
          type="checkbox"
          checked={settings.doNotDisturb}
          onChange={(e) => void controller.setSettings({ doNotDisturb: e.target.checked })}
        />
        {t('me.dnd')}
      </label>
    </section>
  );
}

/** What only the desktop app has: tray, taskbar flash, updates, spell-check dictionaries. */
function DesktopPreferences() {
  const { t } = useTranslation();
  const controller = useController();
  const settings = useAppStore(selectSettings);
  const [info, setInfo] = useState<DesktopInfo | null>(null);
  const [updateUrl, setUpdateUrl] = useState(settings.updateUrl ?? '');
  const [urlError, setUrlError] = useState(false);
  useEffect(() => {
    void controller.desktop.getDesktopInfo().then((r) => r.ok && setInfo(r.value));
  }, [controller]);
  const saveUrl = () => {
    const text = updateUrl.trim();
    const parsed = text ? ServerUrl.safeParse(text) : null;
    setUrlError(parsed !== null && !parsed.success);
    if (parsed === null) void controller.setSettings({ updateUrl: null });
    else if (parsed.success) void controller.setSettings({ updateUrl: parsed.data });
  };
  const languages = info?.spellCheckLanguages ?? null;
  return (
    <section className="stack">
      <h3>{t('me.desktop')}</h3>
      <label className="toggle">
        <input
          type="checkbox"
          checked={settings.closeToTray}
          onChange={(e) => void controller.setSettings({ closeToTray: e.target.checked })}
        />
        {t('me.closeToTray')}
      </label>
      {info?.trayMayBeHidden && <p className="hint">{t('me.closeToTrayGnome')}</p>}
      <label className="toggle">
        <input
          type="checkbox"
          checked={settings.flashOnMention}
          onChange={(e) => void controller.setSettings({ flashOnMention: e.target.checked })}
        />
        {t('me.flashOnMention')}
      </label>
      <label className="toggle">
        <input
          type="checkbox"
          checked={settings.autoUpdate}
          onChange={(e) => void controller.setSettings({ autoUpdate: e.target.checked })}
        />
        {t('me.autoUpdate')}
      </label>
      <div className="field">
        <label htmlFor="me-update-url">{t('me.updateUrl')}</label>
        <input
          id="me-update-url"
          type="url"
          value={updateUrl}
          placeholder="https://…"
          onChange={(e) => setUpdateUrl(e.target.value)}
          onBlur={saveUrl}
          onKeyDown={(e) => e.key === 'Enter' && saveUrl()}
          aria-invalid={urlError ? true : undefined}
          aria-describedby="me-update-url-hint"
        />
        {urlError ? (
          <div className="field-error">{t('me.updateUrlInvalid')}</div>
        ) : (
          <p className="hint" id="me-update-url-hint">
            {t('me.updateUrlHint')}
          </p>
        )}
      </div>
      {languages && languages.length > 0 && (
        <div className="field">
          <label htmlFor="me-spell">{t('me.spellCheck')}</label>
          <select
            id="me-spell"
            multiple
            size={5}
            value={settings.spellCheckLanguages}
            aria-describedby="me-spell-hint"
            onChange={(e) =>
              void controller.setSettings({
                spellCheckLanguages: Array.from(e.target.selectedOptions, (o) => o.value).slice(0, 5),
              })
            }
          >
            {languages.map((tag) => (
              <option key={tag} value={tag}>
                {languageName(tag)}
              </option>
            ))}
          </select>
          <p className="hint" id="me-spell-hint">
            {t('me.spellCheckHint')}
          </p>
        </div>
      )}
    </section>
  );
}

/** "de" -> "German (de)" in the UI's language, where the browser knows it. */
function languageName(tag: string): string {
  try {
    const name = new Intl.DisplayNames([document.documentElement.lang || 'en'], { type: 'language' }).of(tag);
    return name && name !== tag ? `${name} (${tag})` : tag;
  } catch {
    return tag;
  }
}

export function MeDialog() {
  const { t } = useTranslation();
  const controller = useController();
  const persistence = useAppStore((s) => s.session.persistence);
  const [sessionsVersion, setSessionsVersion] = useState(0);
  return (
    <Dialog title={t('me.title')} wide>
      <div className="me-grid">
        <div>
          <Profile />
          <ChangePassword onChanged={() => setSessionsVersion((v) => v + 1)} />
        </div>
        <div>
          <Preferences />
          {controller.desktop.platform === 'desktop' && <DesktopPreferences />}
          <Sessions version={sessionsVersion} />
          {persistence === 'this-run-only' && (
            <p className="notice">{controller.desktop.platform === 'web' ? t('me.thisTabOnly') : t('me.thisRunOnly')}</p>
          )}
          <button type="button" className="danger wide" onClick={() => void controller.logout()}>
            {t('me.logout')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
