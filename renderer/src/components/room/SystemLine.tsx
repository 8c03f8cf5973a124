// A system message (joins, leaves, renames...) in the reader's language, from its structured `system` data: the
// server stores no English sentence, only the event and who.
import type { Message } from '../../../../protocol/types.js';
import { useSharedTranslation } from '../../i18n/shared.js';
import { useAppStore } from '../../store/index.js';
import { shownName } from '../../store/selectors.js';

function useName(id: number | null, fallback: Message['sender']): string | null {
  const { t } = useSharedTranslation();
  return useAppStore((s) => {
    if (id === null) return null;
    const known = s.users.byId[id] ?? (id === fallback.id ? fallback : undefined);
    return known ? shownName(known, t('users.deleted')) : t('system.someone');
  });
}

export function SystemLine({ message: m }: { message: Message }) {
  const { t } = useSharedTranslation();
  const info = m.system;
  const actor = useName(info?.actorId ?? null, m.sender) ?? t('system.someone');
  const user = useName(info?.userId ?? null, m.sender) ?? t('system.someone');
  if (!info) return <>{m.body}</>;
  const role = info.name === 'owner' || info.name === 'admin' || info.name === 'member' ? t(`roles.${info.name}`) : (info.name ?? '');
  const text = t(`system.${info.event}`, { actor, user, name: info.name ?? '', role });
  return <>{text}</>;
}
