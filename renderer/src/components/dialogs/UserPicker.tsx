// Search people by username or display name (debounced) and pick one.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserPublic } from '../../../../protocol/types.js';
import { Avatar } from '../Avatar.js';
import { useController } from '../context.js';

export function UserPicker({
  label,
  exclude,
  onPick,
  onCancel,
}: {
  label: string;
  exclude?: Set<number>;
  onPick: (u: UserPublic) => void;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const controller = useController();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<UserPublic[]>([]);
  const [searched, setSearched] = useState(false);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      controller.api.searchUsers({ q: q.trim(), limit: 20 }).then(
        (list) => {
          if (!live) return;
          setResults(list);
          setSearched(true);
        },
        () => undefined,
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q, controller]);

  const selfId = controller.store.getState().session.user?.id;
  const shown = results.filter((u) => u.id !== selfId && !exclude?.has(u.id));
  return (
    <div className="picker">
      <input
        type="search"
        autoFocus
        data-autofocus
        aria-label={label}
        placeholder={t('people.search')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && onCancel) {
            e.stopPropagation();
            onCancel();
          }
        }}
      />
      <ul className="picker-list">
        {shown.map((u) => (
          <li key={u.id}>
            <button type="button" className="picker-row" onClick={() => onPick(u)}>
              <Avatar id={u.id} name={u.displayName} url={u.avatarUrl} size={28} online={u.online} />
              <span className="member-name">
                {u.displayName}
                <span className="member-sub">@{u.username}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
      {searched && shown.length === 0 && <p className="hint">{t('people.none')}</p>}
      {onCancel && (
        <button type="button" className="small" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      )}
    </div>
  );
}
