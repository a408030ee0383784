import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import core from './locales/core';
import admin from './locales/admin';
import report from './locales/report';
import device from './locales/device';
import calendar from './locales/calendar';
import recording from './locales/recording';
import artifact from './locales/artifact';
import board from './locales/board';

// Each feature keeps its texts in its own module ({tr, en}); Turkish is the default (seed 14).
export const localeModules = { core, admin, report, device, calendar, recording, artifact, board };
const modules = Object.values(localeModules);
const merge = (lang: 'tr' | 'en') => Object.assign({}, ...modules.map((m) => m[lang]));

export const LANGS = ['tr', 'en'] as const;
export type Lang = (typeof LANGS)[number];
const KEY = 'liveclass.lang';

export function initialLanguage(): Lang {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'tr' || saved === 'en') return saved;
  } catch {
    // storage unavailable
  }
  return 'tr';
}

export function rememberLanguage(lang: Lang) {
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    // storage unavailable
  }
  document.documentElement.lang = lang;
}

void i18n.use(initReactI18next).init({
  resources: { tr: { translation: merge('tr') }, en: { translation: merge('en') } },
  lng: initialLanguage(),
  fallbackLng: 'tr',
  interpolation: { escapeValue: false }, // React escapes
  keySeparator: false, // keys are flat strings such as 'schedule.kind.adhoc'
  nsSeparator: false,
  returnNull: false,
});

export default i18n;
