import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/client';
import type { Page, Role } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { Modal } from '../../components/Modal';
import { errorMessage } from '../../lib/errors';
import { Pager, StatusRegion, FormFooter } from './form';
import { useFormErrors } from '../../lib/useFormErrors';
import { ROLES, type AdminUser } from './types';

const PAGE_SIZE = 20;

export function usersPath(params: { search?: string; role?: string; page?: number; page_size?: number }): string {
  const q = new URLSearchParams();
  if (params.search) q.set('search', params.search.slice(0, 100));
  if (params.role) q.set('role', params.role);
  if (params.page && params.page > 1) q.set('page', String(params.page));
  q.set('page_size', String(params.page_size ?? PAGE_SIZE));
  return `/api/v1/users/?${q.toString()}`;
}

export function UsersTab() {
  const { t } = useTranslation();
  const { api, user: me } = useAuth();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState('');
  const [search, setSearch] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<AdminUser | null>(null);
  const [status, setStatus] = useState('');
  const users = useQuery({
    queryKey: ['admin', 'users', search, role, page],
    queryFn: ({ signal }) => api.get<Page<AdminUser>>(usersPath({ search, role, page }), signal),
    placeholderData: keepPreviousData,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['admin', 'users'] });

  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    setSearch(draft.trim());
    setPage(1);
  };

  return (
    <div className="admin-section">
      <div className="toolbar">
        <form role="search" className="admin-search" onSubmit={onSearch} aria-label={t('admin.users.searchLabel')}>
          <div className="field">
            <label htmlFor="users-search">{t('admin.users.search')}</label>
            <input id="users-search" type="search" value={draft} maxLength={100} onChange={(e) => setDraft(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="users-role">{t('admin.users.roleFilter')}</label>
            <select
              id="users-role"
              value={role}
              onChange={(e) => {
                setRole(e.target.value as Role | '');
                setPage(1);
              }}
            >
              <option value="">{t('admin.users.allRoles')}</option>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`admin.role.${r}`)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">{t('admin.users.searchButton')}</button>
        </form>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          {t('admin.users.new')}
        </button>
      </div>
      <StatusRegion message={status} />
      {users.isLoading ? (
        <p className="muted">{t('common.loading')}</p>
      ) : users.isError || !users.data ? (
        <p className="field-error" role="alert">
          {errorMessage(users.error, t)}
        </p>
      ) : users.data.results.length === 0 ? (
        <p className="muted">{t('admin.users.empty')}</p>
      ) : (
        <>
          <p className="muted small">{t('admin.users.count', { count: users.data.count })}</p>
          <div className="table-wrap">
            <table className="admin-table">
              <caption className="visually-hidden">{t('admin.users.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.users.full_name')}</th>
                  <th scope="col">{t('admin.users.email')}</th>
                  <th scope="col">{t('admin.users.role')}</th>
                  <th scope="col">{t('admin.users.state')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('admin.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.data.results.map((u) => (
                  <tr key={u.id}>
                    <td>
                      {u.full_name || <span className="muted">{t('admin.users.noName')}</span>}
                      {u.id === me?.id && <span className="tag">{t('admin.users.you')}</span>}
                    </td>
                    <td>{u.email}</td>
                    <td>{t(`admin.role.${u.role}`)}</td>
                    <td>{u.is_active ? t('admin.users.active') : <span className="tag warn">{t('admin.users.inactive')}</span>}</td>
                    <td>
                      <button
                        type="button"
                        className="small"
                        onClick={() => setEditing(u)}
                        aria-label={t('admin.users.editNamed', { name: u.full_name || u.email })}
                      >
                        {t('admin.users.edit')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pageSize={PAGE_SIZE} count={users.data.count} onPage={setPage} label={t('admin.users.pages')} />
        </>
      )}
      {creating && (
        <CreateUserModal
          onClose={() => setCreating(false)}
          onCreated={(u) => {
            setCreating(false);
            setStatus(t('admin.users.created', { email: u.email }));
            void refresh();
          }}
        />
      )}
      {editing && (
        <EditUserModal
          user={editing}
          self={editing.id === me?.id}
          onClose={() => setEditing(null)}
          onSaved={(u) => {
            setEditing(null);
            setStatus(t('admin.users.saved', { name: u.full_name || u.email }));
            void refresh();
          }}
        />
      )}
    </div>
  );
}

function CreateUserModal({ onClose, onCreated }: { onClose: () => void; onCreated: (u: AdminUser) => void }) {
  const { t } = useTranslation();
  const { api } = useAuth();
  const f = useFormErrors();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('student');
  const [locale, setLocale] = useState<'tr' | 'en'>('tr');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) errs.email = t('admin.users.error.email');
    if (password && password.length < 8) errs.password = t('admin.users.error.password');
    f.setErrors(errs);
    f.setFormError(null);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      const body: Record<string, unknown> = { email: email.trim(), full_name: name.trim(), role, locale };
      if (password) body.password = password;
      onCreated(await api.post<AdminUser>('/api/v1/users/', body));
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        f.setErrors({ email: t('admin.users.error.taken') });
        f.setFormError(t('form.fix'));
      } else f.fail(err);
      setBusy(false);
    }
  };

  return (
    <Modal title={t('admin.users.newTitle')} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={f.id('email')}>{t('admin.users.email')}</label>
          <input {...f.fieldProps('email')} type="email" autoComplete="off" maxLength={254} required value={email} onChange={(e) => setEmail(e.target.value)} />
          {f.fieldError('email')}
        </div>
        <div className="field">
          <label htmlFor={f.id('full_name')}>{t('admin.users.full_name')}</label>
          <input {...f.fieldProps('full_name')} maxLength={200} autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
          {f.fieldError('full_name')}
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor={f.id('role')}>{t('admin.users.role')}</label>
            <select {...f.fieldProps('role')} value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`admin.role.${r}`)}
                </option>
              ))}
            </select>
            {f.fieldError('role')}
          </div>
          <div className="field">
            <label htmlFor={f.id('locale')}>{t('admin.users.locale')}</label>
            <select {...f.fieldProps('locale')} value={locale} onChange={(e) => setLocale(e.target.value as 'tr' | 'en')}>
              <option value="tr">Türkçe</option>
              <option value="en">English</option>
            </select>
            {f.fieldError('locale')}
          </div>
        </div>
        <div className="field">
          <label htmlFor={f.id('password')}>{t('admin.users.password')}</label>
          <input
            {...f.fieldProps('password', true)}
            type="password"
            autoComplete="new-password"
            maxLength={1024}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <p className="muted small" id={f.hintId('password')}>
            {t('admin.users.passwordHint')}
          </p>
          {f.fieldError('password')}
        </div>
        <FormFooter errorView={f.formErrorView} busy={busy} label={t('admin.users.create')} onCancel={onClose} />
      </form>
    </Modal>
  );
}

