// axe-core run inside the real page (through the debugging protocol, so the page's CSP stays as it is): a screen
// passes when axe finds no critical or serious violation and it has exactly one level-one heading.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Finding {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/** axe is evaluated through the debugging protocol, so the page's CSP (script-src 'self') stays as it is. */
export async function audit(page: Page, screen: string, into: Record<string, Finding[]>): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const findings = await page.evaluate(async () => {
    type AxeResult = { violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[] };
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<AxeResult> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => `${String(n.target)} ${(n as { failureSummary?: string }).failureSummary ?? ''}`),
    }));
  });
  const bad = (findings as Finding[]).filter((f) => f.impact === 'serious' || f.impact === 'critical');
  if (bad.length) into[screen] = bad;
  expect(await page.locator('h1, [role="heading"][aria-level="1"]').count(), `${screen}: level-one headings`).toBe(1);
}
