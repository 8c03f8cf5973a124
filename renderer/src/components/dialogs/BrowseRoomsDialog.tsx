import { useEffect, useState } from 'react';
import { Icon } from '../Icon.js';
import { useTranslation } from 'react-i18next';
import type { Room } from '../../../../protocol/types.js';
import { errorText } from '../../lib/errors.js';
import { useAppStore } from '../../store/index.js';
import { useController } from '../context.js';
import { Dialog } from './Dialog.js';

export function BrowseRoomsDialog() {
  const { t } = useTranslation();
  const controller = useController();
  const mine = useAppStore((s) => s.rooms.byId);
  const [q, setQ] = useState('');
  const [rooms, setRooms] = useState<Room[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      controller.api.publicRooms({ q: q.trim(), limit: 50 }).then(
        (list) => live && setRooms(list),
        (err: unknown) => live && setError(errorText(t, err)),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q, controller, t]);

  return (
    <Dialog title={t('browse.title')} wide>
      <input
        type="search"
        autoFocus
        data-autofocus
        aria-label={t('browse.search')}
        placeholder={t('browse.search')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <ul className="browse-list">
        {(rooms ?? []).map((r) => (
          <li key={r.id} className="browse-row">
            <span className="room-glyph" aria-hidden="true">
              <Icon name="hash" />
            </span>
            <span className="member-name">
              {r.name}
              <span className="member-sub">
                {t('room.members', { count: r.memberCount })}
                {r.description ? ` · ${r.description}` : ''}
              </span>
            </span>
            {mine[r.id] ? (
              <button type="button" className="small" onClick={() => controller.openFromDialog(r.id)}>
                {t('browse.open')}
              </button>
            ) : (
              <button
                type="button"
                className="small primary"
                onClick={() =>
                  void controller.join(r.id).then(
                    () => controller.openFromDialog(r.id),
                    (err: unknown) => setError(errorText(t, err)),
                  )
                }
              >
                {t('browse.join')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {rooms && rooms.length === 0 && <p className="hint">{t('browse.none')}</p>}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
