// `npm run bench -- realtime`: the three realtime benchmarks in one run (fan-out, durable sends, connections), each
// with its own fresh MariaDB database and child processes, then one summary of the targets.
// BENCH_QUICK=1: smaller sizes and shorter phases; BENCH_CONNECTIONS=N: sockets for the connections benchmark.
import { machine } from './common.js';
import { quickMode, verdict } from './realtime-common.js';
import { connectionsOptions, printConnections, runConnections } from './realtime-connections.js';
import { durableOptions, printDurable, runDurable } from './realtime-durable.js';
import { fanoutOptions, printFanout, runFanout } from './realtime-fanout.js';

export const description = 'realtime: fan-out vs bare Socket.IO, durable sends, 10,000 connections + restart (MariaDB)';

export async function run(): Promise<void> {
  console.log(`${machine()}${quickMode() ? ' (quick mode)' : ''}; server, load and baseline in separate processes; MariaDB`);
  const fo = fanoutOptions();
  const fanout = printFanout(await runFanout(fo), fo);
  const durable = printDurable(await runDurable(durableOptions()));
  const connections = printConnections(await runConnections(connectionsOptions()));
  console.log(`\nRealtime targets: fan-out ${verdict(fanout)}, durable sends ${verdict(durable)}, connections ${verdict(connections)}`);
}
