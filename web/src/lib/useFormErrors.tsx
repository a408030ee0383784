import { useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { errorMessage } from './errors';

/**
 * Field errors of one form (the schedule dialog, the admin forms): each input gets an id, aria-invalid and
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
      setFormError(unplaced.length ? `${t('error.validation')} ${unplaced.join('; ')}` : t('form.fix'));
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
