import { useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { CoursesTab } from './admin/CoursesTab';
import { PolicyTab } from './admin/PolicyTab';
import { ProviderTab } from './admin/ProviderTab';
import { UsersTab } from './admin/UsersTab';

const TABS = ['provider', 'policy', 'users', 'courses'] as const;
type Tab = (typeof TABS)[number];

/**
 * The school admin's page: conferencing provider, live-class policy defaults, users, and courses with
 * their instructors and enrolments. The open tab is kept in the address (?tab=users).
 */
export function AdminPage() {
  const { t } = useTranslation();
  const { user, tenant } = useAuth();
  const [params, setParams] = useSearchParams();
  const tabRefs = useRef<Partial<Record<Tab, HTMLButtonElement | null>>>({});
  const asked = params.get('tab') as Tab | null;
  const tab: Tab = asked && TABS.includes(asked) ? asked : 'provider';

  if (!user || user.role !== 'admin' || !tenant)
    return (
      <main className="page narrow">
        <h1>{t('admin.title')}</h1>
        <p className="field-error" role="alert">
          {t('admin.onlyAdmins')}
        </p>
        <Link to="/">{t('admin.backToClasses')}</Link>
      </main>
    );

  const select = (next: Tab, focus = false) => {
    setParams(
      (cur) => {
        const p = new URLSearchParams(cur);
        p.set('tab', next);
        return p;
      },
      { replace: true },
    );
    if (focus) tabRefs.current[next]?.focus();
  };
  // WAI-ARIA tabs: arrows move between tabs (and open them), Home/End jump to the ends.
  const onKeyDown = (e: KeyboardEvent) => {
    const i = TABS.indexOf(tab);
    let next: number | null = null;
    if (e.key === 'ArrowRight') next = (i + 1) % TABS.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + TABS.length) % TABS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = TABS.length - 1;
    if (next === null) return;
    e.preventDefault();
    select(TABS[next], true);
  };

  return (
    <main className="page admin-page">
      <div className="page-head">
        <h1>{t('admin.title')}</h1>
        <span className="muted">{tenant.name}</span>
      </div>
      <div role="tablist" aria-label={t('admin.tabs')} className="tabs admin-tabs" onKeyDown={onKeyDown}>
        {TABS.map((k) => (
          <button
            key={k}
            ref={(el) => {
              tabRefs.current[k] = el;
            }}
            type="button"
            role="tab"
            id={`admin-tab-${k}`}
            aria-selected={tab === k}
            aria-controls={`admin-panel-${k}`}
            tabIndex={tab === k ? 0 : -1}
            className={tab === k ? 'tab active' : 'tab'}
            onClick={() => select(k)}
          >
            {t(`admin.tab.${k}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`admin-panel-${tab}`} aria-labelledby={`admin-tab-${tab}`} tabIndex={0} className="admin-panel">
        {tab === 'provider' && <ProviderTab tenant={tenant} />}
        {tab === 'policy' && <PolicyTab tenant={tenant} />}
        {tab === 'users' && <UsersTab />}
        {tab === 'courses' && <CoursesTab />}
      </div>
    </main>
  );
}
