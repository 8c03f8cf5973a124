// Main process: which spell-check dictionaries Chromium uses (Windows and Linux; on macOS the OS decides and
// Electron ignores the list). The chosen ones that exist here, else the system's languages that have a dictionary.

export function spellCheckLanguages(chosen: readonly string[], available: readonly string[], system: readonly string[]): string[] {
  const have = new Map(available.map((a) => [a.toLowerCase(), a]));
  const pick = (tags: readonly string[]) => {
    const out: string[] = [];
    for (const tag of tags) {
      // An exact dictionary, else the language's base one ("de-AT" -> "de").
      const hit = have.get(tag.toLowerCase()) ?? have.get(tag.split('-')[0]?.toLowerCase() ?? '');
      if (hit && !out.includes(hit)) out.push(hit);
    }
    return out;
  };
  const mine = pick(chosen);
  return mine.length > 0 ? mine : pick(system).slice(0, 1);
}
