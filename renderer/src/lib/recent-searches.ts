// Recent message searches, newest first, kept in localStorage on this device (never sent anywhere).
const KEY = 'messenger.recentSearches';
const MAX = 8;

export function recentSearches(): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(0, MAX) : [];
  } catch {
    return [];
  }
}

export function rememberSearch(text: string): string[] {
  const list = text ? [text, ...recentSearches().filter((v) => v !== text)].slice(0, MAX) : recentSearches();
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // Storage full or disabled: the list lives for this session only.
  }
  return list;
}

export function forgetRecentSearches(): string[] {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // nothing to forget
  }
  return [];
}
