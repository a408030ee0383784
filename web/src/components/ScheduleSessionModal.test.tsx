import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { act } from 'react';
import i18n from '../i18n';
import type { Course } from '../api/types';
import { browserTimeZone, fromLocalInputs } from '../lib/time';
import { COURSE, SID, TENANT, callsTo, json, liveSession, mockApi, problem, renderWithApp, signIn, teacher } from '../test/api';
import { ScheduleSessionModal } from './ScheduleSessionModal';

const PHYSICS = '8b2d4f1a-3c5e-4f6a-8b7c-9d0e1f2a3b4c';
const courses: Course[] = [
  { id: COURSE, tenant_id: TENANT.id, title: 'Matematik 11-A', description: '', instructor_ids: [teacher.id] },
  { id: PHYSICS, tenant_id: TENANT.id, title: 'Fizik 11-A', description: '', instructor_ids: [teacher.id] },
];
const SERIES = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';

function renderModal(defaultCourseId?: string, timeZone?: string) {
  const onClose = vi.fn();
  const onCreated = vi.fn();
  renderWithApp(
    <ScheduleSessionModal
      courses={courses}
      defaultCourseId={defaultCourseId}
      onClose={onClose}
      onCreated={onCreated}
      now={new Date(2026, 10, 26, 9, 7)}
      timeZone={timeZone}
    />,
  );
  return { onClose, onCreated, dialog: screen.getByRole('dialog', { name: 'Ders planla' }) };
}

/** Date and time pickers are filled as a browser does: one change event with the whole value. */
function setWhen(date: string, start: string, end: string) {
  fireEvent.change(screen.getByLabelText('Tarih'), { target: { value: date } });
  fireEvent.change(screen.getByLabelText('Başlangıç'), { target: { value: start } });
  fireEvent.change(screen.getByLabelText('Bitiş'), { target: { value: end } });
}

