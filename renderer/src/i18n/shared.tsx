// One useTranslation for the whole tree, shared through a context, for components mounted by the dozen (history rows
// and what they hold). react-i18next 17's useTranslation builds a copy of the i18n instance (every own property
// descriptor) for each component that calls it, when it mounts; scrolling history mounts rows every frame, and the
// renderer benchmark's profile put 13% of the scroll's long-task time there. A language change still re-renders every
// user of the shared value, since the value changes with it.
import { createContext, useContext, type ReactNode } from 'react';
import { useTranslation, type UseTranslationResponse } from 'react-i18next';

type Translation = UseTranslationResponse<'translation', undefined>;

const Shared = createContext<Translation | null>(null);

export function SharedTranslation({ children }: { children: ReactNode }) {
  return <Shared.Provider value={useTranslation()}>{children}</Shared.Provider>;
}

/** What useTranslation() gives, without its per-component cost; needs <SharedTranslation> above. */
export function useSharedTranslation(): Translation {
  const shared = useContext(Shared);
  if (!shared) throw new Error('useSharedTranslation needs <SharedTranslation> above it');
  return shared;
}
