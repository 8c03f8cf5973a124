// One useTranslation for the whole tree, shared through a context, for components mounted by the dozen (history rows
// and what they hold). react-i18next 17's useTranslation builds a copy of the i18n instance (every own property
// descriptor) for each component that calls it, when it mounts; scrolling history mounts rows every frame, and the
// renderer benchmark's profile put 13% of the scroll's long-task time there. A language change still re-renders every
// user of the shared value, since the value changes with it.
// Its `t` also remembers the strings it was asked for without options ("Reply", "Add reaction"): each history row
// asks for half a dozen, and i18next resolves and interpolates every call anew (a room switch's script time went from
// 39.1 to 34.9 ms without it, bench/renderer-ab.ts). The memory belongs to one `t`, and a language change brings a new one.
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useTranslation, type UseTranslationResponse } from 'react-i18next';

type Translation = Pick<UseTranslationResponse<'translation', undefined>, 't' | 'i18n'>;

const Shared = createContext<Translation | null>(null);

export function SharedTranslation({ children }: { children: ReactNode }) {
  // `t` is a new function whenever the language or the loaded strings change (react-i18next's snapshot).
  const { t, i18n } = useTranslation();
  const value = useMemo<Translation>(() => {
    const plain = new Map<string, string>();
    const remembering = ((key: unknown, ...rest: unknown[]) => {
      const call = t as unknown as (...args: unknown[]) => string;
      if (rest.length > 0 || typeof key !== 'string') return call(key, ...rest);
      let text = plain.get(key);
      if (text === undefined) {
        text = call(key);
        plain.set(key, text);
      }
      return text;
    }) as unknown as Translation['t'];
    return { t: remembering, i18n };
  }, [t, i18n]);
  return <Shared.Provider value={value}>{children}</Shared.Provider>;
}

/** What useTranslation() gives (t and i18n), without its per-component cost; needs <SharedTranslation> above. */
export function useSharedTranslation(): Translation {
  const shared = useContext(Shared);
  if (!shared) throw new Error('useSharedTranslation needs <SharedTranslation> above it');
  return shared;
}
