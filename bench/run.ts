// `npm run bench [-- name ...]`: runs the named benchmarks (all when none is named), one after another.
// To add one, write bench/<name>.ts exporting `run(): Promise<void>` and add a line to BENCHMARKS.
export interface Benchmark {
  /** One line for `npm run bench -- --list`. */
  description: string;
  run(): Promise<void>;
}

const BENCHMARKS: Record<string, () => Promise<Benchmark>> = {
  files: () => import('./files.js'),
  history: () => import('./history.js'),
  logins: () => import('./logins.js'),
  peers: () => import('./peers.js'),
  realtime: () => import('./realtime.js'),
  'realtime-fanout': () => import('./realtime-fanout.js'),
  'realtime-durable': () => import('./realtime-durable.js'),
  'realtime-connections': () => import('./realtime-connections.js'),
  'realtime-receipts': () => import('./realtime-receipts.js'),
  renderer: () => import('./renderer.js'),
  search: () => import('./search.js'),
  storm: () => import('./storm.js'),
  users: () => import('./users.js'),
  'fanout-rounds': () => import('./fanout-rounds.js'),
};

/**
 * What `npm run bench` runs with no name: every measurement the README quotes, once, so its performance section comes
 * from one run on one machine (realtime already covers fan-out, durable sends and idle connections).
 */
const DEFAULT = [
  'history',
  'logins',
  'files',
  'realtime',
  'realtime-receipts',
  'renderer',
  'search',
  'peers',
  'users',
  'storm',
  'fanout-rounds',
];

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.includes('--list') || args.includes('--help')) {
    for (const [name, load] of Object.entries(BENCHMARKS)) process.stdout.write(`${name.padEnd(12)} ${(await load()).description}\n`);
    return;
  }
  const unknown = args.filter((a) => !(a in BENCHMARKS));
  if (unknown.length) {
    process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}\n`);
    process.exit(2);
  }
  for (const name of args.length ? args : DEFAULT) {
    process.stdout.write(`\n=== ${name} ===\n`);
    await (await BENCHMARKS[name]!()).run();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`benchmark failed: ${(err instanceof Error ? err.message : String(err)).slice(0, 500)}\n`);
    process.exit(1);
  },
);
