// A read receipt under one of my messages (lib/receipts.ts decides where): "Seen" in a direct room, "Seen by N" in a
// group. The group's line is a focusable button named with its text and the readers ("Seen by 2: Bob, Carol"), and hovering or
// focusing it shows the names in a small popover; at most NAMES_SHOWN names, then "and N more".
import { memo, useId, useState } from 'react';
import { useSharedTranslation } from '../../i18n/shared.js';
import { useAppStore } from '../../store/index.js';

const NAMES_SHOWN = 12;

export const SeenBy = memo(function SeenBy({ readers, direct }: { readers: readonly number[]; direct: boolean }) {
  const { t } = useSharedTranslation();
  const [open, setOpen] = useState(false);
  const tip = useId();
  // A string, so the line re-renders only when these names change.
  const names = useAppStore((s) =>
    readers
      .slice(0, NAMES_SHOWN)
      .map((id) => s.users.byId[id]?.displayName ?? t('system.someone'))
      .join(', '),
  );
  if (direct) {
    return (
      <div className="seen own" data-testid="seen">
        {t('receipts.seen')}
      </div>
    );
  }
  const more = readers.length - NAMES_SHOWN;
  const who = more > 0 ? t('reactions.andMore', { names, count: more }) : names;
  const label = t('receipts.seenBy', { count: readers.length });
  return (
    <div className="seen own" data-testid="seen">
      <span className="seen-anchor">
        <button
          type="button"
          className="seen-by"
          aria-label={t('receipts.seenByNames', { seen: label, names: who })}
          aria-describedby={open ? tip : undefined}
          onMouseEnter={() => setOpen(true)}
          onMouseLeave={() => setOpen(false)}
          onFocus={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && open) {
              e.stopPropagation();
              setOpen(false);
            }
          }}
        >
          {label}
        </button>
        {open && (
          <span className="seen-names" role="tooltip" id={tip}>
            {who}
          </span>
        )}
      </span>
    </div>
  );
});
