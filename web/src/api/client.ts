import type { FieldError, Problem } from './types';
import { saveBlob } from '../lib/download';

/** An answer that was not 2xx: the server's RFC 9457 problem document, or one made up for a network failure. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  readonly retryAfter: number | null;
  constructor(problem: Problem, retryAfter: number | null = null) {
    super(problem.detail || problem.title);
    this.status = problem.status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
  /** Per-field messages, keyed by the field's dotted path (`scheduled_end`, `policy.lobby_enabled`). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) out[e.field] = out[e.field] ? `${out[e.field]}; ${e.detail}` : e.detail;
    return out;
  }
  get errors(): FieldError[] {
    return this.problem.errors ?? [];
  }
}

export const NETWORK_PROBLEM = 'about:network-error';

export interface ApiOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
  /** Answer as text (CSV, iCalendar) instead of JSON. */
  text?: boolean;
  /** Answer as a Blob (an image the API serves) instead of JSON. */
  blob?: boolean;
}

export type TokenSource = () => string | null;

/**
 * A thin fetch wrapper: bearer token, JSON in and out, problem+json turned into ApiError.
 * `onUnauthenticated` runs on a 401 so the app can drop an expired token and show the login page.
 */
export class ApiClient {
  constructor(
    private readonly token: TokenSource,
    private readonly onUnauthenticated: () => void = () => {},
    private readonly base = '',
  ) {}

  async request<T>(path: string, opts: ApiOptions = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: opts.text || opts.blob ? '*/*' : 'application/json' };
    const token = this.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method: opts.method ?? 'GET',
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: opts.signal,
      });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw new ApiError({ type: NETWORK_PROBLEM, title: 'Network error', status: 0, detail: String(e) });
    }
    if (!res.ok) {
      // Also without a token: the stored one may have expired since the page loaded, and the
      // token source then gives none, but the app still shows the user as signed in.
      if (res.status === 401) this.onUnauthenticated();
      throw await toApiError(res);
    }
    if (res.status === 204 || res.status === 304) return undefined as T;
    if (opts.text) return (await res.text()) as T;
    if (opts.blob) return (await res.blob()) as T;
    return (await res.json()) as T;
  }

  get<T>(path: string, signal?: AbortSignal) {
    return this.request<T>(path, { signal });
  }
  /** A file the API serves behind the bearer token (a recording's thumbnail), for URL.createObjectURL. */
  getBlob(path: string, signal?: AbortSignal) {
    return this.request<Blob>(path, { signal, blob: true });
  }
  post<T>(path: string, body?: unknown, signal?: AbortSignal) {
    return this.request<T>(path, { method: 'POST', body, signal });
  }
  patch<T>(path: string, body: unknown) {
    return this.request<T>(path, { method: 'PATCH', body });
  }
  put<T>(path: string, body: unknown) {
    return this.request<T>(path, { method: 'PUT', body });
  }
  delete<T>(path: string) {
    return this.request<T>(path, { method: 'DELETE' });
  }

  /** Downloads a file the API serves (CSV, .ics) with the bearer token and hands it to the browser. */
  async download(path: string, filename: string): Promise<void> {
    const token = this.token();
    const res = await fetch(this.base + path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    if (!res.ok) throw await toApiError(res);
    saveBlob(await res.blob(), filename);
  }

  /** The raw fetch with the bearer token (for streams). */
  fetchRaw(path: string, init: RequestInit = {}): Promise<Response> {
    const token = this.token();
    const headers = new Headers(init.headers);
    if (token) headers.set('Authorization', `Bearer ${token}`);
    return fetch(this.base + path, { ...init, headers });
  }
}

export async function toApiError(res: Response): Promise<ApiError> {
  const retry = res.headers.get('Retry-After');
  let problem: Problem = { type: 'about:blank', title: res.statusText || 'Error', status: res.status, detail: '' };
  try {
    const body = (await res.json()) as Partial<Problem>;
    if (body && typeof body === 'object') problem = { ...problem, ...body, status: res.status };
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(problem, retry && /^\d+$/.test(retry) ? Number(retry) : null);
}
