// English and Simplified Chinese; the system language picks one unless the user chose.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.js';
import { zhCN } from './zh-CN.js';

export const SUPPORTED = ['en', 'zh-CN'] as const;

/** "zh", "zh-CN", "zh-Hans-CN", "zh-SG" -> zh-CN; everything else -> en. */
export function pickLanguage(preferred: string | null, system: readonly string[]): (typeof SUPPORTED)[number] {
  for (const tag of [preferred, ...system]) {
    if (!tag) continue;
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

export function initI18n(preferred: string | null = null): typeof i18next {
  void i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    lng: pickLanguage(preferred, typeof navigator === 'undefined' ? [] : navigator.languages),
    fallbackLng: 'en',
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  return i18next;
}

export async function applyLanguage(preferred: string | null): Promise<void> {
  const lng = pickLanguage(preferred, navigator.languages);
  document.documentElement.lang = lng;
  if (i18next.language !== lng) await i18next.changeLanguage(lng);
}
