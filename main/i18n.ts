// Main process: the texts main itself shows (tray and application menus, tooltips, notifications made here, dialogs)
// in English and Simplified Chinese. The language follows the app's setting (the renderer's choice, stored in main's
// settings); with none chosen, the system's preferred languages. The table's type makes both languages complete.

export type MainLocale = 'en' | 'zh-CN';

export interface MainStrings {
  // tray
  open: (product: string) => string;
  doNotDisturb: string;
  quit: string;
  restartToUpdate: string;
  // application menu
  file: string;
  edit: string;
  view: string;
  window: string;
  help: string;
  quitApp: (product: string) => string;
  openLogs: string;
  undo: string;
  redo: string;
  cut: string;
  copy: string;
  paste: string;
  selectAll: string;
  reload: string;
  resetZoom: string;
  zoomIn: string;
  zoomOut: string;
  fullScreen: string;
  minimize: string;
  close: string;
  // context menu
  noSuggestions: string;
  addToDictionary: string;
  copyLink: string;
  copyImage: string;
  // unread tooltip / overlay
  unread: (count: number) => string;
  // notifications
  newMessage: string;
  inRoom: (sender: string, room: string) => string;
  burstFrom: (count: number, sender: string) => string;
  burstIn: (count: number, room: string) => string;
  stillRunningTitle: (product: string) => string;
  stillRunningBody: string;
  // dialogs
  couldNotStart: (product: string) => string;
  seeLog: (file: string) => string;
  unreadableSettings: (file: string, code: string, product: string) => string;
  crashedTitle: (product: string) => string;
  crashedDetail: (reason: string) => string;
  hungTitle: (product: string) => string;
  hungDetail: string;
  reloadButton: string;
  quitButton: string;
  waitButton: string;
}

const en: MainStrings = {
  open: (p) => `Open ${p}`,
  doNotDisturb: 'Do Not Disturb',
  quit: 'Quit',
  restartToUpdate: 'Restart to update',
  file: 'File',
  edit: 'Edit',
  view: 'View',
  window: 'Window',
  help: 'Help',
  quitApp: (p) => `Quit ${p}`,
  openLogs: 'Open logs folder',
  undo: 'Undo',
  redo: 'Redo',
  cut: 'Cut',
  copy: 'Copy',
  paste: 'Paste',
  selectAll: 'Select all',
  reload: 'Reload',
  resetZoom: 'Actual size',
  zoomIn: 'Zoom in',
  zoomOut: 'Zoom out',
  fullScreen: 'Toggle full screen',
  minimize: 'Minimize',
  close: 'Close window',
  noSuggestions: 'No suggestions',
  addToDictionary: 'Add to dictionary',
  copyLink: 'Copy link',
  copyImage: 'Copy image',
  unread: (n) => (n === 1 ? '1 unread message' : `${n > 9999 ? '9999+' : n} unread messages`),
  newMessage: 'New message',
  inRoom: (sender, room) => `${sender} in #${room}`,
  burstFrom: (n, sender) => `${n} new messages from ${sender}`,
  burstIn: (n, room) => `${n} new messages in #${room}`,
  stillRunningTitle: (p) => `${p} is still running`,
  stillRunningBody: 'It stays in the tray so you still get notifications. Quit from the tray menu, or turn this off in Settings.',
  couldNotStart: (p) => `${p} could not start`,
  seeLog: (file) => `Details are in the log: ${file}`,
  unreadableSettings: (file, code, p) =>
    `Cannot read the settings file ${file} (${code}). If ${p} was once started with sudo, give that file back to your user or delete it.`,
  crashedTitle: (p) => `${p} stopped working`,
  crashedDetail: (reason) => `The window's page ended unexpectedly (${reason}). Reload it to continue.`,
  hungTitle: (p) => `${p} is not responding`,
  hungDetail: 'You can wait for it, or reload the window.',
  reloadButton: 'Reload',
  quitButton: 'Quit',
  waitButton: 'Wait',
};

const zhCN: MainStrings = {
  open: (p) => `打开 ${p}`,
  doNotDisturb: '勿扰模式',
  quit: '退出',
  restartToUpdate: '重启以完成更新',
  file: '文件',
  edit: '编辑',
  view: '视图',
  window: '窗口',
  help: '帮助',
  quitApp: (p) => `退出 ${p}`,
  openLogs: '打开日志文件夹',
  undo: '撤销',
  redo: '重做',
  cut: '剪切',
  copy: '复制',
  paste: '粘贴',
  selectAll: '全选',
  reload: '重新加载',
  resetZoom: '实际大小',
  zoomIn: '放大',
  zoomOut: '缩小',
  fullScreen: '切换全屏',
  minimize: '最小化',
  close: '关闭窗口',
  noSuggestions: '没有建议',
  addToDictionary: '添加到词典',
  copyLink: '复制链接',
  copyImage: '复制图片',
  unread: (n) => `${n > 9999 ? '9999+' : n} 条未读消息`,
  newMessage: '新消息',
  inRoom: (sender, room) => `${sender}（#${room}）`,
  burstFrom: (n, sender) => `来自 ${sender} 的 ${n} 条新消息`,
  burstIn: (n, room) => `#${room} 中有 ${n} 条新消息`,
  stillRunningTitle: (p) => `${p} 仍在运行`,
  stillRunningBody: '它留在托盘中，以便你继续收到通知。可从托盘菜单退出，或在设置中关闭此行为。',
  couldNotStart: (p) => `${p} 无法启动`,
  seeLog: (file) => `详细信息见日志：${file}`,
  unreadableSettings: (file, code, p) =>
    `无法读取设置文件 ${file}（${code}）。如果曾用 sudo 启动过 ${p}，请把该文件的所有权交还给你的用户，或删除它。`,
  crashedTitle: (p) => `${p} 停止工作`,
  crashedDetail: (reason) => `窗口页面意外结束（${reason}）。重新加载即可继续。`,
  hungTitle: (p) => `${p} 没有响应`,
  hungDetail: '你可以等待，或重新加载窗口。',
  reloadButton: '重新加载',
  quitButton: '退出',
  waitButton: '等待',
};

export const MAIN_STRINGS: Record<MainLocale, MainStrings> = { en, 'zh-CN': zhCN };

/** The setting when it names a language we have; else the first system language we have; else English. */
export function pickLocale(setting: string | null, systemLanguages: readonly string[]): MainLocale {
  for (const tag of [...(setting ? [setting] : []), ...systemLanguages]) {
    const lower = tag.toLowerCase();
    // Chinese written in simplified characters: zh, zh-CN, zh-SG, zh-Hans(-*); zh-TW/HK/Hant are not ours yet.
    if (lower === 'zh' || /^zh-(cn|sg|hans)\b/.test(lower)) return 'zh-CN';
    if (lower.startsWith('zh')) continue;
    if (lower === 'en' || lower.startsWith('en-')) return 'en';
  }
  return 'en';
}

export function mainStrings(locale: MainLocale): MainStrings {
  return MAIN_STRINGS[locale];
}
