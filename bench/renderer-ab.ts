/// <reference lib="dom" />
// A/B of two (or more) builds of the web client, for a renderer change too small to see across separate runs of
// `renderer` on a shared machine: one server seeded once, the builds served by turns from one folder (their hashed
// assets side by side, index.html swapped), in alternating order, each round in a fresh browser context. Besides the
// wall times it reads Chromium's own counters (Performance.getMetrics): script, layout and style time on the page's
// main thread, which the other processes on the machine disturb far less than a wall time.
//
//   git stash; npx vite build; cp -r renderer/dist /tmp/web-before; git stash pop; npx vite build
//   npx tsx bench/renderer-ab.ts /tmp/web-before renderer/dist          (ROUNDS=4, SWITCHES=5, SKIP_SCROLL=1)
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CDPSession } from 'playwright-core';
import { machine, median, printTable, startTestServer } from './common.js';
import { launchChromium, scrollToTop, seedRooms, signIn, toBig, toSmall } from './renderer.js';

const ROUNDS = Number(process.env['ROUNDS'] ?? 4);
const SWITCHES = Number(process.env['SWITCHES'] ?? 5);
const SKIP_SCROLL = process.env['SKIP_SCROLL'] === '1';

async function counters(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

async function main(): Promise<void> {
  const given = process.argv.slice(2).filter((a) => a !== '--');
  const builds = given.map((d) => path.resolve(d));
  if (builds.length < 2 || builds.some((d) => !readdirSync(d).includes('index.html'))) {
    process.stderr.write('usage: tsx bench/renderer-ab.ts <web build> <web build> [...]  (folders holding index.html)\n');
    process.exit(2);
  }
  const names = given.map((d, i) => `${String.fromCharCode(65 + i)}: ${d}`);
  const root = mkdtempSync(path.join(tmpdir(), 'renderer-ab-'));
  for (const d of builds) cpSync(d, root, { recursive: true });
  const serve = (d: string) => {
    for (const f of readdirSync(d)) if (f.startsWith('index.html')) cpSync(path.join(d, f), path.join(root, f));
  };

  const server = await startTestServer({ WEB_DIR: root });
  const browser = await launchChromium();
  const figures = builds.map(() => new Map<string, number[]>());
  try {
    const { me } = await seedRooms(server);
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = builds.map((_, i) => i);
      if (round % 2 === 1) order.reverse();
      for (const b of order) {
        serve(builds[b]!);
        const add = (figure: string, value: number) => figures[b]!.set(figure, [...(figures[b]!.get(figure) ?? []), value]);
        const { context, page } = await signIn(browser, server, me);
        const cdp = await context.newCDPSession(page);
        await cdp.send('Performance.enable');
        await toBig(page);
        await toSmall(page);
        let before = await counters(cdp);
        const switches: number[] = [];
        for (let i = 0; i < SWITCHES; i += 1) switches.push(await toBig(page), await toSmall(page));
        let after = await counters(cdp);
        const perSwitch = (name: string) => ((after[name]! - before[name]!) * 1000) / switches.length;
        add('room switch, median (ms)', median(switches));
        add('room switch, worst (ms)', Math.max(...switches));
        add('main thread per switch (ms)', perSwitch('TaskDuration'));
        add('script per switch (ms)', perSwitch('ScriptDuration'));
        add('layout + style per switch (ms)', perSwitch('LayoutDuration') + perSwitch('RecalcStyleDuration'));
        if (!SKIP_SCROLL) {
          await toBig(page);
          before = await counters(cdp);
          const scroll = await scrollToTop(page);
          after = await counters(cdp);
          add('scroll newest to first (s)', scroll.seconds);
          add('long tasks while scrolling', scroll.longTasks.length);
          add('longest task while scrolling (ms)', Math.max(0, ...scroll.longTasks));
          add('main thread while scrolling (s)', after['TaskDuration']! - before['TaskDuration']!);
          add('script while scrolling (s)', after['ScriptDuration']! - before['ScriptDuration']!);
          add(
            'layout + style while scrolling (s)',
            after['LayoutDuration']! + after['RecalcStyleDuration']! - before['LayoutDuration']! - before['RecalcStyleDuration']!,
          );
        }
        await context.close();
        process.stdout.write(`round ${round + 1}/${ROUNDS}: ${names[b]} done\n`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }

  const cell = (values: number[]) => {
    const digits = Math.max(...values) < 20 ? 2 : 1;
    return `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)})`;
  };
  process.stdout.write(`\nRenderer A/B (${machine()}, Chromium headless): median (range) over ${ROUNDS} alternating rounds\n\n`);
  for (const name of names) process.stdout.write(`${name}\n`);
  process.stdout.write('\n');
  printTable(
    ['figure', ...names.map((n) => n.slice(0, 1))],
    [...figures[0]!.keys()].map((figure) => [figure, ...figures.map((f) => cell(f.get(figure)!))]),
  );
}

await main();
