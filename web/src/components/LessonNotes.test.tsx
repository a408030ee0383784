import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18n from '../i18n';
import type { LiveSession, Recording, RecordingNotes } from '../api/types';
import {
  RECORDING_ID,
  SID,
  buttonLabels,
  callsTo,
  json,
  listOf,
  mockApi,
  problem,
  recording,
  renderWithApp,
  signIn,
  signInSpeaking,
  student,
  teacher,
} from '../test/api';
import { RecordingsPanel } from './RecordingsPanel';

const base = `/api/v1/live-sessions/${SID}/recordings/`;
const R1 = RECORDING_ID;
const R2 = 'f2222222-2222-4222-8222-222222222222';
const summaryOf = (id: string) => `${base}${id}/summary/`;
const quizOf = (id: string) => `${base}${id}/quiz/`;
const TITLE = '26 Kas 2026 14:00 kaydı';

/** A published recording with a ready transcript. */
const readyRec = (over: Partial<Recording> = {}) =>
  recording({
    storage_status: 'stored',
    transcript_status: 'ready',
    transcript_progress: 100,
    transcript_language: 'tr',
    transcript_url: `${base}${over.id ?? R1}/transcript/`,
    ...over,
  });
const list = listOf<Recording>;

function notes(over: Partial<RecordingNotes> = {}): RecordingNotes {
  return {
    recording_id: R1,
    session_id: SID,
    kind: 'summary',
    status: 'ready',
    progress: 100,
    language: 'tr',
    model: 'gpt-4o-mini',
    error: '',
    created_at: '2026-11-27T10:00:00Z',
    updated_at: '2026-11-27T10:01:00Z',
    ...over,
  };
}

const SUMMARY = notes({
  summary: {
    overview: 'Ders, türevin limit tanımıyla başladı ve türev kurallarıyla sürdü.',
    key_points: ['Türev, anlık değişim hızıdır.', 'Çarpım kuralı: (fg)′ = f′g + fg′.'],
    timeline: [
      { start: 0, title: 'Giriş', summary: 'Dersin planı anlatıldı.' },
      { start: 312.5, title: 'Limit tanımı', summary: 'Türev limitle tanımlandı.' },
      { start: 3729, title: 'Sorular', summary: 'Öğrencilerin soruları yanıtlandı.' },
    ],
  },
});

const QUIZ = notes({
  kind: 'quiz',
  quiz: {
    topics: ['Kesirler', 'Ondalık sayılar'],
    questions: [
      {
        type: 'multiple_choice',
        question: '1/4 kaça eşittir?',
        options: ['0,4', '0,14', '0,25', '2,5'],
        answer_index: 2,
        answer: '0,25',
        explanation: '1, 4’e bölünür: 0,25.',
        topic: 'Kesirler',
        start: 120,
      },
      {
        type: 'open_ended',
        question: 'Bir kesri ondalık sayıya nasıl çevirirsiniz?',
        options: [],
        answer_index: -1,
        answer: 'Payı paydaya bölerek.',
        explanation: 'Kesir çizgisi bölme demektir.',
        topic: 'Ondalık sayılar',
        start: 3725.4,
      },
    ],
  },
});

function renderPanel(role: LiveSession['my_role']) {
  return renderWithApp(<RecordingsPanel sessionId={SID} role={role} timeZone="Europe/Istanbul" />);
}

const panel = () => screen.getByRole('region', { name: /Kayıtlar|Recordings/ });
const item = (id: string) => panel().querySelector<HTMLElement>(`[data-recording-id="${id}"]`)!;
const summaryRegion = () => screen.getByRole('region', { name: `Özet: ${TITLE}` });
const quizRegion = () => screen.getByRole('region', { name: `Quiz önerileri: ${TITLE}` });

beforeEach(() => signInSpeaking(teacher));

