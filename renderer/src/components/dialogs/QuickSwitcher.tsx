// Ctrl/Cmd+K: jump to any of my rooms, start a direct conversation with anyone, or join a public room, from one
// box. A combobox over a listbox (arrow keys move, Enter picks); people and public rooms come from the server as
// you type.
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Room, UserPublic } from '../../../../protocol/types.js';
import { errorText } from '../../lib/errors.js';
import { switcherItems, type SwitcherItem } from '../../lib/switcher.js';
import { useAppStore } from '../../store/index.js';
import { roomName, selectProfiles, selectRoomList, selectSelfId } from '../../store/selectors.js';
import { useController } from '../context.js';
import { Dialog } from './Dialog.js';

const LIST_ID = 'switcher-options';

export function QuickSwitcher() {
  const { t } = useTranslation();
  const controller = useController();
  const myRooms = useAppStore(selectRoomList);
  const profiles = useAppStore(selectProfiles);
  const selfId = useAppStore(selectSelfId);
  const [query, setQuery] = useState('');
  const [remote, setRemote] = useState<{ people: UserPublic[]; publicRooms: Room[] }>({ people: [], publicRooms: [] });
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const q = query.trim();
    if (!q) return;
    let live = true;
    const timer = setTimeout(() => {
      Promise.all([controller.api.searchUsers({ q, limit: 20 }), controller.api.publicRooms({ q, limit: 20 })]).then(
        ([people, publicRooms]) => {
          if (!live) return;
          setRemote({ people, publicRooms });
          setError(null);
        },
        (err: unknown) => live && setError(errorText(t, err)),
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query, controller, t]);

  const items = useMemo(
    () =>
      switcherItems({
        query,
        myRooms,
        nameOf: (r) => roomName(r, profiles),
        people: query.trim() ? remote.people : [],
        publicRooms: query.trim() ? remote.publicRooms : [],
        selfId,
      }),
    [query, myRooms, profiles, remote, selfId],
  );
  const current = Math.min(active, Math.max(0, items.length - 1));

  const pick = async (item: SwitcherItem) => {
    try {
      let roomId: number;
      if (item.kind === 'room') roomId = item.room.id;
      else if (item.kind === 'person') roomId = await controller.openDirect(item.user.id);
      else {
        await controller.join(item.room.id);
        roomId = item.room.id;
      }
      controller.openFromDialog(roomId);
    } catch (err) {
      setError(errorText(t, err));
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive(items.length ? (current + step + items.length) % items.length : 0);
    } else if (e.key === 'Enter' && items[current]) {
      e.preventDefault();
      void pick(items[current]);
    }
  };

  const hint = (item: SwitcherItem) =>
    item.kind === 'person' ? t('switcher.person', { username: item.user.username }) : item.kind === 'public' ? t('switcher.public') : '';

  return (
    <Dialog title={t('switcher.title')}>
      <input
        type="text"
        role="combobox"
        autoFocus
        data-autofocus
        aria-label={t('switcher.label')}
        placeholder={t('switcher.placeholder')}
        aria-expanded={items.length > 0}
        aria-controls={LIST_ID}
        aria-autocomplete="list"
        aria-activedescendant={items[current] ? `switcher-${items[current].key}` : undefined}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <ul id={LIST_ID} role="listbox" aria-label={t('switcher.results')} className="switcher-list">
        {items.map((item, i) => (
          <li
            key={item.key}
            id={`switcher-${item.key}`}
            role="option"
            aria-selected={i === current}
            className={`switcher-row${i === current ? ' active' : ''}`}
            onMouseMove={() => setActive(i)}
            onClick={() => void pick(item)}
          >
            <span className="switcher-label">{item.label}</span>
            {hint(item) && <span className="switcher-hint">{hint(item)}</span>}
          </li>
        ))}
      </ul>
      {query.trim() !== '' && items.length === 0 && <p className="hint">{t('switcher.none')}</p>}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
