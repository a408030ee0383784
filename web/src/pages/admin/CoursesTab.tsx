import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { keepPreviousData, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Page, Role } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { errorMessage } from '../../lib/errors';
import { Pager, StatusRegion, FormFooter } from './form';
import { useFormErrors } from '../../lib/useFormErrors';
import type { AdminCourse, AdminUser, EnrolledUsers } from './types';
import { usersPath } from './UsersTab';

const PAGE_SIZE = 20;

export function CoursesTab() {
  const { t } = useTranslation();
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<AdminCourse | null>(null);
  const courses = useQuery({
    queryKey: ['admin', 'courses', page],
    queryFn: ({ signal }) => api.get<Page<AdminCourse>>(`/api/v1/courses/?page=${page}&page_size=${PAGE_SIZE}`, signal),
    placeholderData: keepPreviousData,
  });
  const changed = (c: AdminCourse) => {
    setSelected(c);
    void queryClient.invalidateQueries({ queryKey: ['admin', 'courses'] });
    void queryClient.invalidateQueries({ queryKey: ['courses'] }); // the class list's course picker
  };

  return (
    <div className="admin-courses">
      <div className="admin-course-list">
        <h2 id="course-list-title">{t('admin.courses.list')}</h2>
        {courses.isLoading ? (
          <p className="muted">{t('common.loading')}</p>
        ) : courses.isError || !courses.data ? (
          <p className="field-error" role="alert">
            {errorMessage(courses.error, t)}
          </p>
        ) : courses.data.results.length === 0 ? (
          <p className="muted">{t('admin.courses.empty')}</p>
        ) : (
          <>
            <ul className="plain-list" aria-labelledby="course-list-title">
              {courses.data.results.map((c) => (
                <li key={c.id}>
                  <button
                    type="button"
                    className={selected?.id === c.id ? 'course-pick current' : 'course-pick'}
                    aria-current={selected?.id === c.id ? 'true' : undefined}
                    onClick={() => setSelected(c)}
                  >
                    {c.title}
                  </button>
                </li>
              ))}
            </ul>
            <Pager page={page} pageSize={PAGE_SIZE} count={courses.data.count} onPage={setPage} label={t('admin.courses.pages')} />
          </>
        )}
        <CourseForm onSaved={changed} />
      </div>
      <div className="admin-course-detail">
        {selected ? (
          <CourseDetail key={selected.id} course={selected} onChanged={changed} />
        ) : (
          <p className="muted">{t('admin.courses.pick')}</p>
        )}
      </div>
    </div>
  );
}

/**
 * A course's title and description: a new course (POST) when `course` is absent, else that course's
 * edit (PATCH). A new course's form is emptied after it is created.
 */
function CourseForm({ course, onSaved }: { course?: AdminCourse; onSaved: (c: AdminCourse) => void }) {
  const { t } = useTranslation();
  const { api } = useAuth();
  const f = useFormErrors();
  const [title, setTitle] = useState(course?.title ?? '');
  const [description, setDescription] = useState(course?.description ?? '');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setStatus('');
    if (!title.trim()) {
      f.setErrors({ title: t('admin.courses.error.title') });
      return;
    }
    f.clear();
    setBusy(true);
    try {
      const body = { title: title.trim(), description };
      if (course) {
        const c = await api.patch<AdminCourse>(`/api/v1/courses/${course.id}/`, body);
        setStatus(t('admin.courses.saved'));
        onSaved(c);
      } else {
        const c = await api.post<AdminCourse>('/api/v1/courses/', body);
        setTitle('');
        setDescription('');
        setStatus(t('admin.courses.created', { title: c.title }));
        onSaved(c);
      }
    } catch (err) {
      f.fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="form card"
      onSubmit={submit}
      noValidate
      {...(course ? { 'aria-label': t('admin.courses.edit') } : { 'aria-labelledby': 'new-course-title' })}
    >
      {!course && <h3 id="new-course-title">{t('admin.courses.new')}</h3>}
      <div className="field">
        <label htmlFor={f.id('title')}>{t('admin.courses.title')}</label>
        <input {...f.fieldProps('title')} maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
        {f.fieldError('title')}
      </div>
      <div className="field">
        <label htmlFor={f.id('description')}>{t('admin.courses.description')}</label>
        <textarea
          {...f.fieldProps('description')}
          rows={course ? 3 : 2}
          maxLength={10000}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
        {f.fieldError('description')}
      </div>
      <FormFooter errorView={f.formErrorView} status={status} busy={busy} label={course ? t('common.save') : t('admin.courses.create')} />
    </form>
  );
}

