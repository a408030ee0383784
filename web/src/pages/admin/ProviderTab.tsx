import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Provider, Tenant } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { errorMessage } from '../../lib/errors';
import { parseIntIn, FormFooter } from './form';
import { useFormErrors } from '../../lib/useFormErrors';
import type { ProviderConfig, ProviderConfigList, ProviderHealthReport } from './types';

const PROVIDERS: Provider[] = ['jitsi', 'bbb', 'zoom'];

type SecretField = 'jitsi_jwt_secret' | 'webhook_secret' | 'bbb_shared_secret' | 'zoom_client_secret' | 'zoom_webhook_secret';
type TextField = 'jitsi_domain' | 'jitsi_app_id' | 'bbb_server_url' | 'zoom_account_id' | 'zoom_client_id' | 'zoom_user_id';

/** The settings each provider uses (ProviderConfigInput); the others are left out of its PUT. */
const FIELDS: Record<Provider, { text: TextField[]; secrets: SecretField[] }> = {
  jitsi: { text: ['jitsi_domain', 'jitsi_app_id'], secrets: ['jitsi_jwt_secret', 'webhook_secret'] },
  bbb: { text: ['bbb_server_url'], secrets: ['bbb_shared_secret'] },
  zoom: { text: ['zoom_account_id', 'zoom_client_id', 'zoom_user_id'], secrets: ['zoom_client_secret', 'zoom_webhook_secret'] },
};
const MAX_LENGTH: Record<TextField, number> = {
  jitsi_domain: 200,
  jitsi_app_id: 100,
  bbb_server_url: 500,
  zoom_account_id: 100,
  zoom_client_id: 100,
  zoom_user_id: 200,
};

/** A provider the school has not configured yet, with the server's defaults for a new configuration. */
function blank(provider: Provider, first: boolean): ProviderConfig {
  return {
    provider,
    is_active: true,
    is_default: first,
    jitsi_domain: '',
    jitsi_app_id: '',
    jitsi_jwt_secret: '',
    jitsi_jwt_secret_set: false,
    bbb_server_url: '',
    bbb_shared_secret: '',
    bbb_shared_secret_set: false,
    bbb_checksum_algorithm: 'sha256',
    zoom_account_id: '',
    zoom_client_id: '',
    zoom_client_secret: '',
    zoom_client_secret_set: false,
    zoom_user_id: '',
    zoom_webhook_secret: '',
    zoom_webhook_secret_set: false,
    webhook_secret: '',
    webhook_secret_set: false,
    max_concurrent_rooms: 10,
    default_room_duration_minutes: 120,
  };
}

export function ProviderTab({ tenant }: { tenant: Tenant }) {
  const { t } = useTranslation();
  const { api } = useAuth();
  const key = ['admin', 'live-config', tenant.id];
  const configs = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api.get<ProviderConfigList>(`/api/v1/tenants/${tenant.id}/live-config/`, signal),
  });
  const [chosen, setChosen] = useState<Provider | null>(null);

  if (configs.isLoading) return <p className="muted">{t('common.loading')}</p>;
  if (configs.isError || !configs.data)
    return (
      <p className="field-error" role="alert">
        {errorMessage(configs.error, t)}
      </p>
    );
  const list = configs.data.configs;
  const provider = chosen ?? list.find((c) => c.is_default)?.provider ?? list[0]?.provider ?? 'jitsi';
  const config = list.find((c) => c.provider === provider) ?? blank(provider, list.length === 0);

  return (
    <div className="admin-section">
      <fieldset className="field provider-choice">
        <legend>{t('admin.provider.choose')}</legend>
        {PROVIDERS.map((p) => {
          const c = list.find((x) => x.provider === p);
          return (
            <label key={p} className="inline">
              <input type="radio" name="provider" value={p} checked={p === provider} onChange={() => setChosen(p)} />{' '}
              {t(`provider.${p}`)}
              {c?.is_default && <span className="tag">{t('admin.provider.default')}</span>}
              {c && !c.is_active && <span className="tag warn">{t('admin.provider.inactive')}</span>}
              {!c && <span className="tag warn">{t('admin.provider.notConfigured')}</span>}
            </label>
          );
        })}
      </fieldset>
      {/* Keyed by provider: switching starts from that provider's stored settings. */}
      <ProviderForm key={provider} tenantId={tenant.id} config={config} />
      <ProviderHealth provider={provider} config={config} />
    </div>
  );
}

