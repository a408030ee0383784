import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Tenant } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { errorMessage } from '../../lib/errors';
import { parseIntIn, FormFooter } from './form';
import { useFormErrors } from '../../lib/useFormErrors';
import {
  BOOL_POLICY_FIELDS,
  NUMBER_POLICY_FIELDS,
  POLICY_DEFAULTS,
  POLICY_LIMITS,
  type BoolPolicyField,
  type NumberPolicyField,
  type PolicyOverrides,
  type PolicyView,
} from './types';

type Tri = 'inherit' | 'on' | 'off';
const toTri = (v: boolean | null): Tri => (v === null ? 'inherit' : v ? 'on' : 'off');

export function PolicyTab({ tenant }: { tenant: Tenant }) {
  const { t } = useTranslation();
  const { api } = useAuth();
  const policy = useQuery({
    queryKey: ['admin', 'live-policy', tenant.id],
    queryFn: ({ signal }) => api.get<PolicyView>(`/api/v1/tenants/${tenant.id}/live-policy/`, signal),
  });
  if (policy.isLoading) return <p className="muted">{t('common.loading')}</p>;
  if (policy.isError || !policy.data)
    return (
      <p className="field-error" role="alert">
        {errorMessage(policy.error, t)}
      </p>
    );
  return <PolicyForm tenantId={tenant.id} view={policy.data} />;
}

function PolicyForm({ tenantId, view }: { tenantId: string; view: PolicyView }) {
  const { t } = useTranslation();
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const f = useFormErrors();
  const [bools, setBools] = useState<Record<BoolPolicyField, Tri>>(
    () => Object.fromEntries(BOOL_POLICY_FIELDS.map((k) => [k, toTri(view.overrides[k] ?? null)])) as Record<BoolPolicyField, Tri>,
  );
  const [numbers, setNumbers] = useState<Record<NumberPolicyField, string>>(
    () =>
      Object.fromEntries(
        NUMBER_POLICY_FIELDS.map((k) => [k, view.overrides[k] === null || view.overrides[k] === undefined ? '' : String(view.overrides[k])]),
      ) as Record<NumberPolicyField, string>,
  );
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const effective = view.effective;
  const onOff = (v: boolean) => (v ? t('admin.policy.on') : t('admin.policy.off'));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setStatus('');
    const errs: Record<string, string> = {};
    const body = {} as PolicyOverrides;
    for (const k of BOOL_POLICY_FIELDS) body[k] = bools[k] === 'inherit' ? null : bools[k] === 'on';
    for (const k of NUMBER_POLICY_FIELDS) {
      const text = numbers[k].trim();
      if (text === '') {
        body[k] = null;
        continue;
      }
      const n = parseIntIn(text, POLICY_LIMITS[k].min, POLICY_LIMITS[k].max);
      if (n === null) errs[k] = t('admin.form.range', POLICY_LIMITS[k]);
      body[k] = n;
    }
    f.setErrors(errs);
    f.setFormError(null);
    if (Object.keys(errs).length) {
      f.setFormError(t('form.fix'));
      return;
    }
    setBusy(true);
    try {
      // PUT replaces the school's row as a whole: every field is sent, null meaning "inherit".
      const saved = await api.put<PolicyView>(`/api/v1/tenants/${tenantId}/live-policy/`, body);
      queryClient.setQueryData(['admin', 'live-policy', tenantId], saved);
      setStatus(t('admin.policy.saved'));
    } catch (err) {
      f.fail(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form card" onSubmit={submit} noValidate aria-labelledby="policy-title">
      <h2 id="policy-title">{t('admin.policy.title')}</h2>
      <p className="muted small">{t('admin.policy.intro')}</p>
      <div className="policy-grid">
        {BOOL_POLICY_FIELDS.map((k) => (
          <div className="field policy-field" key={k}>
            <label htmlFor={f.id(k)}>{t(`admin.policy.${k}`)}</label>
            <select
              {...f.fieldProps(k, true)}
              value={bools[k]}
              onChange={(e) => setBools((cur) => ({ ...cur, [k]: e.target.value as Tri }))}
            >
              <option value="inherit">{t('admin.policy.inherit', { value: onOff(POLICY_DEFAULTS[k]) })}</option>
              <option value="on">{t('admin.policy.on')}</option>
              <option value="off">{t('admin.policy.off')}</option>
            </select>
            <p className="muted small" id={f.hintId(k)}>
              {t('admin.policy.effective', { value: onOff(effective[k]) })}
            </p>
            {f.fieldError(k)}
          </div>
        ))}
        {NUMBER_POLICY_FIELDS.map((k) => (
          <div className="field policy-field" key={k}>
            <label htmlFor={f.id(k)}>{t(`admin.policy.${k}`)}</label>
            <input
              {...f.fieldProps(k, true)}
              type="number"
              inputMode="numeric"
              min={POLICY_LIMITS[k].min}
              max={POLICY_LIMITS[k].max}
              step={1}
              placeholder={t('admin.policy.inheritNumber', { value: POLICY_DEFAULTS[k] })}
              value={numbers[k]}
              onChange={(e) => setNumbers((cur) => ({ ...cur, [k]: e.target.value }))}
            />
            <p className="muted small" id={f.hintId(k)}>
              {t('admin.policy.numberHint', { ...POLICY_LIMITS[k], value: POLICY_DEFAULTS[k] })}{' '}
              {t('admin.policy.effective', { value: effective[k] })}
            </p>
            {f.fieldError(k)}
          </div>
        ))}
      </div>
      <p className="muted small">{t('admin.policy.webinarNote')}</p>
      <FormFooter errorView={f.formErrorView} status={status} busy={busy} />
    </form>
  );
}
