import { describe, expect, it, vi } from 'vitest';
import { createUnreadIndicator, unreadPresentation } from './unread.js';

describe('unread presentation', () => {
  it('shows the count in the tooltip, badge and overlay', () => {
    expect(unreadPresentation(0, false)).toEqual({ icon: 'idle', tooltip: 'Messenger', badge: 0, overlay: null, overlayLabel: null });
    expect(unreadPresentation(1, false)).toMatchObject({
      icon: 'unread',
      tooltip: 'Messenger — 1 unread message',
      badge: 1,
      overlay: '1 unread message',
    });
    expect(unreadPresentation(12, false).tooltip).toBe('Messenger — 12 unread messages');
  });

  it('marks Do Not Disturb in icon and tooltip', () => {
    expect(unreadPresentation(0, true)).toMatchObject({ icon: 'dnd', tooltip: 'Messenger — Do Not Disturb' });
    expect(unreadPresentation(3, true)).toMatchObject({
      icon: 'dnd-unread',
      tooltip: 'Messenger — 3 unread messages — Do Not Disturb',
      badge: 3,
    });
  });
});

describe('unread indicator', () => {
  function setup(withOverlay: boolean) {
    const tray = { setImage: vi.fn(), setToolTip: vi.fn() };
    const overlay = { setOverlayIcon: vi.fn() };
    const setBadgeCount = vi.fn();
    const refreshMenu = vi.fn();
    const indicator = createUnreadIndicator<string>(
      {
        tray: () => tray,
        setBadgeCount,
        overlay: () => (withOverlay ? overlay : null),
        image: (v) => `img:${v}`,
        overlayImage: (l) => `overlay:${l}`,
        refreshMenu,
      },
      false,
    );
    return { indicator, tray, overlay, setBadgeCount, refreshMenu };
  }

  it('updates tray, badge and Windows overlay with the count', () => {
    const t = setup(true);
    t.indicator.setCount(4);
    expect(t.tray.setImage).toHaveBeenLastCalledWith('img:unread');
    expect(t.tray.setToolTip).toHaveBeenLastCalledWith('Messenger — 4 unread messages');
    expect(t.setBadgeCount).toHaveBeenLastCalledWith(4);
    expect(t.overlay.setOverlayIcon).toHaveBeenLastCalledWith('overlay:4', '4 unread messages');
    t.indicator.setCount(10);
    expect(t.overlay.setOverlayIcon).toHaveBeenLastCalledWith('overlay:9+', '10 unread messages');
    t.indicator.setCount(0);
    expect(t.overlay.setOverlayIcon).toHaveBeenLastCalledWith(null, '');
    expect(t.tray.setImage).toHaveBeenLastCalledWith('img:idle');
  });

  it('swaps the tray image only when the variant changes', () => {
    const t = setup(false);
    t.indicator.setCount(1);
    t.indicator.setCount(2);
    t.indicator.setCount(3);
    expect(t.tray.setImage).toHaveBeenCalledTimes(1);
    expect(t.tray.setToolTip).toHaveBeenCalledTimes(3);
  });

  it('Do Not Disturb changes the icon and rebuilds the tray menu', () => {
    const t = setup(false);
    t.indicator.setCount(2);
    t.indicator.setDoNotDisturb(true);
    expect(t.tray.setImage).toHaveBeenLastCalledWith('img:dnd-unread');
    expect(t.refreshMenu).toHaveBeenCalledTimes(1);
    expect(t.indicator.state()).toEqual({ count: 2, doNotDisturb: true });
  });
});
