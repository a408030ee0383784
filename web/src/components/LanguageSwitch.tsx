import { useTranslation } from 'react-i18next';
import { LANGS, rememberLanguage, type Lang } from '../i18n';

/** Türkçe by default; the choice is remembered in this browser. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <label className="lang-switch">
      <span className="visually-hidden">{t('nav.language')}</span>
      <select
        value={i18n.language}
        onChange={(e) => {
          const lang = e.target.value as Lang;
          rememberLanguage(lang);
          void i18n.changeLanguage(lang);
        }}
      >
        {LANGS.map((l) => (
          <option key={l} value={l}>
            {l === 'tr' ? 'Türkçe' : 'English'}
          </option>
        ))}
      </select>
    </label>
  );
}
