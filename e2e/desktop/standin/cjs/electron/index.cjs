// `require('electron')` from bundled CommonJS dependencies (electron-log) lands here through NODE_PATH; it must be the
// same instance that `import 'electron'` gave main (standin/electron.ts publishes itself before main's code runs).
const standin = globalThis.__electronStandin;
if (!standin) throw new Error('electron stand-in not loaded: start the app through e2e/desktop/harness.ts');
module.exports = standin;