function ProviderForm({ tenantId, config }: { tenantId: string; config: ProviderConfig }) {
  const { t } = useTranslation();
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const f = useFormErrors();
  const p = config.provider;
  const [active, setActive] = useState(config.is_active);
  const [isDefault, setIsDefault] = useState(config.is_default);
  const [text, setText] = useState<Record<TextField, string>>(() => ({
    jitsi_domain: config.jitsi_domain,
    jitsi_app_id: config.jitsi_app_id,
    bbb_server_url: config.bbb_server_url,
    zoom_account_id: config.zoom_account_id,
    zoom_client_id: config.zoom_client_id,
    zoom_user_id: config.zoom_user_id,
  }));
  // Write-only: what the admin typed now (never the stored value), and whether to clear a stored one.
  const [secrets, setSecrets] = useState<Partial<Record<SecretField, string>>>({});
  const [clearing, setClearing] = useState<Partial<Record<SecretField, boolean>>>({});
  const [checksum, setChecksum] = useState(config.bbb_checksum_algorithm);
  const [rooms, setRooms] = useState(String(config.max_concurrent_rooms));
  const [duration, setDuration] = useState(String(config.default_room_duration_minutes));
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setStatus('');
    const errs: Record<string, string> = {};
    const maxRooms = parseIntIn(rooms, 1, 100000);
    const minutes = parseIntIn(duration, 1, 1440);
    if (maxRooms === null) errs.max_concurrent_rooms = t('admin.form.range', { min: 1, max: 100000 });
    if (minutes === null) errs.default_room_duration_minutes = t('admin.form.range', { min: 1, max: 1440 });
    f.setErrors(errs);
    f.setFormError(null);
    if (Object.keys(errs).length) return;
    const body: Record<string, unknown> = {
      provider: p,
      is_active: active,
      is_default: isDefault,
      max_concurrent_rooms: maxRooms,
      default_room_duration_minutes: minutes,
    };
    for (const k of FIELDS[p].text) body[k] = text[k].trim();
    if (p === 'bbb') body.bbb_checksum_algorithm = checksum;
    for (const k of FIELDS[p].secrets) {
      // A secret the admin did not type is left out: the server keeps the stored one.
      if (clearing[k]) body[k] = '';
      else if (secrets[k]) body[k] = secrets[k];
    }
    setBusy(true);
    try {
      const saved = await api.put<ProviderConfigList>(`/api/v1/tenants/${tenantId}/live-config/`, body);
      queryClient.setQueryData(['admin', 'live-config', tenantId], saved);
      setSecrets({});
      setClearing({});
      setStatus(t('admin.provider.saved', { provider: t(`provider.${p}`) }));
    } catch (err) {
      f.fail(err);
    } finally {
      setBusy(false);
    }
  };

  const textInput = (k: TextField, hint?: string) => (
    <div className="field" key={k}>
      <label htmlFor={f.id(k)}>{t(`admin.provider.${k}`)}</label>
      <input
        {...f.fieldProps(k, !!hint)}
        value={text[k]}
        maxLength={MAX_LENGTH[k]}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => setText((cur) => ({ ...cur, [k]: e.target.value }))}
      />
      {hint && (
        <p className="muted small" id={f.hintId(k)}>
          {hint}
        </p>
      )}
      {f.fieldError(k)}
    </div>
  );
  const secretInput = (k: SecretField) => {
    const isSet = config[`${k}_set`];
    return (
      <div className="field" key={k}>
        <label htmlFor={f.id(k)}>{t(`admin.provider.${k}`)}</label>
        <p className="muted small" id={f.hintId(k)}>
          <span className={isSet ? 'secret-state set' : 'secret-state'}>
            {isSet ? t('admin.provider.secretSet') : t('admin.provider.secretNotSet')}
          </span>{' '}
          {isSet ? t('admin.provider.secretKeep') : ''}
        </p>
        <input
          {...f.fieldProps(k, true)}
          type="password"
          value={secrets[k] ?? ''}
          maxLength={500}
          autoComplete="new-password"
          disabled={!!clearing[k]}
          onChange={(e) => setSecrets((cur) => ({ ...cur, [k]: e.target.value }))}
        />
        {isSet && (
          <label className="inline">
            <input
              type="checkbox"
              checked={!!clearing[k]}
              onChange={(e) => setClearing((cur) => ({ ...cur, [k]: e.target.checked }))}
            />{' '}
            {t('admin.provider.secretClear')}
          </label>
        )}
        {f.fieldError(k)}
      </div>
    );
  };

  return (
    <form className="form card" onSubmit={submit} noValidate aria-label={t('admin.provider.formLabel', { provider: t(`provider.${p}`) })}>
      <h2>{t('admin.provider.settingsOf', { provider: t(`provider.${p}`) })}</h2>
      <div className="field">
        <label className="inline">
          <input type="checkbox" {...f.fieldProps('is_active')} checked={active} onChange={(e) => setActive(e.target.checked)} />{' '}
          {t('admin.provider.is_active')}
        </label>
        {f.fieldError('is_active')}
      </div>
      <div className="field">
        <label className="inline">
          <input type="checkbox" {...f.fieldProps('is_default')} checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} />{' '}
          {t('admin.provider.is_default')}
        </label>
        {f.fieldError('is_default')}
      </div>
      {p === 'jitsi' && (
        <>
          {textInput('jitsi_domain', t('admin.provider.jitsi_domain.hint'))}
          {textInput('jitsi_app_id')}
          {secretInput('jitsi_jwt_secret')}
          {secretInput('webhook_secret')}
        </>
      )}
      {p === 'bbb' && (
        <>
          {textInput('bbb_server_url', t('admin.provider.bbb_server_url.hint'))}
          {secretInput('bbb_shared_secret')}
          <div className="field">
            <label htmlFor={f.id('bbb_checksum_algorithm')}>{t('admin.provider.bbb_checksum_algorithm')}</label>
            <select
              {...f.fieldProps('bbb_checksum_algorithm')}
              value={checksum}
              onChange={(e) => setChecksum(e.target.value as ProviderConfig['bbb_checksum_algorithm'])}
            >
              {(['sha1', 'sha256', 'sha512'] as const).map((a) => (
                <option key={a} value={a}>
                  {a.toUpperCase()}
                </option>
              ))}
            </select>
            {f.fieldError('bbb_checksum_algorithm')}
          </div>
        </>
      )}
      {p === 'zoom' && (
        <>
          {textInput('zoom_account_id')}
          {textInput('zoom_client_id')}
          {secretInput('zoom_client_secret')}
          {textInput('zoom_user_id', t('admin.provider.zoom_user_id.hint'))}
          {secretInput('zoom_webhook_secret')}
        </>
      )}
      <div className="field-row">
        <div className="field">
          <label htmlFor={f.id('max_concurrent_rooms')}>{t('admin.provider.max_concurrent_rooms')}</label>
          <input
            {...f.fieldProps('max_concurrent_rooms')}
            type="number"
            inputMode="numeric"
            min={1}
            max={100000}
            value={rooms}
            onChange={(e) => setRooms(e.target.value)}
          />
          {f.fieldError('max_concurrent_rooms')}
        </div>
        <div className="field">
          <label htmlFor={f.id('default_room_duration_minutes')}>{t('admin.provider.default_room_duration_minutes')}</label>
          <input
            {...f.fieldProps('default_room_duration_minutes')}
            type="number"
            inputMode="numeric"
            min={1}
            max={1440}
            value={duration}
            onChange={(e) => setDuration(e.target.value)}
          />
          {f.fieldError('default_room_duration_minutes')}
        </div>
      </div>
      <FormFooter errorView={f.formErrorView} status={status} busy={busy} />
    </form>
  );
}

