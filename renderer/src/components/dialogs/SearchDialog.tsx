// Message search (Ctrl+F in a room, Ctrl+Shift+F everywhere): results newest first, grouped by room, with the
// matched words marked; Up/Down choose, Enter opens the room at that message. Recent searches are remembered.
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { parseQuery, splitByRanges } from '../../../../protocol/search.js';
import type { SearchResult } from '../../../../protocol/types.js';
import { errorText } from '../../lib/errors.js';
import { listStamp } from '../../lib/format.js';
import { forgetRecentSearches, recentSearches, rememberSearch } from '../../lib/recent-searches.js';
import { useAppStore } from '../../store/index.js';
import { useController } from '../context.js';
import { Dialog } from './Dialog.js';

const PAGE = 20;

function Highlighted({ result }: { result: SearchResult }) {
  return (
    <span className="search-body">
      {splitByRanges(result.message.body, result.highlights).map((part, i) => (part.hit ? <mark key={i}>{part.text}</mark> : part.text))}
    </span>
  );
}

export function SearchDialog() {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const close = useAppStore((s) => s.setDialog);
  const scopeRoomId = useAppStore((s) => s.ui.searchRoomId);
  const scopeRoom = useAppStore((s) => (scopeRoomId !== null ? s.rooms.byId[scopeRoomId] : undefined));
  const [inRoom, setInRoom] = useState(scopeRoomId !== null);
  const [q, setQ] = useState('');
  const [results, setResults] = useState<SearchResult[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [state, setState] = useState<'idle' | 'loading' | 'done' | 'short'>('idle');
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState(0);
  const [recent, setRecent] = useState(recentSearches);
  const roomId = inRoom && scopeRoomId !== null ? scopeRoomId : undefined;

  const search = async (before?: number) => {
    const page = await controller.api.searchMessages({
      q: q.trim(),
      limit: PAGE,
      ...(roomId ? { roomId } : {}),
      ...(before ? { before } : {}),
    });
    return page;
  };

  useEffect(() => {
    const text = q.trim();
    setError(null);
    if (text === '') return setState('idle');
    const parsed = parseQuery(text);
    if (parsed.words.length + parsed.cjk.length === 0) return setState('short');
    let live = true;
    setState('loading');
    const timer = setTimeout(() => {
      controller.api.searchMessages({ q: text, limit: PAGE, ...(roomId ? { roomId } : {}) }).then(
        (page) => {
          if (!live) return;
          setResults(page.results);
          setHasMore(page.hasMore);
          setSelected(0);
          setState('done');
        },
        (err: unknown) => {
          if (!live) return;
          setError(errorText(t, err));
          setState('done');
        },
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q, roomId, controller, t]);

  // Grouped by room in order of each room's newest result; the keyboard walks the same order.
  const groups = useMemo(() => {
    const byRoom = new Map<number, SearchResult[]>();
    for (const r of results) {
      const list = byRoom.get(r.message.roomId);
      if (list) list.push(r);
      else byRoom.set(r.message.roomId, [r]);
    }
    return [...byRoom.values()];
  }, [results]);
  const ordered = useMemo(() => groups.flat(), [groups]);

  const open = (r: SearchResult | undefined) => {
    if (!r) return;
    setRecent(rememberSearch(q.trim()));
    close(null);
    void controller.openAt(r.message.roomId, r.message.seq);
  };

  const more = async () => {
    const last = results[results.length - 1];
    if (!last) return;
    try {
      const page = await search(last.message.id);
      setResults((now) => [...now, ...page.results]);
      setHasMore(page.hasMore);
    } catch (err) {
      setError(errorText(t, err));
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = ordered.length;
      if (n > 0) setSelected((i) => (i + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      open(ordered[selected]);
    }
  };

  useEffect(() => {
    document.getElementById(`search-result-${selected}`)?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  return (
    <Dialog title={t('search.title')} wide>
      <div className="search-bar">
        <input
          type="search"
          autoFocus
          data-autofocus
          aria-label={t('search.placeholder')}
          placeholder={t('search.placeholder')}
          value={q}
          maxLength={200}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={onKeyDown}
          role="combobox"
          aria-expanded={ordered.length > 0}
          aria-controls="search-results"
          aria-activedescendant={ordered.length > 0 ? `search-result-${selected}` : undefined}
        />
        {scopeRoom && (
          <div className="search-scope" role="group" aria-label={t('search.scope')}>
            <button type="button" aria-pressed={inRoom} onClick={() => setInRoom(true)}>
              {t('search.inRoom', { room: scopeRoom.name })}
            </button>
            <button type="button" aria-pressed={!inRoom} onClick={() => setInRoom(false)}>
              {t('search.everywhere')}
            </button>
          </div>
        )}
      </div>
      {state === 'idle' && recent.length > 0 && (
        <section className="search-recent" aria-label={t('search.recent')}>
          <h3>
            {t('search.recent')}
            <button type="button" className="link" onClick={() => setRecent(forgetRecentSearches())}>
              {t('search.clearRecent')}
            </button>
          </h3>
          <ul>
            {recent.map((text) => (
              <li key={text}>
                <button type="button" className="link" onClick={() => setQ(text)}>
                  {text}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {state === 'short' && <p className="hint">{t('search.tooShort')}</p>}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {state === 'done' && !error && results.length === 0 && <p className="hint">{t('search.none')}</p>}
      {results.length > 0 && state !== 'idle' && state !== 'short' && (
        <div id="search-results" className="search-results" role="listbox" aria-label={t('search.results')}>
          {groups.map((group) => (
            <div key={group[0]!.message.roomId} role="group" aria-label={group[0]!.roomName} className="search-group">
              <h3 className="search-room">{group[0]!.roomName}</h3>
              {group.map((r) => {
                const index = ordered.indexOf(r);
                return (
                  <div
                    key={r.message.id}
                    id={`search-result-${index}`}
                    role="option"
                    aria-selected={index === selected}
                    className={`search-result${index === selected ? ' selected' : ''}`}
                    onMouseEnter={() => setSelected(index)}
                    onClick={() => open(r)}
                  >
                    <div className="search-meta">
                      <span className="search-sender">{r.message.sender.displayName}</span>
                      <time dateTime={r.message.createdAt}>{listStamp(r.message.createdAt, i18n.language)}</time>
                    </div>
                    <Highlighted result={r} />
                  </div>
                );
              })}
            </div>
          ))}
          {hasMore && (
            <button type="button" className="link search-more" onClick={() => void more()}>
              {t('search.more')}
            </button>
          )}
        </div>
      )}
      <p className="hint search-hint">{t('search.hint')}</p>
    </Dialog>
  );
}
