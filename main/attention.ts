// Main process: asks for the user's attention when a direct message or a mention arrives while the window is not
// focused: the taskbar button flashes (Windows, Linux) or the dock icon bounces once (macOS, 'informational'), behind
// the flashOnMention setting. Stopped as soon as the window gets focus.

export interface AttentionWindow {
  isDestroyed(): boolean;
  isFocused(): boolean;
  flashFrame(flag: boolean): void;
}

export interface AttentionDeps {
  platform: NodeJS.Platform;
  window: () => AttentionWindow | null;
  enabled: () => boolean;
  /** macOS: app.dock.bounce('informational'); its id for cancelBounce. */
  bounce: () => number;
  cancelBounce: (id: number) => void;
}

export interface Attention {
  /** A notification was asked for; flash/bounce when it is personal and the window is not in front. */
  message(input: { isDirect: boolean; mentionsMe?: boolean | undefined }): boolean;
  /** The window got focus. */
  focused(): void;
}

export function createAttention(deps: AttentionDeps): Attention {
  let flashing = false;
  let bounceId: number | null = null;
  return {
    message(input) {
      if (!input.isDirect && !input.mentionsMe) return false;
      if (!deps.enabled()) return false;
      const win = deps.window();
      if (!win || win.isDestroyed() || win.isFocused()) return false;
      if (deps.platform === 'darwin') {
        if (bounceId === null) bounceId = deps.bounce();
      } else {
        win.flashFrame(true);
        flashing = true;
      }
      return true;
    },
    focused() {
      if (bounceId !== null) deps.cancelBounce(bounceId);
      bounceId = null;
      const win = deps.window();
      if (flashing && win && !win.isDestroyed()) win.flashFrame(false);
      flashing = false;
    },
  };
}
