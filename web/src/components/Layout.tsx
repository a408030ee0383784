import { useTranslation } from 'react-i18next';
import { NavLink, Outlet } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { LanguageSwitch } from './LanguageSwitch';

export function Layout() {
  const { t } = useTranslation();
  const { user, tenant, logout } = useAuth();
  return (
    <>
      <a href="#main" className="skip-link">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <NavLink to="/" className="brand">
          {t('app.name')}
          {tenant && <span className="muted small"> · {tenant.name}</span>}
        </NavLink>
        <nav aria-label={t('nav.label')}>
          <NavLink to="/">{t('nav.sessions')}</NavLink>
          <NavLink to="/device-test">{t('nav.deviceTest')}</NavLink>
          {user?.role === 'admin' && <NavLink to="/admin">{t('nav.admin')}</NavLink>}
        </nav>
        <div className="topbar-end">
          <LanguageSwitch />
          <span className="muted small user-name">{user?.full_name}</span>
          <button type="button" className="small" onClick={logout}>
            {t('nav.logout')}
          </button>
        </div>
      </header>
      <div id="main" tabIndex={-1}>
        <Outlet />
      </div>
    </>
  );
}

