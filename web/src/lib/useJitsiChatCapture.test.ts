import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, renderHook } from '@testing-library/react';
import { ApiClient, ApiError, NETWORK_PROBLEM } from '../api/client';
import {
  CHAT_BATCH_BYTES,
  CHAT_FLUSH_MS,
  CHAT_MESSAGE_MAX_CHARS,
  CHAT_REQUEST_TIMEOUT_MS,
  CHAT_SENDER_MAX_CHARS,
  KEEPALIVE_BUDGET_BYTES,
  truncateChars,
  useJitsiChatCapture,
  type ChatLine,
} from './useJitsiChatCapture';

const SID = '3f0b8a52-6c1d-4e7a-9b2f-1a2b3c4d5e6f';
const PATH = `/api/v1/live-sessions/${SID}/artifacts/chat/`;
const T0 = new Date('2026-11-26T10:15:00.000Z');
const ME = 'Ayşe Öğretmen';

/** A stand-in for the Jitsi IFrame API: an event emitter and nothing else. */
class FakeMeeting {
  private listeners = new Map<string, Set<(e: unknown) => void>>();
  addListener = vi.fn((name: string, fn: (e: unknown) => void) => {
    if (!this.listeners.has(name)) this.listeners.set(name, new Set());
    this.listeners.get(name)!.add(fn);
    return this;
  });
  removeListener = vi.fn((name: string, fn: (e: unknown) => void) => {
    this.listeners.get(name)?.delete(fn);
    return this;
  });
  count(name: string) {
    return this.listeners.get(name)?.size ?? 0;
  }
  emit(name: string, e: unknown) {
    act(() => {
      for (const fn of this.listeners.get(name) ?? []) fn(e);
    });
  }
  incoming(nick: string, message: string, privateMessage = false, stamp?: unknown) {
    this.emit('incomingMessage', { from: `id-${nick}`, nick, privateMessage, message, stamp });
  }
  outgoing(message: string, privateMessage = false) {
    this.emit('outgoingMessage', { message, privateMessage });
  }
}

const apiError = (status: number, retryAfter: number | null = null) =>
  new ApiError({ type: status ? 'about:blank' : NETWORK_PROBLEM, title: 'x', status, detail: 'x' }, retryAfter);

interface Body {
  sent_at: string;
  messages: ChatLine[];
}

function fakeApi() {
  const post = vi.fn(
    async (_path: string, _body?: unknown, _signal?: AbortSignal): Promise<unknown> => ({ added: 1, artifact: {} }),
  );
  const fetchRaw = vi.fn(async (_path: string, _init?: RequestInit) => new Response('{}', { status: 200 }));
  return { post, fetchRaw, api: { post, fetchRaw } as unknown as ApiClient };
}

/** The body of each upload, in order (each with its sent_at). */
const bodies = (post: ReturnType<typeof fakeApi>['post']) =>
  post.mock.calls.map(([path, body]) => {
    expect(path).toBe(PATH);
    const b = body as Body;
    expect(Object.keys(b).sort()).toEqual(['messages', 'sent_at']);
    expect(new Date(b.sent_at).toISOString()).toBe(b.sent_at);
    return b;
  });
/** The messages of each upload, in order. */
const uploads = (post: ReturnType<typeof fakeApi>['post']) => bodies(post).map((b) => b.messages);
const texts = (post: ReturnType<typeof fakeApi>['post']) => uploads(post).map((b) => b.map((m) => m.message));
/** The bodies of the keepalive requests, in order. */
const keepaliveBodies = (fetchRaw: ReturnType<typeof fakeApi>['fetchRaw']) =>
  fetchRaw.mock.calls.map(([path, init]) => {
    expect(path).toBe(PATH);
    expect(init).toMatchObject({ method: 'POST', keepalive: true });
    return JSON.parse(String(init?.body)) as Body;
  });
const utf8 = (s: string) => new TextEncoder().encode(s).length;

const tick = (ms = CHAT_FLUSH_MS) => act(() => vi.advanceTimersByTimeAsync(ms));