/** This school's endpoint for the provider, as /health/live-provider/ names it ("target"). */
function targetOf(config: ProviderConfig): string | null {
  switch (config.provider) {
    case 'jitsi':
      return config.jitsi_domain || null;
    case 'bbb':
      try {
        return config.bbb_server_url ? new URL(config.bbb_server_url).host : null;
      } catch {
        return null;
      }
    case 'zoom':
      return config.zoom_account_id ? `zoom account ${config.zoom_account_id}` : null;
  }
}

/**
 * GET /health/live-provider/ (unauthenticated) checks every provider endpoint the schools use, up to 5 s
 * each, so it runs on request rather than on every visit. 503 carries the same report.
 */
function ProviderHealth({ provider, config }: { provider: Provider; config: ProviderConfig }) {
  const { t } = useTranslation();
  const { api } = useAuth();
  const [report, setReport] = useState<ProviderHealthReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const check = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await api.fetchRaw('/health/live-provider/', { headers: { Accept: 'application/json' } });
      if (res.status !== 200 && res.status !== 503) throw new Error(String(res.status));
      setReport((await res.json()) as ProviderHealthReport);
    } catch {
      setReport(null);
      setError(t('admin.health.failed'));
    } finally {
      setBusy(false);
    }
  };
  const target = targetOf(config);
  const rows = (report?.providers ?? []).filter((r) => r.provider === provider);
  const ours = target ? rows.filter((r) => r.target.toLowerCase() === target.toLowerCase()) : [];
  const shown = ours.length ? ours : rows;
  return (
    <section className="card provider-health" aria-labelledby="provider-health-title">
      <div className="panel-head">
        <h2 id="provider-health-title">{t('admin.health.title')}</h2>
        <button type="button" className="small" onClick={check} disabled={busy} aria-busy={busy}>
          {busy ? t('admin.health.checking') : t('admin.health.check')}
        </button>
      </div>
      <div role="status">
        {error && <p className="field-error">{error}</p>}
        {report && shown.length === 0 && <p className="muted">{t('admin.health.none', { provider: t(`provider.${provider}`) })}</p>}
        {shown.length > 0 && (
          <ul className="health-list">
            {shown.map((r) => (
              <li key={r.target}>
                <span className={r.status === 'up' ? 'health-up' : 'health-down'}>
                  {r.status === 'up' ? t('admin.health.up') : t('admin.health.down')}
                </span>{' '}
                <code>{r.target}</code>{' '}
                <span className="muted small">{t('admin.health.latency', { ms: r.latency_ms })}</span>
                {r.error && <span className="field-error small"> {r.error}</span>}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