function CourseDetail({ course, onChanged }: { course: AdminCourse; onChanged: (c: AdminCourse) => void }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="course-detail-title" className="admin-section">
      <h2 id="course-detail-title">{course.title}</h2>
      <CourseForm course={course} onSaved={onChanged} />
      <Instructors course={course} onChanged={onChanged} />
      <Enrollments course={course} />
      <p className="muted small">{t('admin.courses.hint')}</p>
    </section>
  );
}

function Instructors({ course, onChanged }: { course: AdminCourse; onChanged: (c: AdminCourse) => void }) {
  const { t } = useTranslation();
  const { api } = useAuth();
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const people = useQueries({
    queries: course.instructor_ids.map((id) => ({
      queryKey: ['admin', 'user', id],
      queryFn: ({ signal }: { signal: AbortSignal }) => api.get<AdminUser>(`/api/v1/users/${id}/`, signal),
      staleTime: 60_000,
    })),
  });
  const nameOf = (i: number) => {
    const u = people[i]?.data;
    return u ? u.full_name || u.email : t('common.loading');
  };
  const run = async (userId: string, fn: () => Promise<AdminCourse>, done: string) => {
    setBusyId(userId);
    setError(null);
    setStatus('');
    try {
      onChanged(await fn());
      setStatus(done);
    } catch (err) {
      setError(errorMessage(err, t));
    } finally {
      setBusyId(null);
    }
  };
  return (
    <section className="card" aria-labelledby="instructors-title">
      <h3 id="instructors-title">{t('admin.courses.instructors')}</h3>
      {course.instructor_ids.length === 0 ? (
        <p className="muted">{t('admin.courses.noInstructors')}</p>
      ) : (
        <ul className="member-list">
          {course.instructor_ids.map((id, i) => (
            <li key={id}>
              <span>{nameOf(i)}</span>
              <button
                type="button"
                className="small danger"
                disabled={busyId === id}
                aria-label={t('admin.courses.removeNamed', { name: nameOf(i) })}
                onClick={() =>
                  run(id, () => api.delete<AdminCourse>(`/api/v1/courses/${course.id}/instructors/${id}/`), t('admin.courses.instructorRemoved', { name: nameOf(i) }))
                }
              >
                {t('admin.courses.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <UserPicker
        label={t('admin.courses.findInstructor')}
        roles={['instructor', 'admin']}
        memberIds={course.instructor_ids}
        busyId={busyId}
        onPick={(u) =>
          run(u.id, () => api.post<AdminCourse>(`/api/v1/courses/${course.id}/instructors/`, { user_id: u.id }), t('admin.courses.instructorAdded', { name: u.full_name || u.email }))
        }
      />
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <StatusRegion message={status} />
    </section>
  );
}

function Enrollments({ course }: { course: AdminCourse }) {
  const { t } = useTranslation();
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const key = ['admin', 'enrollments', course.id];
  const enrolled = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api.get<EnrolledUsers>(`/api/v1/courses/${course.id}/enrollments/`, signal),
  });
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const run = async (userId: string, fn: () => Promise<unknown>, done: string) => {
    setBusyId(userId);
    setError(null);
    setStatus('');
    try {
      await fn();
      await queryClient.invalidateQueries({ queryKey: key });
      setStatus(done);
    } catch (err) {
      setError(errorMessage(err, t));
    } finally {
      setBusyId(null);
    }
  };
  const list = enrolled.data?.results ?? [];
  return (
    <section className="card" aria-labelledby="enrollments-title">
      <h3 id="enrollments-title">
        {t('admin.courses.enrollments')} {enrolled.data && <span className="count">{list.length}</span>}
      </h3>
      {enrolled.isLoading ? (
        <p className="muted">{t('common.loading')}</p>
      ) : enrolled.isError ? (
        <p className="field-error" role="alert">
          {errorMessage(enrolled.error, t)}
        </p>
      ) : list.length === 0 ? (
        <p className="muted">{t('admin.courses.noEnrollments')}</p>
      ) : (
        <ul className="member-list">
          {list.map((u) => (
            <li key={u.id}>
              <span>
                {u.full_name || u.email} <span className="muted small">{u.email}</span>
              </span>
              <button
                type="button"
                className="small danger"
                disabled={busyId === u.id}
                aria-label={t('admin.courses.unenrollNamed', { name: u.full_name || u.email })}
                onClick={() =>
                  run(u.id, () => api.delete(`/api/v1/courses/${course.id}/enrollments/${u.id}/`), t('admin.courses.unenrolled', { name: u.full_name || u.email }))
                }
              >
                {t('admin.courses.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <UserPicker
        label={t('admin.courses.findStudent')}
        roles={['student']}
        memberIds={list.map((u) => u.id)}
        busyId={busyId}
        onPick={(u) =>
          run(u.id, () => api.post(`/api/v1/courses/${course.id}/enrollments/`, { user_id: u.id }), t('admin.courses.enrolled', { name: u.full_name || u.email }))
        }
      />
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <StatusRegion message={status} />
    </section>
  );
}

/** Search the school's users (GET /users/?search=) and add one; members already in are marked. */
function UserPicker({
  label,
  roles,
  memberIds,
  busyId,
  onPick,
}: {
  label: string;
  roles: Role[];
  memberIds: string[];
  busyId: string | null;
  onPick: (u: AdminUser) => void;
}) {
  const { t } = useTranslation();
  const { api } = useAuth();
  const f = useFormErrors();
  const [draft, setDraft] = useState('');
  const [search, setSearch] = useState<string | null>(null);
  const found = useQuery({
    queryKey: ['admin', 'users', 'pick', roles.join(','), search],
    enabled: search !== null,
    queryFn: async ({ signal }) => {
      // One role is filtered by the server; several (instructor or admin) here.
      const page = await api.get<Page<AdminUser>>(
        usersPath({ search: search ?? '', role: roles.length === 1 ? roles[0] : undefined, page_size: 20 }),
        signal,
      );
      return page.results.filter((u) => roles.includes(u.role) && u.is_active);
    },
  });
  return (
    <div className="user-picker">
      <form
        role="search"
        className="admin-search"
        aria-label={label}
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(draft.trim());
        }}
      >
        <div className="field">
          <label htmlFor={f.id('q')}>{label}</label>
          <input id={f.id('q')} type="search" maxLength={100} value={draft} onChange={(e) => setDraft(e.target.value)} />
        </div>
        <button type="submit">{t('admin.users.searchButton')}</button>
      </form>
      {search !== null && (
        <div aria-live="polite">
          {found.isLoading ? (
            <p className="muted small">{t('common.loading')}</p>
          ) : found.isError ? (
            <p className="field-error">{errorMessage(found.error, t)}</p>
          ) : (found.data ?? []).length === 0 ? (
            <p className="muted small">{t('admin.courses.noMatch')}</p>
          ) : (
            <ul className="member-list">
              {(found.data ?? []).map((u) => {
                const member = memberIds.includes(u.id);
                const name = u.full_name || u.email;
                return (
                  <li key={u.id}>
                    <span>
                      {name} <span className="muted small">{u.email}</span>
                    </span>
                    {member ? (
                      <span className="tag">{t('admin.courses.already')}</span>
                    ) : (
                      <button
                        type="button"
                        className="small"
                        disabled={busyId === u.id}
                        aria-busy={busyId === u.id}
                        aria-label={t('admin.courses.addNamed', { name })}
                        onClick={() => onPick(u)}
                      >
                        {t('admin.courses.add')}
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