function mount(meeting: FakeMeeting | null, api: ApiClient, enabled = true) {
  return renderHook(({ m, on }) => useJitsiChatCapture(m, on, SID, ME, api), {
    initialProps: { m: meeting as FakeMeeting | null, on: enabled },
  });
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('useJitsiChatCapture', () => {
  it('uploads public incoming and outgoing messages with their sender and the time the page saw them', async () => {
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    mount(meeting, api);
    expect(meeting.count('incomingMessage')).toBe(1);
    expect(meeting.count('outgoingMessage')).toBe(1);

    meeting.incoming('Can Yılmaz', 'Hocam türevin tanımını tekrar eder misiniz?');
    vi.setSystemTime(new Date(T0.getTime() + 5_000));
    meeting.outgoing('Tabii, limit tanımıyla başlayalım.');
    await tick(CHAT_FLUSH_MS - 1);
    expect(post).not.toHaveBeenCalled(); // every 20 s, not at once
    await tick(1);
    expect(uploads(post)).toEqual([
      [
        { timestamp: '2026-11-26T10:15:00.000Z', sender: 'Can Yılmaz', message: 'Hocam türevin tanımını tekrar eder misiniz?' },
        { timestamp: '2026-11-26T10:15:05.000Z', sender: ME, message: 'Tabii, limit tanımıyla başlayalım.' },
      ],
    ]);
    // Sent once; an empty buffer sends nothing.
    await tick();
    await tick();
    expect(post).toHaveBeenCalledTimes(1);
  });

  it('stamps messages with the clock it is given', async () => {
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    const now = () => new Date('2030-01-02T03:04:05.678Z');
    renderHook(() => useJitsiChatCapture(meeting, true, SID, ME, api, { now }));
    meeting.outgoing('merhaba');
    await tick();
    expect(uploads(post)[0]).toEqual([{ timestamp: '2030-01-02T03:04:05.678Z', sender: ME, message: 'merhaba' }]);
  });

  it('never collects private messages, empty ones or malformed events', async () => {
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    mount(meeting, api);
    meeting.incoming('Can Yılmaz', 'Hocam özelden yazıyorum', true);
    meeting.outgoing('Cevabım özel', true);
    meeting.emit('incomingMessage', { from: 'x', nick: 'Ali', message: 'no flag' }); // privateMessage missing
    meeting.incoming('Ali', '   ');
    meeting.emit('incomingMessage', null);
    meeting.emit('outgoingMessage', undefined);
    await tick();
    expect(post).not.toHaveBeenCalled();
  });

  it('names a sender without a display name by their participant id', async () => {
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    mount(meeting, api);
    meeting.emit('incomingMessage', { from: 'abcd1234', nick: '', privateMessage: false, message: 'selam' });
    await tick();
    expect(uploads(post)[0]).toEqual([{ timestamp: T0.toISOString(), sender: 'abcd1234', message: 'selam' }]);
  });

  it('sends at most 200 messages per request, in order', async () => {
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    mount(meeting, api);
    for (let i = 0; i < 450; i++) meeting.incoming('Can', `m${i}`);
    await tick();
    const sent = uploads(post);
    expect(sent.map((b) => b.length)).toEqual([200, 200, 50]);
    expect(sent.flat().map((m) => m.message)).toEqual(Array.from({ length: 450 }, (_, i) => `m${i}`));
  });

  it.each([
    ['a 5xx answer', apiError(503)],
    ['a network failure', apiError(0)],
    ['a 429 (rate limited)', apiError(429)],
    ['an unexpected error', new TypeError('boom')],
  ])('keeps a batch that failed with %s for the next flush', async (_what, error) => {
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    post.mockRejectedValueOnce(error);
    mount(meeting, api);
    meeting.incoming('Can', 'birinci');
    await tick();
    expect(post).toHaveBeenCalledTimes(1);
    meeting.incoming('Can', 'ikinci');
    await tick();
    expect(uploads(post)[1].map((m) => m.message)).toEqual(['birinci', 'ikinci']);
    await tick();
    expect(post).toHaveBeenCalledTimes(2);
  });

  it('drops a batch the server refused (4xx): it would never be accepted', async () => {
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    post.mockRejectedValueOnce(apiError(400));
    mount(meeting, api);
    meeting.incoming('Can', 'reddedilen');
    await tick();
    meeting.incoming('Can', 'sonraki');
    await tick();
    expect(uploads(post).map((b) => b.map((m) => m.message))).toEqual([['reddedilen'], ['sonraki']]);
  });

  it('on a 422 naming some items, drops only those and sends the rest once more', async () => {
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    post.mockRejectedValueOnce(
      new ApiError({
        type: 'https://liveclass.dev/problems/validation',
        title: 'Invalid',
        status: 422,
        detail: 'bad items',
        errors: [{ field: 'messages[1].message', pointer: '/messages/1/message', detail: 'too long' }],
      }),
    );
    mount(meeting, api);
    meeting.incoming('Can', 'a');
    meeting.incoming('Can', 'b');
    meeting.incoming('Can', 'c');
    await tick();
    expect(uploads(post).map((b) => b.map((m) => m.message))).toEqual([
      ['a', 'b', 'c'],
      ['a', 'c'],
    ]);
    await tick();
    expect(post).toHaveBeenCalledTimes(2);
  });

  it('drops everything buffered on 409 (the class is no longer live)', async () => {
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    post.mockRejectedValueOnce(apiError(409));
    mount(meeting, api);
    for (let i = 0; i < 250; i++) meeting.incoming('Can', `m${i}`);
    await tick();
    await tick();
    expect(post).toHaveBeenCalledTimes(1);
  });

  it('removes its listeners and sends what it holds when unmounted', async () => {
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    const { unmount } = mount(meeting, api);
    meeting.outgoing('son söz');
    unmount();
    expect(meeting.count('incomingMessage')).toBe(0);
    expect(meeting.count('outgoingMessage')).toBe(0);
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(uploads(post)).toEqual([[{ timestamp: T0.toISOString(), sender: ME, message: 'son söz' }]]);
    meeting.outgoing('after');
    await tick();
    expect(post).toHaveBeenCalledTimes(1);
  });

  it('stops and sends what it holds when the meeting goes away or capture is switched off', async () => {
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    const { rerender } = mount(meeting, api);
    meeting.incoming('Can', 'bir');
    rerender({ m: meeting, on: false });
    expect(meeting.count('incomingMessage')).toBe(0);
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(post).toHaveBeenCalledTimes(1);
    meeting.incoming('Can', 'iki');
    await tick();
    expect(post).toHaveBeenCalledTimes(1);
  });

  it('collects nothing for students (capture off)', async () => {
    const meeting = new FakeMeeting();
    const { post, fetchRaw, api } = fakeApi();
    const { unmount } = mount(meeting, api, false);
    expect(meeting.count('incomingMessage')).toBe(0);
    expect(meeting.count('outgoingMessage')).toBe(0);
    meeting.incoming('Can', 'selam');
    meeting.outgoing('selam');
    await tick();
    window.dispatchEvent(new Event('pagehide'));
    unmount();
    await tick();
    expect(post).not.toHaveBeenCalled();
    expect(fetchRaw).not.toHaveBeenCalled();
  });

  it('waits for the meeting API, and tolerates one that is not an event emitter', async () => {
    const { post, api } = fakeApi();
    const { rerender } = renderHook(({ m }) => useJitsiChatCapture(m, true, SID, ME, api), {
      initialProps: { m: null as object | null },
    });
    rerender({ m: { dispose() {} } });
    await tick();
    expect(post).not.toHaveBeenCalled();
    const meeting = new FakeMeeting();
    rerender({ m: meeting });
    meeting.outgoing('şimdi');
    await tick();
    expect(post).toHaveBeenCalledTimes(1);
  });

  it('flush() sends at once (before the class is ended)', async () => {
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    const { result } = mount(meeting, api);
    meeting.outgoing('bitiriyoruz');
    await act(() => result.current.flush());
    expect(post).toHaveBeenCalledTimes(1);
  });

  it('on pagehide sends what it holds with keepalive and the bearer token', async () => {
    const fetchMock = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => new Response('{}', { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    const api = new ApiClient(() => 'tok-123');
    const meeting = new FakeMeeting();
    mount(meeting, api);
    for (let i = 0; i < 250; i++) meeting.incoming('Can', `m${i}`);
    window.dispatchEvent(new Event('pagehide'));
    expect(fetchMock).toHaveBeenCalledTimes(2);
    const sent: ChatLine[] = [];
    for (const [url, init] of fetchMock.mock.calls) {
      expect(url).toBe(PATH);
      expect(init).toMatchObject({ method: 'POST', keepalive: true });
      const headers = new Headers(init?.headers);
      expect(headers.get('Authorization')).toBe('Bearer tok-123');
      expect(headers.get('Content-Type')).toBe('application/json');
      const body = JSON.parse(String(init?.body)) as Body;
      expect(body.sent_at).toBe(T0.toISOString());
      sent.push(...body.messages);
    }
    expect(sent.map((m) => m.message)).toEqual(Array.from({ length: 250 }, (_, i) => `m${i}`));
    await tick();
    expect(fetchMock).toHaveBeenCalledTimes(2); // nothing left for the timer
  });

  it('keeps keepalive bodies under the browser’s 64 KiB budget; what does not fit stays queued', async () => {
    const { post, fetchRaw, api } = fakeApi();
    const meeting = new FakeMeeting();
    mount(meeting, api);
    const long = 'ç'.repeat(1000); // 2000 bytes in UTF-8
    for (let i = 0; i < 100; i++) meeting.incoming('Can', `${i} ${long}`);
    window.dispatchEvent(new Event('pagehide'));
    const total = fetchRaw.mock.calls.reduce((n, [, init]) => n + utf8(String(init?.body)), 0);
    expect(fetchRaw).toHaveBeenCalled();
    expect(total).toBeLessThanOrEqual(KEEPALIVE_BUDGET_BYTES);
    const handed = keepaliveBodies(fetchRaw).flatMap((b) => b.messages.map((m) => m.message));
    expect(handed.length).toBeGreaterThan(0);
    expect(handed.length).toBeLessThan(100);
    // The page came back (back/forward cache): the rest is still buffered and goes with the timer.
    await tick();
    expect([...handed, ...texts(post).flat()]).toEqual(Array.from({ length: 100 }, (_, i) => `${i} ${long}`));
  });

  it('buffers again what a pagehide request could not send (the page came back from the cache)', async () => {
    const { post, fetchRaw, api } = fakeApi();
    fetchRaw.mockResolvedValueOnce(new Response('{}', { status: 502 }));
    const meeting = new FakeMeeting();
    mount(meeting, api);
    meeting.incoming('Can', 'geri gel');
    window.dispatchEvent(new Event('pagehide'));
    await tick();
    expect(uploads(post).map((b) => b.map((m) => m.message))).toEqual([['geri gel']]);
  });

  it('sends sent_at, the page’s clock as each request goes out', async () => {
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    let clock = new Date('2030-01-02T03:04:05.000Z');
    renderHook(() => useJitsiChatCapture(meeting, true, SID, ME, api, { now: () => clock }));
    meeting.outgoing('bir');
    clock = new Date('2030-01-02T03:04:25.500Z');
    await tick();
    post.mockRejectedValueOnce(apiError(503));
    meeting.outgoing('iki');
    clock = new Date('2030-01-02T03:05:00.000Z');
    await tick();
    clock = new Date('2030-01-02T03:05:20.000Z');
    await tick();
    expect(bodies(post)).toEqual([
      { sent_at: '2030-01-02T03:04:25.500Z', messages: [{ timestamp: '2030-01-02T03:04:05.000Z', sender: ME, message: 'bir' }] },
      { sent_at: '2030-01-02T03:05:00.000Z', messages: [{ timestamp: '2030-01-02T03:04:25.500Z', sender: ME, message: 'iki' }] },
      { sent_at: '2030-01-02T03:05:20.000Z', messages: [{ timestamp: '2030-01-02T03:04:25.500Z', sender: ME, message: 'iki' }] },
    ]);
  });

  it('keeps each request under about 512 KB of JSON', async () => {
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    mount(meeting, api);
    const long = 'ş'.repeat(10_000); // 20 000 bytes in UTF-8
    for (let i = 0; i < 60; i++) meeting.incoming('Can', `${i} ${long}`);
    await tick();
    expect(post.mock.calls.length).toBeGreaterThan(2);
    for (const [, body] of post.mock.calls) expect(utf8(JSON.stringify(body))).toBeLessThanOrEqual(CHAT_BATCH_BYTES);
    expect(texts(post).flat()).toEqual(Array.from({ length: 60 }, (_, i) => `${i} ${long}`));
  });

  it('on a 413 halves the batch and sends both halves, and sends smaller batches from then on', async () => {
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    post.mockRejectedValueOnce(apiError(413));
    mount(meeting, api);
    for (let i = 0; i < 8; i++) meeting.incoming('Can', `m${String(i).padStart(2, '0')}`);
    await tick();
    expect(texts(post)).toEqual([
      ['m00', 'm01', 'm02', 'm03', 'm04', 'm05', 'm06', 'm07'],
      ['m00', 'm01', 'm02', 'm03'],
      ['m04', 'm05', 'm06', 'm07'],
    ]);
    for (let i = 8; i < 16; i++) meeting.incoming('Can', `m${String(i).padStart(2, '0')}`);
    await tick();
    expect(texts(post).slice(3)).toEqual([
      ['m08', 'm09', 'm10', 'm11'],
      ['m12', 'm13', 'm14', 'm15'],
    ]);
  });

  it('drops a single line the server still finds too large (413)', async () => {
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    post.mockRejectedValueOnce(apiError(413)).mockRejectedValueOnce(apiError(413));
    mount(meeting, api);
    meeting.incoming('Can', 'a');
    meeting.incoming('Can', 'b');
    await tick();
    expect(texts(post)).toEqual([['a', 'b'], ['a'], ['b']]);
    await tick();
    expect(post).toHaveBeenCalledTimes(3);
  });

  it('cuts messages to 20 000 and senders to 200 characters, never inside a surrogate pair', async () => {
    expect(truncateChars('abc', 5)).toBe('abc');
    expect(truncateChars('a😀b', 2)).toBe('a😀');
    expect(truncateChars('😀😀😀', 2)).toBe('😀😀');
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    mount(meeting, api);
    const fits = 'a'.repeat(CHAT_MESSAGE_MAX_CHARS - 1) + '😀'; // 20 000 characters, 20 001 UTF-16 units
    meeting.incoming('Can', fits);
    meeting.incoming('😀'.repeat(250), 'a'.repeat(CHAT_MESSAGE_MAX_CHARS - 1) + '😀😀xyz');
    await tick();
    const [first, second] = uploads(post)[0];
    expect(first.message).toBe(fits);
    expect(second.message).toBe(fits);
    expect(second.sender).toBe('😀'.repeat(CHAT_SENDER_MAX_CHARS));
    expect([...second.sender]).toHaveLength(CHAT_SENDER_MAX_CHARS);
  });

  it('gives a hung upload up after the timeout and keeps its batch for the next flush', async () => {
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    let signal: AbortSignal | undefined;
    post.mockImplementationOnce((_path, _body, s) => {
      signal = s;
      return new Promise(() => {}); // never answers
    });
    mount(meeting, api);
    meeting.incoming('Can', 'asılı');
    await tick();
    expect(post).toHaveBeenCalledTimes(1);
    expect(signal?.aborted).toBe(false);
    await tick(CHAT_REQUEST_TIMEOUT_MS);
    expect(signal?.aborted).toBe(true);
    meeting.incoming('Can', 'sonraki');
    await tick(CHAT_FLUSH_MS - CHAT_REQUEST_TIMEOUT_MS);
    expect(texts(post)).toEqual([['asılı'], ['asılı', 'sonraki']]);
  });

  it('on pagehide also sends the lines of the upload still in flight', async () => {
    const meeting = new FakeMeeting();
    const { post, fetchRaw, api } = fakeApi();
    let answer: (v: unknown) => void = () => {};
    post.mockImplementationOnce(() => new Promise((r) => (answer = r)));
    mount(meeting, api);
    meeting.incoming('Can', 'bir');
    meeting.incoming('Can', 'iki');
    await tick();
    expect(post).toHaveBeenCalledTimes(1);
    meeting.incoming('Can', 'üç');
    window.dispatchEvent(new Event('pagehide'));
    expect(keepaliveBodies(fetchRaw).flatMap((b) => b.messages.map((m) => m.message))).toEqual(['bir', 'iki', 'üç']);
    await act(async () => answer({ added: 2 }));
    await tick();
    expect(post).toHaveBeenCalledTimes(1); // nothing was left over
  });

  it('on pagehide skips a line too large for the keepalive budget and sends the ones after it', async () => {
    const meeting = new FakeMeeting();
    const { post, fetchRaw, api } = fakeApi();
    mount(meeting, api);
    const huge = '😀'.repeat(CHAT_MESSAGE_MAX_CHARS); // 80 000 bytes in UTF-8
    meeting.incoming('Can', 'önce');
    meeting.incoming('Can', huge);
    meeting.incoming('Can', 'sonra');
    window.dispatchEvent(new Event('pagehide'));
    expect(keepaliveBodies(fetchRaw).flatMap((b) => b.messages.map((m) => m.message))).toEqual(['önce', 'sonra']);
    await tick(); // the page came back: the large line is still buffered
    expect(texts(post)).toEqual([[huge]]);
  });

  it('names this user’s lines as the meeting does, following display name changes', async () => {
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    mount(meeting, api);
    meeting.outgoing('önce'); // the meeting has not said the name yet
    meeting.emit('videoConferenceJoined', { roomName: 'r', id: 'me1', displayName: 'Ayşe Hoca', avatarURL: '' });
    meeting.outgoing('katıldım');
    meeting.emit('displayNameChange', { id: 'other', displayname: 'Başkası' });
    meeting.outgoing('hâlâ');
    meeting.emit('displayNameChange', { id: 'me1', displayname: 'Dr. Ayşe' });
    meeting.outgoing('yeni ad');
    await tick();
    expect(uploads(post)[0].map((m) => [m.sender, m.message])).toEqual([
      [ME, 'önce'],
      ['Ayşe Hoca', 'katıldım'],
      ['Ayşe Hoca', 'hâlâ'],
      ['Dr. Ayşe', 'yeni ad'],
    ]);
  });

  it('stamps a line with Jitsi’s own time when it is valid and not in the future', async () => {
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    mount(meeting, api);
    meeting.incoming('Can', 'geçmiş', false, '2026-11-26T10:10:00.000Z');
    meeting.incoming('Can', 'tarih nesnesi', false, new Date('2026-11-26T10:11:00.000Z'));
    meeting.incoming('Can', 'gelecek', false, '2026-11-26T10:20:00.000Z');
    meeting.incoming('Can', 'bozuk', false, 'not a date');
    meeting.incoming('Can', 'boş', false, '');
    await tick();
    expect(uploads(post)[0].map((m) => [m.message, m.timestamp])).toEqual([
      ['geçmiş', '2026-11-26T10:10:00.000Z'],
      ['tarih nesnesi', '2026-11-26T10:11:00.000Z'],
      ['gelecek', T0.toISOString()],
      ['bozuk', T0.toISOString()],
      ['boş', T0.toISOString()],
    ]);
  });

  it('on a 429 with Retry-After waits that long before sending again', async () => {
    const meeting = new FakeMeeting();
    const { post, api } = fakeApi();
    post.mockRejectedValueOnce(apiError(429, 45));
    mount(meeting, api);
    meeting.incoming('Can', 'yavaş');
    await tick(); // t = 20 s: refused, wait 45 s
    expect(post).toHaveBeenCalledTimes(1);
    await tick(); // t = 40 s: the timer's flush waits
    expect(post).toHaveBeenCalledTimes(1);
    await tick(45_000 - CHAT_FLUSH_MS - 1); // t = 65 s - 1 ms
    expect(post).toHaveBeenCalledTimes(1);
    await tick(1);
    expect(texts(post)).toEqual([['yavaş'], ['yavaş']]);
  });
});
