// Who may create an account: the registration mode (open, by invite, closed), and the invites: create one (uses,
// lifetime, rooms the new account joins), copy its link, revoke it.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminSettings, Invite, RegistrationMode } from '../../../../protocol/admin.js';
import { errorText } from '../../lib/errors.js';
import { useAppStore } from '../../store/index.js';
import { selectRoomList } from '../../store/selectors.js';
import { CopyField, RowError, useAdminApi, useRowErrors, useStamp } from './shared.js';

const MODES: RegistrationMode[] = ['open', 'invite', 'closed'];

function inviteUrl(serverUrl: string | null, code: string): string {
  const base = (serverUrl ?? window.location.origin).replace(/\/+$/, '');
  return `${base}/#/invite/${code}`;
}

function Settings() {
  const { t } = useTranslation();
  const admin = useAdminApi();
  const [settings, setSettings] = useState<AdminSettings | null>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    admin.settings().then(setSettings, (err: unknown) => setMsg({ ok: false, text: errorText(t, err) }));
  }, [admin, t]);
  const change = (patch: Partial<AdminSettings>) => {
    const before = settings;
    if (before) setSettings({ ...before, ...patch });
    setMsg(null);
    admin.updateSettings(patch).then(
      (s) => {
        setSettings(s);
        setMsg({ ok: true, text: t('common.saved') });
      },
      (err: unknown) => {
        setSettings(before);
        setMsg({ ok: false, text: errorText(t, err) });
      },
    );
  };
  return (
    <>
      <fieldset className="radio notify-level">
        <legend>{t('admin.registration.mode')}</legend>
        {MODES.map((m) => (
          <label key={m} className="toggle">
            <input
              type="radio"
              name="registration-mode"
              value={m}
              checked={settings?.registration === m}
              disabled={settings === null}
              onChange={() => change({ registration: m })}
            />
            <span>
              {t(`admin.registration.mode_${m}`)} <span className="hint">{t(`admin.registration.modeHint_${m}`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <label className="toggle">
        <input
          type="checkbox"
          checked={settings?.roomOwnerInvites ?? false}
          disabled={settings === null}
          onChange={(e) => change({ roomOwnerInvites: e.target.checked })}
        />
        {t('admin.registration.roomOwnerInvites')}
      </label>
      {msg && (
        <p className={msg.ok ? 'ok-text' : 'form-error'} role={msg.ok ? 'status' : 'alert'}>
          {msg.text}
        </p>
      )}
    </>
  );
}

function CreateInvite({ onCreated }: { onCreated: (i: Invite) => void }) {
  const { t } = useTranslation();
  const admin = useAdminApi();
  const id = useId();
  const groups = useAppStore(selectRoomList).filter((r) => r.kind === 'group');
  const [maxUses, setMaxUses] = useState('1');
  const [hours, setHours] = useState('168');
  const [roomIds, setRoomIds] = useState<number[]>([]);
  const [error, setError] = useState<string | null>(null);
  const usesErr = maxUses && !/^[1-9][0-9]{0,5}$/.test(maxUses) ? t('admin.invites.wholeNumber') : null;
  const hoursErr = hours && (!/^[1-9][0-9]{0,4}$/.test(hours) || Number(hours) > 24 * 366) ? t('admin.invites.hoursRange') : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (usesErr || hoursErr) return;
    setError(null);
    admin
      .createInvite({
        ...(maxUses ? { maxUses: Number(maxUses) } : {}),
        ...(hours ? { expiresInHours: Number(hours) } : {}),
        ...(roomIds.length ? { roomIds } : {}),
      })
      .then(onCreated, (err: unknown) => setError(errorText(t, err)));
  };
  return (
    <form className="stack invite-form" onSubmit={submit} noValidate aria-labelledby={`${id}-h`}>
      <h4 id={`${id}-h`}>{t('admin.invites.create')}</h4>
      <div className="invite-fields">
        <div className="field">
          <label htmlFor={`${id}-uses`}>{t('admin.invites.maxUses')}</label>
          <input
            id={`${id}-uses`}
            inputMode="numeric"
            value={maxUses}
            placeholder={t('admin.invites.unlimited')}
            onChange={(e) => setMaxUses(e.target.value.trim())}
            aria-invalid={usesErr ? true : undefined}
            aria-describedby={usesErr ? `${id}-uses-err` : undefined}
          />
          {usesErr && (
            <div className="field-error" id={`${id}-uses-err`}>
              {usesErr}
            </div>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-hours`}>{t('admin.invites.expiresInHours')}</label>
          <input
            id={`${id}-hours`}
            inputMode="numeric"
            value={hours}
            placeholder={t('admin.invites.never')}
            onChange={(e) => setHours(e.target.value.trim())}
            aria-invalid={hoursErr ? true : undefined}
            aria-describedby={hoursErr ? `${id}-hours-err` : undefined}
          />
          {hoursErr && (
            <div className="field-error" id={`${id}-hours-err`}>
              {hoursErr}
            </div>
          )}
        </div>
      </div>
      {groups.length > 0 && (
        <fieldset className="radio invite-rooms">
          <legend>{t('admin.invites.rooms')}</legend>
          {groups.map((r) => (
            <label key={r.id} className="toggle">
              <input
                type="checkbox"
                checked={roomIds.includes(r.id)}
                onChange={(e) => setRoomIds((ids) => (e.target.checked ? [...ids, r.id] : ids.filter((x) => x !== r.id)))}
              />
              {r.name}
            </label>
          ))}
        </fieldset>
      )}
      <button type="submit" className="primary">
        {t('admin.invites.createAction')}
      </button>
      <RowError text={error ?? undefined} />
    </form>
  );
}

export function RegistrationTab() {
  const { t } = useTranslation();
  const admin = useAdminApi();
  const stamp = useStamp();
  const serverUrl = useAppStore((s) => s.session.serverUrl);
  const rooms = useAppStore((s) => s.rooms.byId);
  const [invites, setInvites] = useState<Invite[] | null>(null);
  const [created, setCreated] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { errors, busy, run } = useRowErrors();
  useEffect(() => {
    admin.invites().then(setInvites, (err: unknown) => setError(errorText(t, err)));
  }, [admin, t]);

  const uses = (i: Invite) =>
    i.maxUses === null ? t('admin.invites.usesUnlimited', { uses: i.uses }) : t('admin.invites.uses', { uses: i.uses, max: i.maxUses });
  return (
    <section className="stack admin-section" aria-labelledby="admin-registration-h">
      <h3 id="admin-registration-h">{t('admin.tabs.registration')}</h3>
      <Settings />
      <CreateInvite
        onCreated={(i) => {
          setInvites((list) => [i, ...(list ?? [])]);
          setCreated(i.id);
        }}
      />
      <h4>{t('admin.invites.title')}</h4>
      <ul className="admin-list">
        {(invites ?? []).map((i) => (
          <li key={i.id} className="admin-row">
            <div className="admin-row-main">
              <span className="member-name">
                <span className="mono">{i.code}</span>
                <span className="member-sub">
                  {uses(i)} · {i.expiresAt ? t('admin.invites.expires', { when: stamp(i.expiresAt) }) : t('admin.invites.noExpiry')}
                  {i.roomIds.length > 0 &&
                    ` · ${t('admin.invites.joins', { rooms: i.roomIds.map((r) => rooms[r]?.name ?? `#${r}`).join(', ') })}`}
                </span>
              </span>
              <button
                type="button"
                className="small danger"
                disabled={busy !== null}
                onClick={() =>
                  void run(String(i.id), async () => {
                    await admin.revokeInvite(i.id);
                    setInvites((list) => (list ?? []).filter((x) => x.id !== i.id));
                  })
                }
              >
                {t('admin.invites.revoke')}
              </button>
            </div>
            <CopyField
              label={t(created === i.id ? 'admin.invites.newLink' : 'admin.invites.link', { code: i.code })}
              value={inviteUrl(serverUrl, i.code)}
            />
            <RowError text={errors[String(i.id)]} />
          </li>
        ))}
      </ul>
      {invites && invites.length === 0 && <p className="hint">{t('admin.invites.none')}</p>}
      <RowError text={error ?? undefined} />
    </section>
  );
}
