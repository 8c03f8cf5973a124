// The admin area (server administrators only): users, rooms, registration and invites, server status, audit log,
// as tabs in one wide dialog. Tabs follow the WAI-ARIA pattern: arrow keys, Home and End move between them.
import { useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../dialogs/Dialog.js';
import { AuditTab } from './AuditTab.js';
import { RegistrationTab } from './RegistrationTab.js';
import { RoomsTab } from './RoomsTab.js';
import { StatusTab } from './StatusTab.js';
import { UsersTab } from './UsersTab.js';

const TABS = ['users', 'rooms', 'registration', 'status', 'audit'] as const;
type Tab = (typeof TABS)[number];
const PANELS: Record<Tab, () => React.JSX.Element> = {
  users: UsersTab,
  rooms: RoomsTab,
  registration: RegistrationTab,
  status: StatusTab,
  audit: AuditTab,
};

export function AdminDialog() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>('users');
  const refs = useRef<Partial<Record<Tab, HTMLButtonElement | null>>>({});
  const onKeyDown = (e: KeyboardEvent) => {
    const i = TABS.indexOf(tab);
    const next =
      e.key === 'ArrowRight'
        ? TABS[(i + 1) % TABS.length]
        : e.key === 'ArrowLeft'
          ? TABS[(i + TABS.length - 1) % TABS.length]
          : e.key === 'Home'
            ? TABS[0]
            : e.key === 'End'
              ? TABS[TABS.length - 1]
              : null;
    if (!next) return;
    e.preventDefault();
    setTab(next);
    refs.current[next]?.focus();
  };
  const Panel = PANELS[tab];
  return (
    <Dialog title={t('admin.title')} wide>
      <div className="admin-tabs" role="tablist" aria-label={t('admin.title')} onKeyDown={onKeyDown}>
        {TABS.map((name) => (
          <button
            key={name}
            ref={(el) => {
              refs.current[name] = el;
            }}
            type="button"
            role="tab"
            id={`admin-tab-${name}`}
            aria-selected={tab === name}
            aria-controls="admin-panel"
            tabIndex={tab === name ? 0 : -1}
            onClick={() => setTab(name)}
          >
            {t(`admin.tabs.${name}`)}
          </button>
        ))}
      </div>
      <div className="admin-panel" id="admin-panel" role="tabpanel" aria-labelledby={`admin-tab-${tab}`}>
        <Panel key={tab} />
      </div>
    </Dialog>
  );
}
