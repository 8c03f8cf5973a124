// Day labels and day separators across daylight-saving changes, in two time zones whose clocks change on different
// dates. A local day there is 23 or 25 hours long, so counting days as milliseconds / 86,400,000 goes wrong.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayLabel, listStamp } from './format.js';
import { startsDay } from './grouping.js';

const words = { today: 'Today', yesterday: 'Yesterday' };
const originalTz = process.env['TZ'];

/** Node applies a changed TZ at once, so the local Date constructor below builds wall-clock times in that zone. */
function inZone(tz: string, lang: string, spring: [number, number, number], fall: [number, number, number]) {
  describe(`${tz} (${lang})`, () => {
    beforeAll(() => {
      process.env['TZ'] = tz;
    });
    afterAll(() => {
      if (originalTz === undefined) delete process.env['TZ'];
      else process.env['TZ'] = originalTz;
    });
    const local = ([y, m, d]: [number, number, number], h: number, min = 0, plusDays = 0) => new Date(y, m, d + plusDays, h, min);
    const label = (msg: Date, now: Date) => dayLabel(msg.toISOString(), lang, words, now);
    const row = (d: Date) => ({ createdAt: d.toISOString() });

    it('the zone really changes its clocks on these days (23- and 25-hour days)', () => {
      const hours = (day: [number, number, number]) => (local(day, 0, 0, 1).getTime() - local(day, 0).getTime()) / 3_600_000;
      expect(hours(spring)).toBe(23);
      expect(hours(fall)).toBe(25);
    });

    for (const [name, day] of [
      ['spring forward', spring],
      ['fall back', fall],
    ] as const) {
      it(`today and yesterday around ${name}`, () => {
        expect(label(local(day, 12, 0, -1), local(day, 12))).toBe('Yesterday');
        expect(label(local(day, 0, 30, -1), local(day, 23, 30))).toBe('Yesterday');
        expect(label(local(day, 0, 10), local(day, 23, 50))).toBe('Today');
        expect(label(local(day, 23, 50), local(day, 0, 10, 1))).toBe('Yesterday');
        expect(label(local(day, 12), local(day, 12, 0, 1))).toBe('Yesterday');
        expect(label(local(day, 12, 0, -1), local(day, 12, 0, 1))).toBe(
          new Intl.DateTimeFormat(lang, { weekday: 'long', month: 'long', day: 'numeric' }).format(local(day, 12, 0, -1)),
        );
      });

      it(`a separator exactly where the local day changes around ${name}`, () => {
        expect(startsDay(row(local(day, 0, 1)), row(local(day, 23, 59)))).toBe(false);
        expect(startsDay(row(local(day, 23, 59)), row(local(day, 0, 1, 1)))).toBe(true);
        expect(startsDay(row(local(day, 23, 59, -1)), row(local(day, 0, 1)))).toBe(true);
      });

      it(`the room list counts calendar days across ${name}`, () => {
        const now = local(day, 9, 0, 3);
        const weekday = (d: Date) => new Intl.DateTimeFormat(lang, { weekday: 'short' }).format(d);
        const sixDaysAgo = local(day, 20, 0, -3);
        const sevenDaysAgo = local(day, 20, 0, -4);
        expect(listStamp(sixDaysAgo.toISOString(), lang, now)).toBe(weekday(sixDaysAgo));
        expect(listStamp(sevenDaysAgo.toISOString(), lang, now)).toBe(
          new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric' }).format(sevenDaysAgo),
        );
      });
    }
  });
}

// 2026: the United States change on 8 March and 1 November, the European Union on 29 March and 25 October.
inZone('America/New_York', 'en-US', [2026, 2, 8], [2026, 10, 1]);
inZone('Europe/Berlin', 'de-DE', [2026, 2, 29], [2026, 9, 25]);