beforeEach(async () => {
  signIn(teacher);
  await i18n.changeLanguage('tr');
});
describe('ScheduleSessionModal — form', () => {
  it('opens with the next free slot an hour ahead, the chosen course and focus inside the dialog', () => {
    mockApi({});
    const { dialog } = renderModal(PHYSICS);
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(dialog).toContainElement(document.activeElement as HTMLElement);
    expect(screen.getByLabelText('Kurs')).toHaveValue(PHYSICS);
    expect(screen.getByLabelText('Tarih')).toHaveValue('2026-11-26');
    expect(screen.getByLabelText('Başlangıç')).toHaveValue('10:15');
    expect(screen.getByLabelText('Bitiş')).toHaveValue('11:15');
    expect(screen.getByLabelText('Tekrar')).toHaveValue('none');
  });

  it('wraps Tab and Shift+Tab inside the dialog', async () => {
    mockApi({});
    const user = userEvent.setup({ delay: null });
    const { dialog } = renderModal();
    const close = within(dialog).getByRole('button', { name: 'Kapat' });
    const submit = within(dialog).getByRole('button', { name: 'Planla' });
    expect(close).toHaveFocus();
    await user.tab({ shift: true });
    expect(submit).toHaveFocus();
    await user.tab();
    expect(close).toHaveFocus();
    await user.tab();
    expect(screen.getByLabelText('Kurs')).toHaveFocus();
  });

  it('closes on Escape and on Vazgeç', async () => {
    mockApi({});
    const user = userEvent.setup({ delay: null });
    const { onClose } = renderModal();
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole('button', { name: 'Vazgeç' }));
    expect(onClose).toHaveBeenCalledTimes(2);
  });

  it('shows an error next to an empty title and sends nothing', async () => {
    const fetchMock = mockApi({});
    const user = userEvent.setup({ delay: null });
    const { onCreated } = renderModal();
    await user.type(screen.getByLabelText('Ders adı'), '   ');
    await user.click(screen.getByRole('button', { name: 'Planla' }));
    const title = screen.getByLabelText('Ders adı');
    expect(title).toHaveAttribute('aria-invalid', 'true');
    expect(title).toHaveAccessibleDescription('Ders adını yazın.');
    expect(fetchMock).not.toHaveBeenCalled();
    expect(onCreated).not.toHaveBeenCalled();
  });

  it('refuses a title over 200 characters and accepts one of exactly 200', async () => {
    const fetchMock = mockApi({ 'POST /api/v1/live-sessions/': () => json(liveSession(), 201) });
    const user = userEvent.setup({ delay: null });
    renderModal();
    const title = screen.getByLabelText('Ders adı');
    await user.click(title);
    await user.paste('ğ'.repeat(201));
    await user.click(screen.getByRole('button', { name: 'Planla' }));
    expect(title).toHaveAccessibleDescription('Ders adı en çok 200 karakter olabilir.');
    expect(fetchMock).not.toHaveBeenCalled();

    await user.type(title, '{Backspace}');
    await user.click(screen.getByRole('button', { name: 'Planla' }));
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(1));
    expect(title).not.toHaveAttribute('aria-invalid');
  });

  it('checks the number of classes of a series', async () => {
    const fetchMock = mockApi({});
    const user = userEvent.setup({ delay: null });
    renderModal();
    await user.type(screen.getByLabelText('Ders adı'), 'Türev');
    await user.selectOptions(screen.getByLabelText('Tekrar'), 'daily');
    await user.clear(screen.getByLabelText('Ders sayısı'));
    await user.type(screen.getByLabelText('Ders sayısı'), '1');
    await user.click(screen.getByRole('button', { name: 'Planla' }));
    expect(screen.getByLabelText('Tekrar')).toHaveAccessibleDescription('Ders sayısı 2 ile 200 arasında olmalı.');
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe('ScheduleSessionModal — sending', () => {
  it('posts a single class with UTC instants from the local date and times', async () => {
    const created = liveSession({ id: SID, title: 'Türev' });
    const fetchMock = mockApi({ 'POST /api/v1/live-sessions/': () => json(created, 201) });
    const user = userEvent.setup({ delay: null });
    const { onCreated } = renderModal();
    await user.type(screen.getByLabelText('Ders adı'), '  Türev  ');
    await user.type(screen.getByLabelText('Açıklama'), 'Zincir kuralı');
    setWhen('2026-12-02', '10:00', '11:30');
    await user.click(screen.getByRole('button', { name: 'Planla' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith({ session: created }));
    expect(callsTo(fetchMock, 'POST', '/api/v1/live-sessions/')).toEqual([
      {
        course_id: COURSE,
        title: 'Türev',
        description: 'Zincir kuralı',
        type: 'scheduled',
        scheduled_start: new Date(2026, 11, 2, 10, 0).toISOString().replace('.000Z', 'Z'),
        scheduled_end: new Date(2026, 11, 2, 11, 30).toISOString().replace('.000Z', 'Z'),
      },
    ]);
    expect(callsTo(fetchMock, 'POST', '/api/v1/live-sessions/')[0].scheduled_start).toMatch(/^2026-12-0[12]T\d\d:\d\d:00Z$/);
  });

  it('reads the times in the user’s chosen zone, whatever the browser’s, and sends the series in it', async () => {
    const fetchMock = mockApi({ 'POST /api/v1/live-series/': () => json({ id: SERIES }, 201) });
    const user = userEvent.setup({ delay: null });
    const { onCreated } = renderModal(undefined, 'America/New_York');
    await user.type(screen.getByLabelText('Ders adı'), 'Türev');
    setWhen('2026-12-02', '10:00', '11:30'); // 10:00 in New York in winter is 15:00 UTC
    expect(screen.getByText('Saatler America/New_York saat dilimine göredir.')).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('Tekrar'), 'weekly');
    await user.click(screen.getByRole('button', { name: 'Planla' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith({ seriesId: SERIES }));
    const [body] = callsTo(fetchMock, 'POST', '/api/v1/live-series/');
    expect(body.first_start).toBe('2026-12-02T15:00:00Z');
    expect(body.duration_minutes).toBe(90);
    expect(body.timezone).toBe('America/New_York');
    expect(body.rrule).toBe('FREQ=WEEKLY;BYDAY=WE;COUNT=10');
  });

  it('sends a webinar that runs past midnight with the next day as its end', async () => {
    const fetchMock = mockApi({ 'POST /api/v1/live-sessions/': () => json(liveSession({ type: 'webinar' }), 201) });
    const user = userEvent.setup({ delay: null });
    const { onCreated } = renderModal();
    await user.type(screen.getByLabelText('Ders adı'), 'Gece gözlemi');
    await user.click(screen.getByRole('radio', { name: 'Webinar (yalnız konuşmacılar konuşur)' }));
    setWhen('2026-12-02', '23:00', '00:30');
    await user.click(screen.getByRole('button', { name: 'Planla' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    const [body] = callsTo(fetchMock, 'POST', '/api/v1/live-sessions/');
    expect(body.type).toBe('webinar');
    expect(body.scheduled_start).toBe(fromLocalInputs('2026-12-02', '23:00'));
    expect(body.scheduled_end).toBe(fromLocalInputs('2026-12-03', '00:30'));
  });

  it('posts a weekly series with the start’s weekday always among the days', async () => {
    const fetchMock = mockApi({ 'POST /api/v1/live-series/': () => json({ id: SERIES }, 201) });
    const user = userEvent.setup({ delay: null });
    const { onCreated } = renderModal();
    await user.type(screen.getByLabelText('Ders adı'), 'Türev');
    setWhen('2026-12-02', '10:00', '11:30'); // a Wednesday
    await user.selectOptions(screen.getByLabelText('Tekrar'), 'weekly');

    const days = screen.getByRole('group', { name: 'Günler' });
    const wednesday = within(days).getByRole('checkbox', { name: 'Çar' });
    expect(wednesday).toBeChecked();
    expect(wednesday).toBeDisabled();
    await user.click(within(days).getByRole('checkbox', { name: 'Cum' }));
    await user.click(within(days).getByRole('checkbox', { name: 'Pzt' }));
    expect(screen.getByText(`Saatler ${browserTimeZone()} saat dilimine göredir.`)).toBeInTheDocument();
    await user.clear(screen.getByLabelText('Ders sayısı'));
    await user.type(screen.getByLabelText('Ders sayısı'), '12');
    await user.click(screen.getByRole('button', { name: 'Planla' }));

    await waitFor(() => expect(onCreated).toHaveBeenCalledWith({ seriesId: SERIES }));
    expect(callsTo(fetchMock, 'POST', '/api/v1/live-sessions/')).toHaveLength(0);
    expect(callsTo(fetchMock, 'POST', '/api/v1/live-series/')).toEqual([
      {
        course_id: COURSE,
        title: 'Türev',
        description: '',
        type: 'scheduled',
        rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=12',
        first_start: fromLocalInputs('2026-12-02', '10:00'),
        duration_minutes: 90,
        timezone: browserTimeZone(),
      },
    ]);
  });

  it('includes the start’s weekday in BYDAY even when only other days were ticked', async () => {
    const fetchMock = mockApi({ 'POST /api/v1/live-series/': () => json({ id: SERIES }, 201) });
    const user = userEvent.setup({ delay: null });
    renderModal();
    await user.type(screen.getByLabelText('Ders adı'), 'Türev');
    await user.selectOptions(screen.getByLabelText('Tekrar'), 'weekly');
    setWhen('2026-12-06', '09:00', '09:45'); // a Sunday
    await user.click(screen.getByRole('checkbox', { name: 'Sal' }));
    await user.click(screen.getByRole('button', { name: 'Planla' }));
    await waitFor(() => expect(callsTo(fetchMock, 'POST', '/api/v1/live-series/')).toHaveLength(1));
    const [body] = callsTo(fetchMock, 'POST', '/api/v1/live-series/');
    expect(body.rrule).toBe('FREQ=WEEKLY;BYDAY=TU,SU;COUNT=10');
    expect(body.duration_minutes).toBe(45);
  });

  it('“start now” sends an adhoc class without times', async () => {
    const adhoc = liveSession({ type: 'adhoc', status: 'live' });
    const fetchMock = mockApi({ 'POST /api/v1/live-sessions/': () => json(adhoc, 201) });
    const user = userEvent.setup({ delay: null });
    const { onCreated } = renderModal();
    await user.type(screen.getByLabelText('Ders adı'), 'Soru saati');
    await user.selectOptions(screen.getByLabelText('Kurs'), PHYSICS);
    await user.click(screen.getByRole('radio', { name: 'Hemen başlat' }));
    expect(screen.queryByLabelText('Tarih')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Tekrar')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Oluştur ve başlat' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith({ session: adhoc }));
    expect(callsTo(fetchMock, 'POST', '/api/v1/live-sessions/')).toEqual([
      { course_id: PHYSICS, title: 'Soru saati', description: '', type: 'adhoc' },
    ]);
  });

  it('puts each error of a 422 next to its field and keeps what was typed', async () => {
    mockApi({
      'POST /api/v1/live-sessions/': () =>
        problem('validation-error', 422, 'the live session has invalid fields', {
          errors: [
            { field: 'scheduled_end', pointer: '/scheduled_end', detail: 'must be after scheduled_start' },
            { field: 'title', pointer: '/title', detail: 'is already used by another class at this time' },
          ],
        }),
    });
    const user = userEvent.setup({ delay: null });
    const { onCreated } = renderModal();
    await user.type(screen.getByLabelText('Ders adı'), 'Türev');
    setWhen('2026-12-02', '10:00', '11:30');
    await user.click(screen.getByRole('button', { name: 'Planla' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Lütfen işaretli alanları düzeltin.');
    const title = screen.getByLabelText('Ders adı');
    const end = screen.getByLabelText('Bitiş');
    expect(title).toHaveAttribute('aria-invalid', 'true');
    expect(title).toHaveAccessibleDescription('is already used by another class at this time');
    expect(end).toHaveAttribute('aria-invalid', 'true');
    expect(end).toHaveAccessibleDescription('must be after scheduled_start');
    expect(screen.getByLabelText('Başlangıç')).not.toHaveAttribute('aria-invalid');
    expect(title).toHaveValue('Türev');
    expect(screen.getByLabelText('Tarih')).toHaveValue('2026-12-02');
    expect(end).toHaveValue('11:30');
    expect(screen.getByRole('button', { name: 'Planla' })).toBeEnabled();
    expect(onCreated).not.toHaveBeenCalled();
  });

  it('lists errors for fields the form does not show in the form’s message', async () => {
    mockApi({
      'POST /api/v1/live-series/': () =>
        problem('validation-error', 422, 'the live series has invalid fields', {
          errors: [
            { field: 'rrule', pointer: '/rrule', detail: 'expands to more than 200 occurrences' },
            { field: 'colour', pointer: '/colour', detail: 'is not a known field' },
          ],
        }),
    });
    const user = userEvent.setup({ delay: null });
    renderModal();
    await user.type(screen.getByLabelText('Ders adı'), 'Türev');
    await user.selectOptions(screen.getByLabelText('Tekrar'), 'monthly');
    await user.click(screen.getByRole('button', { name: 'Planla' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Gönderilen bilgilerde hata var. colour: is not a known field');
    expect(screen.getByLabelText('Tekrar')).toHaveAccessibleDescription('expands to more than 200 occurrences');
  });

  it('shows other problems as a message and is busy while saving', async () => {
    let answer!: (r: Response) => void;
    mockApi({ 'POST /api/v1/live-sessions/': () => new Promise<Response>((r) => (answer = r)) });
    const user = userEvent.setup({ delay: null });
    renderModal();
    await user.type(screen.getByLabelText('Ders adı'), 'Türev');
    await user.click(screen.getByRole('button', { name: 'Planla' }));
    const saving = screen.getByRole('button', { name: 'Kaydediliyor…' });
    expect(saving).toBeDisabled();
    expect(saving).toHaveAttribute('aria-busy', 'true');
    await act(async () => answer(problem('forbidden', 403, 'only instructors of the course can schedule')));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Bu işlem için yetkiniz yok. (only instructors of the course can schedule)',
    );
    expect(screen.getByRole('button', { name: 'Planla' })).toBeEnabled();
  });
});
