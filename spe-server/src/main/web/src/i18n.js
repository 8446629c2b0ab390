// Two message catalogs, Japanese (the default) and English; MessageCatalogTest keeps their keys
// equal and checks that every t('…') key used in the sources exists.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import ja from './messages/ja.json';
import en from './messages/en.json';

export const catalogs = { ja, en };
export const LANGUAGES = ['ja', 'en'];
const STORAGE_KEY = 'spe.language';

export function initialLanguage() {
  const stored = window.localStorage.getItem(STORAGE_KEY);
  return LANGUAGES.includes(stored) ? stored : 'ja';
}

export function rememberLanguage(language) {
  window.localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
}

/** t(key, {name: value}) in the given language; a missing key shows itself, so it is noticed. */
export function translator(language) {
  const messages = catalogs[language];
  return (key, values) => {
    let text = messages[key] ?? key;
    if (values) {
      Object.entries(values).forEach(([name, value]) => {
        text = text.split(`{${name}}`).join(String(value));
      });
    }
    return text;
  };
}

export const I18n = createContext({ language: 'ja', t: translator('ja') });

export function useI18n() {
  return useContext(I18n);
}