describe('Lesson summary', () => {
  it('shows the staff the summary on demand: overview, key points and the timeline with positions', async () => {
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(readyRec(), recording({ id: R2, created_at: '2026-11-26T11:10:00Z' })),
      [`GET ${summaryOf(R1)}`]: () => json(SUMMARY),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    const show = await screen.findByRole('button', { name: 'Özet' });
    expect(show).toHaveAttribute('aria-expanded', 'false');
    expect(show).toHaveAccessibleDescription(TITLE);
    expect(buttonLabels(item(R1))).toEqual([
      'Altyazılı izle',
      'VTT',
      'SRT',
      'Transkripti göster',
      'Özet',
      'Quiz önerileri',
      'İzle',
      'Yayından kaldır',
      'Sil',
    ]);
    // A recording without a ready transcript has neither.
    expect(buttonLabels(item(R2))).toEqual(['İzle', 'Yayından kaldır', 'Sil']);
    // Nothing is asked for before the click.
    expect(callsTo(fetchMock, 'GET', summaryOf(R1))).toHaveLength(0);

    await user.click(show);
    expect(await within(summaryRegion()).findByText(SUMMARY.summary!.overview)).toBeInTheDocument();
    const region = summaryRegion();
    expect(show).toHaveAttribute('aria-expanded', 'true');
    expect(document.getElementById(show.getAttribute('aria-controls')!)).toBe(region);
    expect(within(region).getByRole('heading', { level: 3 })).toHaveTextContent('Ders özeti');
    const points = within(region).getByRole('list', { name: 'Ana noktalar' });
    expect(within(points).getAllByRole('listitem').map((li) => li.textContent)).toEqual(SUMMARY.summary!.key_points);
    const timeline = within(region).getByRole('list', { name: 'Dersin akışı' });
    expect(within(timeline).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      '00:00 GirişDersin planı anlatıldı.',
      '05:12 Limit tanımıTürev limitle tanımlandı.',
      '1:02:09 SorularÖğrencilerin soruları yanıtlandı.',
    ]);
    expect(region.querySelector('[lang="tr"]')).not.toBeNull();
    expect(region).toHaveTextContent('Transkriptten yapay zekâ (gpt-4o-mini) hazırladı; hatalı olabilir');
    // Once it is ready, the staff may only ask for it again.
    expect(within(region).getAllByRole('button').map((b) => b.textContent)).toEqual(['Özeti yeniden çıkar']);
    const call = fetchMock.mock.calls.find(([u]) => String(u) === summaryOf(R1))!;
    expect(new Headers(call[1]?.headers).get('Authorization')).toBe('Bearer test-token');

    // Folded and unfolded again: the answer kept, not asked for twice.
    await user.click(show);
    expect(screen.queryByRole('region', { name: /^Özet:/ })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Özet' }));
    expect(await within(summaryRegion()).findByText('Ana noktalar')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'GET', summaryOf(R1))).toHaveLength(1);
  });

  it('lets the staff ask for a summary when there is none, shows it being made and follows it until ready', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'], shouldAdvanceTime: true });
    let current: RecordingNotes | null = null;
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(readyRec()),
      [`GET ${summaryOf(R1)}`]: () => (current ? json(current) : problem('not-found', 404, 'no summary')),
      [`POST ${summaryOf(R1)}`]: () => {
        current = notes({ status: 'processing', progress: 50 });
        return json(notes({ status: 'processing', progress: 0 }), 202);
      },
    });
    const user = userEvent.setup({ delay: null });
    const { unmount } = renderPanel('moderator');
    await user.click(await screen.findByRole('button', { name: 'Özet' }));
    expect(await within(summaryRegion()).findByText('Bu kayıt için henüz özet çıkarılmadı.')).toBeInTheDocument();
    // A 404 is an answer here, not an error.
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    // Nothing being made yet: nothing to follow.
    await act(() => vi.advanceTimersByTimeAsync(20_000));
    expect(callsTo(fetchMock, 'GET', summaryOf(R1))).toHaveLength(1);

    await user.click(within(summaryRegion()).getByRole('button', { name: 'Özet çıkar' }));
    const line = await within(summaryRegion()).findByRole('status');
    expect(line).toHaveTextContent(/^Özet hazırlanıyor… %0$/);
    const posts = fetchMock.mock.calls.filter(([u, init]) => String(u) === summaryOf(R1) && init?.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0][1]?.body).toBeUndefined();
    expect(new Headers(posts[0][1]?.headers).get('Authorization')).toBe('Bearer test-token');
    // Taken from the 202 answer, not from asking again.
    expect(callsTo(fetchMock, 'GET', summaryOf(R1))).toHaveLength(1);
    expect(within(summaryRegion()).queryByRole('button', { name: 'Özet çıkar' })).not.toBeInTheDocument();

    await act(() => vi.advanceTimersByTimeAsync(5_000));
    await waitFor(() => expect(within(summaryRegion()).getByRole('status')).toHaveTextContent('Özet hazırlanıyor… %50'));
    current = SUMMARY;
    await act(() => vi.advanceTimersByTimeAsync(5_000));
    expect(await within(summaryRegion()).findByText(SUMMARY.summary!.overview)).toBeInTheDocument();
    expect(callsTo(fetchMock, 'GET', summaryOf(R1))).toHaveLength(3);
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(callsTo(fetchMock, 'GET', summaryOf(R1))).toHaveLength(3);
    unmount();
  });

  it('keeps showing the last summary while a new one is made, and when the new one fails', async () => {
    const before = SUMMARY.summary!.overview;
    let current: RecordingNotes = SUMMARY;
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(readyRec()),
      [`GET ${summaryOf(R1)}`]: () => json(current),
      [`POST ${summaryOf(R1)}`]: () => {
        current = { ...SUMMARY, status: 'processing', progress: 0, previous: true, made_at: '2026-11-26T12:05:00Z' };
        return json(current, 202);
      },
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    await user.click(await screen.findByRole('button', { name: 'Özet' }));
    await user.click(await within(summaryRegion()).findByRole('button', { name: 'Özeti yeniden çıkar' }));
    expect(await within(summaryRegion()).findByRole('status')).toHaveTextContent('Özet hazırlanıyor… %0');
    expect(summaryRegion()).toHaveTextContent('Yenisi hazırlanırken önceki gösteriliyor; hazır olunca yerini alacak.');
    expect(within(summaryRegion()).getByText(before)).toBeInTheDocument();
    // The kept one says when it was made (in the school's time zone).
    expect(summaryRegion()).toHaveTextContent(
      '26 Kas 2026 15:05 tarihinde transkriptten yapay zekâ (gpt-4o-mini) hazırladı; hatalı olabilir',
    );
    expect(within(summaryRegion()).queryByRole('button', { name: 'Özeti yeniden çıkar' })).not.toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST', summaryOf(R1))).toHaveLength(1);

    current = { ...SUMMARY, status: 'failed', progress: 0, error: 'Model yanıt vermedi.', previous: true };
    await user.click(within(summaryRegion()).getByRole('button', { name: 'Yenile' }));
    expect(await within(summaryRegion()).findByText('Özet çıkarılamadı: Model yanıt vermedi.')).toBeInTheDocument();
    expect(summaryRegion()).toHaveTextContent('Yenisi çıkarılamadığı için önceki gösteriliyor.');
    expect(within(summaryRegion()).getByText(before)).toBeInTheDocument();
    expect(within(summaryRegion()).getByRole('button', { name: 'Özeti yeniden çıkar' })).toBeEnabled();
  });

  it('looks again at once with Refresh while it is being made', async () => {
    let current = notes({ status: 'processing', progress: 20 });
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(readyRec()),
      [`GET ${summaryOf(R1)}`]: () => json(current),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    await user.click(await screen.findByRole('button', { name: 'Özet' }));
    await waitFor(() => expect(within(summaryRegion()).getByRole('status')).toHaveTextContent('Özet hazırlanıyor… %20'));
    current = notes({ status: 'processing', progress: 75 });
    await user.click(within(summaryRegion()).getByRole('button', { name: 'Yenile' }));
    await waitFor(() => expect(within(summaryRegion()).getByRole('status')).toHaveTextContent('Özet hazırlanıyor… %75'));
    expect(callsTo(fetchMock, 'GET', summaryOf(R1))).toHaveLength(2);
  });

  it('shows the server’s reason when a summary cannot be made (409), and keeps the button', async () => {
    mockApi({
      [`GET ${base}`]: () => list(readyRec()),
      [`GET ${summaryOf(R1)}`]: () => problem('not-found', 404, 'no summary'),
      [`POST ${summaryOf(R1)}`]: () =>
        problem('conflict', 409, 'the school’s policy does not allow summaries of its recordings'),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    await user.click(await screen.findByRole('button', { name: 'Özet' }));
    await user.click(await within(summaryRegion()).findByRole('button', { name: 'Özet çıkar' }));
    expect(await within(summaryRegion()).findByRole('alert')).toHaveTextContent(
      'Bu işlem dersin şu anki durumunda yapılamaz. (the school’s policy does not allow summaries of its recordings)',
    );
    expect(within(summaryRegion()).getByRole('button', { name: 'Özet çıkar' })).toBeEnabled();
    expect(summaryRegion()).toHaveTextContent('Bu kayıt için henüz özet çıkarılmadı.');
  });

  it('shows why a summary failed, and lets the staff make it again', async () => {
    const failed = notes({ status: 'failed', progress: 0, error: 'Yapay zekâ servisine ulaşılamadı.' });
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(readyRec()),
      [`GET ${summaryOf(R1)}`]: () => json(failed),
      [`POST ${summaryOf(R1)}`]: () => json(notes({ status: 'processing', progress: 0 }), 202),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('admin');
    await user.click(await screen.findByRole('button', { name: 'Özet' }));
    expect(await within(summaryRegion()).findByText('Özet çıkarılamadı: Yapay zekâ servisine ulaşılamadı.')).toBeInTheDocument();
    await user.click(within(summaryRegion()).getByRole('button', { name: 'Özeti yeniden çıkar' }));
    expect(await within(summaryRegion()).findByRole('status')).toHaveTextContent('Özet hazırlanıyor… %0');
    expect(callsTo(fetchMock, 'POST', summaryOf(R1))).toHaveLength(1);
    expect(summaryRegion()).not.toHaveTextContent('Yapay zekâ servisine ulaşılamadı.');
  });

  it('shows a failure without a reason plainly, and why a summary could not be loaded', async () => {
    mockApi({
      [`GET ${base}`]: () => list(readyRec({ id: R1 }), readyRec({ id: R2, created_at: '2026-11-26T11:10:00Z' })),
      [`GET ${summaryOf(R1)}`]: () => json(notes({ status: 'failed', error: '' })),
      [`GET ${summaryOf(R2)}`]: () => problem('forbidden', 403, 'not enrolled in this course'),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    await screen.findByRole('list');
    await user.click(within(item(R1)).getByRole('button', { name: 'Özet' }));
    expect(await within(summaryRegion()).findByText(/^Özet çıkarılamadı\.$/)).toBeInTheDocument();
    await user.click(within(item(R2)).getByRole('button', { name: 'Özet' }));
    expect(await within(item(R2)).findByRole('alert')).toHaveTextContent(
      'Bu işlem için yetkiniz yok. (not enrolled in this course)',
    );
  });
});

describe('Lesson summary — a student', () => {
  beforeEach(() => signIn(student));

  it('sees the summary of a published recording, but no quiz and nothing to ask for', async () => {
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(readyRec()),
      [`GET ${summaryOf(R1)}`]: () => json(SUMMARY),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('participant');
    await screen.findByRole('list');
    expect(buttonLabels(item(R1))).toEqual(['Altyazılı izle', 'VTT', 'SRT', 'Transkripti göster', 'Özet', 'İzle']);
    expect(screen.queryByRole('button', { name: 'Quiz önerileri' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Özet' }));
    expect(await within(summaryRegion()).findByText(SUMMARY.summary!.overview)).toBeInTheDocument();
    expect(within(summaryRegion()).getAllByRole('listitem')).toHaveLength(5);
    expect(within(summaryRegion()).queryByRole('button')).not.toBeInTheDocument();
    expect(callsTo(fetchMock, 'GET', quizOf(R1))).toHaveLength(0);
  });

  it('is not offered a summary the listing says there is none of, and is offered a ready one', async () => {
    mockApi({
      [`GET ${base}`]: () =>
        list(
          readyRec({ id: R1, summary_status: 'none' }),
          readyRec({ id: R2, created_at: '2026-11-26T11:10:00Z', summary_status: 'ready' }),
        ),
    });
    renderPanel('participant');
    await screen.findByRole('list');
    expect(buttonLabels(item(R1))).toEqual(['Altyazılı izle', 'VTT', 'SRT', 'Transkripti göster', 'İzle']);
    expect(buttonLabels(item(R2))).toEqual(['Altyazılı izle', 'VTT', 'SRT', 'Transkripti göster', 'Özet', 'İzle']);
  });

  it('is told the summary is not ready yet (404), and a failure without a button', async () => {
    mockApi({
      [`GET ${base}`]: () => list(readyRec({ id: R1 }), readyRec({ id: R2, created_at: '2026-11-26T11:10:00Z' })),
      [`GET ${summaryOf(R1)}`]: () => problem('not-found', 404, 'no summary'),
      [`GET ${summaryOf(R2)}`]: () => json(notes({ recording_id: R2, status: 'failed', error: 'Transkript çok kısa.' })),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('participant');
    await screen.findByRole('list');
    await user.click(within(item(R1)).getByRole('button', { name: 'Özet' }));
    expect(await within(item(R1)).findByText('Bu kaydın özeti henüz hazır değil.')).toBeInTheDocument();
    await user.click(within(item(R2)).getByRole('button', { name: 'Özet' }));
    expect(await within(item(R2)).findByText('Özet çıkarılamadı: Transkript çok kısa.')).toBeInTheDocument();
    expect(within(panel()).queryByRole('button', { name: /çıkar/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});

describe('Quiz suggestions', () => {
  it('shows the topics and each question: type, topic, time, options with the correct one marked, model answer', async () => {
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(readyRec()),
      [`GET ${quizOf(R1)}`]: () => json(QUIZ),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    const show = await screen.findByRole('button', { name: 'Quiz önerileri' });
    expect(show).toHaveAttribute('aria-expanded', 'false');
    await user.click(show);
    const region = await screen.findByRole('region', { name: `Quiz önerileri: ${TITLE}` });
    await within(region).findByText('1/4 kaça eşittir?');
    expect(show).toHaveAttribute('aria-expanded', 'true');
    expect(within(region).getByRole('heading', { level: 3 })).toHaveTextContent('Quiz önerileri');
    expect(region).toHaveTextContent('yalnızca dersin öğretmenleri ve yöneticileri görür');
    const topics = within(region).getByRole('list', { name: 'Konular' });
    expect(within(topics).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Kesirler', 'Ondalık sayılar']);

    const questions = within(region).getByRole('list', { name: 'Sorular' });
    const [mc, open] = within(questions).getAllByRole('listitem').filter((li) => li.parentElement === questions);
    expect(mc).toHaveTextContent('Çoktan seçmeli · Konu: Kesirler · Kayıtta 02:00');
    const options = within(within(mc).getByRole('list', { name: 'Seçenekler' })).getAllByRole('listitem');
    expect(options.map((o) => o.textContent)).toEqual(['0,4', '0,14', '0,25 ✓ doğru cevap', '2,5']);
    expect(options.map((o) => o.getAttribute('data-correct'))).toEqual([null, null, 'true', null]);
    expect(mc).toHaveTextContent('Açıklama: 1, 4’e bölünür: 0,25.');
    // The correct option is marked in the list: no separate answer line.
    expect(mc).not.toHaveTextContent('Cevap:');

    expect(open).toHaveTextContent('Bir kesri ondalık sayıya nasıl çevirirsiniz?');
    expect(open).toHaveTextContent('Açık uçlu · Konu: Ondalık sayılar · Kayıtta 1:02:05');
    expect(within(open).queryByRole('list')).not.toBeInTheDocument();
    expect(open).toHaveTextContent('Örnek cevap: Payı paydaya bölerek.');
    expect(open).toHaveTextContent('Açıklama: Kesir çizgisi bölme demektir.');
    expect(callsTo(fetchMock, 'GET', summaryOf(R1))).toHaveLength(0);
  });

  it('marks the option whose text is the answer when the index is missing, or says the answer', async () => {
    const q = QUIZ.quiz!.questions[0];
    mockApi({
      [`GET ${base}`]: () => list(readyRec()),
      [`GET ${quizOf(R1)}`]: () =>
        json(
          notes({
            kind: 'quiz',
            quiz: {
              topics: [],
              questions: [
                { ...q, answer_index: -1 },
                { ...q, question: 'Hangisi yarımdır?', answer_index: 9, answer: '0,5' },
              ],
            },
          }),
        ),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    await user.click(await screen.findByRole('button', { name: 'Quiz önerileri' }));
    await within(quizRegion()).findByText('Hangisi yarımdır?');
    expect(within(quizRegion()).queryByRole('list', { name: 'Konular' })).not.toBeInTheDocument();
    const marked = quizRegion().querySelectorAll('[data-correct="true"]');
    expect([...marked].map((m) => m.textContent)).toEqual(['0,25 ✓ doğru cevap']);
    expect(quizRegion()).toHaveTextContent('Cevap: 0,5');
  });

  it('lets the staff ask for quiz suggestions, and shows the server’s reason when it cannot', async () => {
    let refuse = true;
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(readyRec()),
      [`GET ${quizOf(R1)}`]: () => problem('not-found', 404, 'no quiz'),
      [`POST ${quizOf(R1)}`]: () =>
        refuse
          ? problem('conflict', 409, 'no AI service is configured')
          : json(notes({ kind: 'quiz', status: 'processing', progress: 10 }), 202),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('moderator');
    await user.click(await screen.findByRole('button', { name: 'Quiz önerileri' }));
    expect(await within(quizRegion()).findByText('Bu kayıt için henüz quiz önerisi çıkarılmadı.')).toBeInTheDocument();
    await user.click(within(quizRegion()).getByRole('button', { name: 'Quiz önerisi çıkar' }));
    expect(await within(quizRegion()).findByRole('alert')).toHaveTextContent('(no AI service is configured)');
    refuse = false;
    await user.click(within(quizRegion()).getByRole('button', { name: 'Quiz önerisi çıkar' }));
    expect(await within(quizRegion()).findByRole('status')).toHaveTextContent(/^Quiz önerileri hazırlanıyor… %10$/);
    expect(within(quizRegion()).queryByRole('alert')).not.toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST', quizOf(R1))).toHaveLength(2);
  });

  it('shows why quiz suggestions failed, with a button to make them again', async () => {
    mockApi({
      [`GET ${base}`]: () => list(readyRec()),
      [`GET ${quizOf(R1)}`]: () => json(notes({ kind: 'quiz', status: 'failed', error: 'The AI service refused the request.' })),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    await user.click(await screen.findByRole('button', { name: 'Quiz önerileri' }));
    expect(
      await within(quizRegion()).findByText('Quiz önerileri çıkarılamadı: The AI service refused the request.'),
    ).toBeInTheDocument();
    expect(within(quizRegion()).getByRole('button', { name: 'Quiz önerilerini yeniden çıkar' })).toBeEnabled();
  });
});

describe('Lesson notes — English', () => {
  it('speaks English', async () => {
    await i18n.changeLanguage('en');
    mockApi({
      [`GET ${base}`]: () => list(readyRec()),
      [`GET ${summaryOf(R1)}`]: () => json(notes({ status: 'processing', progress: 42 })),
      [`GET ${quizOf(R1)}`]: () => json(QUIZ),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    await user.click(await screen.findByRole('button', { name: 'Summary' }));
    const summary = await screen.findByRole('region', { name: 'Summary: Recording of 26 Nov 2026, 14:00' });
    await waitFor(() => expect(within(summary).getByRole('status')).toHaveTextContent(/^Preparing the summary… 42%$/));
    expect(within(summary).getByRole('button', { name: 'Refresh' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Quiz suggestions' }));
    const quiz = await screen.findByRole('region', { name: 'Quiz suggestions: Recording of 26 Nov 2026, 14:00' });
    await within(quiz).findByText('1/4 kaça eşittir?');
    expect(quiz).toHaveTextContent('Multiple choice · Topic: Kesirler · At 02:00 in the recording');
    expect(quiz).toHaveTextContent('0,25 ✓ correct answer');
    expect(quiz).toHaveTextContent('Model answer: Payı paydaya bölerek.');
    expect(quiz).toHaveTextContent('Made by AI (gpt-4o-mini) from the transcript');
  });
});
