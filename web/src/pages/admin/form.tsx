import { useCallback, useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { errorMessage } from '../../lib/errors';

/**
 * Field errors of one form, as in ScheduleSessionModal: each input gets an id, aria-invalid and
 * aria-describedby pointing at its message; an API 422 is spread over the fields it names, and whatever
 * no field shows goes into the form-level message.
 */
export function useFormErrors() {
  const { t } = useTranslation();
  const uid = useId();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const id = useCallback((f: string) => `${uid}-${f}`, [uid]);
  const errId = (f: string) => `${uid}-${f}-error`;
  const hintId = (f: string) => `${uid}-${f}-hint`;
  /** Props of the input for field f; `hint` says a hint paragraph (hintId(f)) describes it too. */
  const fieldProps = (f: string, hint = false) => {
    const described = [hint ? hintId(f) : null, errors[f] ? errId(f) : null].filter(Boolean).join(' ');
    return {
      id: id(f),
      'aria-invalid': errors[f] ? true : undefined,
      'aria-describedby': described || undefined,
    };
  };
  const fieldError = (f: string) =>
    errors[f] ? (
      <p className="field-error" id={errId(f)}>
        {errors[f]}
      </p>
    ) : null;
  const clear = () => {
    setErrors({});
    setFormError(null);
  };
  /**
   * Shows a failed request: field errors next to the fields (`fieldOf` maps an API field to a form field;
   * by default the API's own name), the rest above the buttons.
   */
  const fail = (err: unknown, fieldOf: (apiField: string) => string | null = (f) => f, known?: string[]) => {
    if (err instanceof ApiError && err.errors.length > 0) {
      const mapped: Record<string, string> = {};
      const unplaced: string[] = [];
      for (const fe of err.errors) {
        const f = fieldOf(fe.field);
        if (f && (!known || known.includes(f))) mapped[f] = mapped[f] ? `${mapped[f]}; ${fe.detail}` : fe.detail;
        else unplaced.push(`${fe.field}: ${fe.detail}`);
      }
      setErrors(mapped);
      setFormError(unplaced.length ? `${t('error.validation')} ${unplaced.join('; ')}` : t('admin.form.fix'));
    } else {
      setErrors({});
      setFormError(errorMessage(err, t));
    }
  };
  const formErrorView = formError ? (
    <p className="field-error" role="alert">
      {formError}
    </p>
  ) : null;
  return { id, hintId, errors, setErrors, formError, setFormError, fieldProps, fieldError, clear, fail, formErrorView };
}

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
