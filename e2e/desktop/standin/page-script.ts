// What runs in each page before its own scripts: the parts of Electron that live in the renderer process.
// - The real preload bundle, evaluated with a `require('electron')` that yields a contextBridge and an ipcRenderer
//   bridged to main through a Playwright binding (the preload runs in the page's world here, not an isolated one).
// - The window's OS state (shown, focused) reflected in document.visibilityState / hasFocus() and their events.
// - window.open, target=_blank links and <webview> routed to main, where Electron would consult
//   setWindowOpenHandler and will-attach-webview.
export const BINDINGS = {
  invoke: '__standinInvoke',
  windowOpen: '__standinWindowOpen',
  attachWebview: '__standinAttachWebview',
} as const;
export const PAGE_HOOKS = { emit: '__standinEmit', windowState: '__standinWindowState' } as const;

export function pageScript(preloadSource: string | null): string {
  return `(() => {
  if (window.top !== window) return;
  const bindings = ${JSON.stringify(BINDINGS)};
  let state = { visible: false, focused: false };
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (state.visible ? 'visible' : 'hidden') });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => !state.visible });
  Document.prototype.hasFocus = function () { return state.visible && state.focused; };
  window.${PAGE_HOOKS.windowState} = (next) => {
    const was = state;
    state = next;
    if (was.visible !== next.visible) document.dispatchEvent(new Event('visibilitychange'));
    if (was.focused !== next.focused) window.dispatchEvent(new Event(next.focused ? 'focus' : 'blur'));
  };

  window.open = (url) => {
    void window[bindings.windowOpen](String(new URL(String(url ?? ''), location.href)));
    return null;
  };
  document.addEventListener('click', (e) => {
    const a = e.target instanceof Element ? e.target.closest('a[target="_blank"]') : null;
    if (!a) return;
    e.preventDefault();
    void window[bindings.windowOpen](a.href);
  }, true);
  new MutationObserver((changes) => {
    for (const c of changes) for (const n of c.addedNodes) {
      if (n instanceof Element && n.localName === 'webview') {
        window[bindings.attachWebview](n.getAttribute('src') ?? '').then((allowed) => { if (!allowed) n.remove(); });
      }
    }
  }).observe(document, { childList: true, subtree: true });

  const listeners = new Map();
  window.${PAGE_HOOKS.emit} = (channel, payload) => {
    for (const l of [...(listeners.get(channel) ?? [])]) l({}, payload);
  };
  const ipcRenderer = {
    invoke: (channel, ...args) => window[bindings.invoke](channel, args),
    on(channel, listener) { (listeners.get(channel) ?? listeners.set(channel, new Set()).get(channel)).add(listener); return ipcRenderer; },
    removeListener(channel, listener) { listeners.get(channel)?.delete(listener); return ipcRenderer; },
  };
  const contextBridge = {
    exposeInMainWorld(key, api) {
      Object.defineProperty(window, key, { value: Object.freeze({ ...api }), enumerable: true, configurable: false, writable: false });
    },
  };
  ${
    preloadSource === null
      ? ''
      : `((require, module, exports) => {\n${preloadSource}\n})((name) => {
    if (name === 'electron') return { contextBridge, ipcRenderer };
    throw new Error('a sandboxed preload cannot require ' + name);
  }, { exports: {} }, {});`
  }
})();`;
}
