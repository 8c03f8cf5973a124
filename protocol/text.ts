// String rules of PROTOCOL.md: lengths are Unicode code points after NFC normalisation,
// and nothing the databases cannot store faithfully (lone surrogates, NUL) is accepted.
import { z } from 'zod';

export function codePoints(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

export function utf8Bytes(value: string): number {
  return new TextEncoder().encode(value).length;
}

function wellFormed(value: string): boolean {
  // String.prototype.isWellFormed exists on Node 20+ and current browsers.
  return value.isWellFormed() && !value.includes('\u0000');
}

interface TextOptions {
  min: number;
  max: number;
  trim?: boolean;
}

/** A user-supplied text field: NFC-normalised (and trimmed if asked), length checked in code points. */
export function text({ min, max, trim = true }: TextOptions) {
  let schema = z.string();
  if (trim) schema = schema.trim();
  return schema
    .overwrite((s) => s.normalize('NFC'))
    .refine(wellFormed, { message: 'must not contain NUL or unpaired surrogate characters', abort: true })
    .refine((s) => codePoints(s) >= min && codePoints(s) <= max, {
      message: min === 0 ? `must be at most ${max} characters` : `must be ${min}-${max} characters`,
    })
    .meta({ minLength: min, maxLength: max });
}
