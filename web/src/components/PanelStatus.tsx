import { useTranslation } from 'react-i18next';
import { errorMessage } from '../lib/errors';
import { formatTime } from '../lib/time';

/**
 * A panel's list query while it loads (announced politely, status) and when it fails (announced at once,
 * alert, with the server's reason). `loadingKey` is the translation key of the loading text.
 */
export function QueryState({
  query,
  loadingKey,
}: {
  query: { isLoading: boolean; isError: boolean; error: unknown };
  loadingKey: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      {query.isLoading && (
        <p className="muted" role="status">
          {t(loadingKey)}
        </p>
      )}
      {query.isError && (
        <p className="field-error" role="alert">
          {errorMessage(query.error, t)}
        </p>
      )}
    </>
  );
}

/**
 * After a signed link was opened in a new tab: with noopener there is no way to tell whether a pop-up
 * blocker stopped it, so the link is offered here too, with the time it stops working. The props are the
 * translation keys of the three parts: what happened, the link's text and "valid until {{time}}".
 */
export function SignedLinkNotice({
  link,
  timeZone,
  textKey,
  linkKey,
  validKey,
}: {
  link: { url: string; expires_at: string } | null;
  timeZone?: string;
  textKey: string;
  linkKey: string;
  validKey: string;
}) {
  const { t, i18n } = useTranslation();
  if (!link) return null;
  return (
    <p className="notice" role="status">
      {t(textKey)}{' '}
      <a href={link.url} target="_blank" rel="noopener">
        {t(linkKey)}
      </a>{' '}
      {t(validKey, { time: formatTime(link.expires_at, i18n.language, timeZone) })}
    </p>
  );
}
