// Shared test helpers: API answers shaped as docs/openapi.yaml says, a routing fetch stub, a stored
// sign-in and the app's real providers around a component.
import type { ReactNode } from 'react';
import { vi } from 'vitest';
import { render, within } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter, type InitialEntry } from 'react-router-dom';
import i18n from '../i18n';
import { makeQueryClient } from '../App';
import { AuthProvider } from '../auth/AuthContext';
import type { Artifact, JoinResponse, LiveSession, Recording, Tenant, User } from '../api/types';

export const SID = '3f0b8a52-6c1d-4e7a-9b2f-1a2b3c4d5e6f';
export const COURSE = '7a1c3f0e-2b7d-4e59-9a57-3f4c1d2e8b90';
export const TENANT: Tenant = { id: '0b7e1c3a-9d2f-4a6b-8c5e-1f2a3b4c5d6e', slug: 'ornek-lisesi', name: 'Örnek Lisesi' };
export const teacher: User = {
  id: 'a1111111-1111-4111-8111-111111111111',
  tenant_id: TENANT.id,
  email: 'ayse.ogretmen@ornek.k12.tr',
  full_name: 'Ayşe Öğretmen',
  role: 'instructor',
  locale: 'tr',
};
export const student: User = {
  id: 'c3333333-3333-4333-8333-333333333333',
  tenant_id: TENANT.id,
  email: 'can.yilmaz@ornek.k12.tr',
  full_name: 'Can Yılmaz',
  role: 'student',
  locale: 'tr',
};

export function liveSession(over: Partial<LiveSession> = {}): LiveSession {
  return {
    id: SID,
    course_id: COURSE,
    title: 'Türev — Canlı',
    description: '',
    type: 'scheduled',
    status: 'scheduled',
    scheduled_start: '2026-11-26T10:00:00Z',
    scheduled_end: '2026-11-26T11:00:00Z',
    actual_start: null,
    actual_end: null,
    provider: 'jitsi',
    participant_count: 0,
    peak_participants: 0,
    moderator_ids: [],
    series_id: null,
    max_participants: 100,
    recording_enabled: false,
    waiting_room_enabled: false,
    ...over,
  };
}

export const RECORDING_ID = 'f1111111-1111-4111-8111-111111111111';

/** A recording of the class SID as the recordings list answers it (published, played from the provider). */
export function recording(over: Partial<Recording> = {}): Recording {
  return {
    id: RECORDING_ID,
    session_id: SID,
    status: 'published',
    duration_seconds: 3300,
    file_size_bytes: 412_345_678,
    format: 'mp4',
    resolution: '1280x720',
    thumbnail_url: '',
    transcript_status: 'none',
    is_public: false,
    published_at: '2026-11-26T12:00:00Z',
    expires_at: '2027-11-26T11:00:00Z',
    created_at: '2026-11-26T11:00:00Z',
    ...over,
  };
}

export const ARTIFACT_ID = 'b1111111-1111-4111-8111-111111111111';

/** An output of the class SID as the artifacts list answers it (the chat log that came with its recording). */
export function artifact(over: Partial<Artifact> = {}): Artifact {
  return {
    id: ARTIFACT_ID,
    session_id: SID,
    type: 'chat',
    title: 'Türev — Canlı sohbeti',
    metadata: { provider: 'jitsi', message_count: 42, size_bytes: 5_320 },
    created_at: '2026-11-26T11:05:00Z',
    ...over,
  };
}

export const PARTICIPANT_ID = 'e5555555-5555-4555-8555-555555555555';
export const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJqaXRzaSIsInJvb20iOiJkZW1vIn0.c2lnbmF0dXJl';

export function joinAnswer(over: Partial<JoinResponse> = {}): JoinResponse {
  return {
    join_url: `https://meet.example.org/demo-${SID}?jwt=${JWT}`,
    token: JWT,
    launch_url: `/api/v1/launch/lt_${'a'.repeat(32)}/`,
    role: 'participant',
    expires_at: '2026-11-26T10:05:00Z',
    provider: 'jitsi',
    participant_id: PARTICIPANT_ID,
    ...over,
  };
}

export type Handler = (init: RequestInit | undefined) => Response | Promise<Response>;

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  });

/** A problem+json answer (RFC 9457) with the server's type URIs. */
export const problem = (
  kind: string,
  status: number,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) =>
  json({ type: `https://liveclass.dev/problems/${kind}`, title: kind, status, detail, ...extra }, status, headers);

/** A paginated list answer ({count, results}), as the recordings and artifacts lists send it. */
export const listOf = <T,>(...results: T[]) => json({ count: results.length, results });

export const notFound = () => problem('not-found', 404, 'no such live session');

/** Stubs fetch; each route is "METHOD path". Unknown routes answer 404. */
export function mockApi(routes: Record<string, Handler>) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const h = routes[`${init?.method ?? 'GET'} ${url}`];
    return h ? h(init) : notFound();
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

/** The calls made to one route, with their JSON bodies. */
export function callsTo(fetchMock: ReturnType<typeof mockApi>, method: string, url: string) {
  return fetchMock.mock.calls
    .filter(([u, init]) => String(u) === url && (init?.method ?? 'GET') === method)
    .map(([, init]) => (init?.body ? JSON.parse(String(init.body)) : undefined));
}

export function signIn(user: User, expiresAt = Date.now() + 3_600_000) {
  localStorage.setItem('liveclass.auth', JSON.stringify({ token: 'test-token', user, tenant: TENANT, expiresAt }));
}

/** Signs the user in and speaks their language (Turkish unless told): a test file's usual start. */
export async function signInSpeaking(user: User, lang = 'tr') {
  signIn(user);
  await i18n.changeLanguage(lang);
}

/** The labels of the buttons inside an element (a list row's actions), in order. */
export const buttonLabels = (el: HTMLElement) => within(el).queryAllByRole('button').map((b) => b.textContent);

/** Renders inside the real providers (React Query, auth from localStorage, a memory router). */
export function renderWithApp(ui: ReactNode, entries: InitialEntry[] = ['/']) {
  const client = makeQueryClient();
  return render(
    <QueryClientProvider client={client}>
      <AuthProvider>
        <MemoryRouter initialEntries={entries}>{ui}</MemoryRouter>
      </AuthProvider>
    </QueryClientProvider>,
  );
}
