import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** A polite live region that is always in the page, so screen readers announce what is put into it. */
export function StatusRegion({ message }: { message: string }) {
  return (
    <p className="notice admin-status" role="status">
      {message}
    </p>
  );
}

/** The end of every admin form: its form-level error, its status message, Cancel (in dialogs) and Save. */
export function FormFooter({
  errorView,
  status,
  busy,
  label,
  onCancel,
}: {
  errorView: ReactNode;
  status?: string;
  busy: boolean;
  label?: string;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      {errorView}
      {status !== undefined && <StatusRegion message={status} />}
      <div className="actions">
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
        <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
          {busy ? t('common.saving') : (label ?? t('common.save'))}
        </button>
      </div>
    </>
  );
}

/** Previous / next over a page wrapper (count, page, page_size). */
export function Pager({
  page,
  pageSize,
  count,
  onPage,
  label,
}: {
  page: number;
  pageSize: number;
  count: number;
  onPage: (p: number) => void;
  label: string;
}) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(count / pageSize));
  if (pages <= 1) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="small" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('common.previous')}
      </button>
      <span>{t('admin.pager', { page, pages })}</span>
      <button type="button" className="small" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('common.next')}
      </button>
    </nav>
  );
}

/** Whole number within [min, max], or null for anything else (empty included). */
export function parseIntIn(text: string, min: number, max: number): number | null {
  if (!/^-?\d+$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return n >= min && n <= max ? n : null;
}