function EditUserModal({
  user,
  self,
  onClose,
  onSaved,
}: {
  user: AdminUser;
  self: boolean;
  onClose: () => void;
  onSaved: (u: AdminUser) => void;
}) {
  const { t } = useTranslation();
  const { api } = useAuth();
  const f = useFormErrors();
  const [name, setName] = useState(user.full_name);
  const [role, setRole] = useState<Role>(user.role);
  const [active, setActive] = useState(user.is_active);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    f.clear();
    // Only what changed: an admin may not send role/is_active for themself anyway.
    const body: Record<string, unknown> = {};
    if (name.trim() !== user.full_name) body.full_name = name.trim();
    if (role !== user.role) body.role = role;
    if (active !== user.is_active) body.is_active = active;
    if (Object.keys(body).length === 0) {
      onClose();
      return;
    }
    setBusy(true);
    try {
      onSaved(await api.patch<AdminUser>(`/api/v1/users/${user.id}/`, body));
    } catch (err) {
      f.fail(err);
      setBusy(false);
    }
  };

  return (
    <Modal title={t('admin.users.editTitle', { email: user.email })} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={f.id('full_name')}>{t('admin.users.full_name')}</label>
          <input {...f.fieldProps('full_name')} maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
          {f.fieldError('full_name')}
        </div>
        <div className="field">
          <label htmlFor={f.id('role')}>{t('admin.users.role')}</label>
          <select {...f.fieldProps('role', self)} value={role} disabled={self} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`admin.role.${r}`)}
              </option>
            ))}
          </select>
          {self && (
            <p className="muted small" id={f.hintId('role')}>
              {t('admin.users.selfHint')}
            </p>
          )}
          {f.fieldError('role')}
        </div>
        <div className="field">
          <label className="inline">
            <input type="checkbox" {...f.fieldProps('is_active')} checked={active} disabled={self} onChange={(e) => setActive(e.target.checked)} />{' '}
            {t('admin.users.activeLabel')}
          </label>
          {f.fieldError('is_active')}
        </div>
        <FormFooter errorView={f.formErrorView} busy={busy} onCancel={onClose} />
      </form>
    </Modal>
  );
}
