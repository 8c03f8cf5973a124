// A system message (joins, leaves, renames...) in the reader's language, from its structured `system` data: the
// server stores no English sentence, only the event and who.
import { useTranslation } from 'react-i18next';
import type { Message } from '../../../../protocol/types.js';
import { useAppStore } from '../../store/index.js';

function useName(id: number | null, fallback: Message['sender']): string | null {
  const { t } = useTranslation();
  return useAppStore((s) => {
    if (id === null) return null;
    const known = s.users.byId[id];
    if (known) return known.displayName;
    return id === fallback.id ? fallback.displayName : t('system.someone');
  });
}

export function SystemLine({ message: m }: { message: Message }) {
  const { t } = useTranslation();
  const info = m.system;
  const actor = useName(info?.actorId ?? null, m.sender) ?? t('system.someone');
  const user = useName(info?.userId ?? null, m.sender) ?? t('system.someone');
  if (!info) return <>{m.body}</>;
  const role = info.name === 'owner' || info.name === 'admin' || info.name === 'member' ? t(`roles.${info.name}`) : (info.name ?? '');
  const text = t(`system.${info.event}`, { actor, user, name: info.name ?? '', role });
  return <>{text}</>;
}
