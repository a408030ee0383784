import { useCallback, useEffect, useMemo, useRef } from 'react';
import { ApiError, type ApiClient } from '../api/client';
import type { FieldError } from '../api/types';

/** One line of a class's chat log, as POST .../artifacts/chat/ takes it. */
export interface ChatLine {
  timestamp: string;
  sender: string;
  message: string;
}

/**
 * The part of the Jitsi IFrame API (an EventEmitter) the capture listens on. The hook takes any object
 * and checks for these at run time (the SDK's own type does not show them without Node's types).
 */
export interface ChatEventSource {
  addListener(event: string, listener: (...args: any[]) => void): unknown;
  removeListener(event: string, listener: (...args: any[]) => void): unknown;
}

/** Jitsi's `incomingMessage` (someone else wrote) and `outgoingMessage` (this user wrote) events. */
interface IncomingMessage {
  from?: string;
  nick?: string;
  privateMessage?: boolean;
  message?: string;
  /** The message's own time, for delayed (history) messages. */
  stamp?: unknown;
}
interface OutgoingMessage {
  message?: string;
  privateMessage?: boolean;
}
/** Jitsi's `videoConferenceJoined` (this user is in) and `displayNameChange` (anyone renamed) events. */
interface ConferenceJoined {
  id?: string;
  displayName?: string;
}
interface DisplayNameChange {
  id?: string;
  displayname?: string;
}

/** The most messages the server takes in one request. */
export const CHAT_BATCH_SIZE = 200;
/** The most JSON one normal request carries (the server refuses bodies over 1 MiB). */
export const CHAT_BATCH_BYTES = 512_000;
/** How often the buffered messages are sent. */
export const CHAT_FLUSH_MS = 20_000;
/** How long one upload may take before it counts as a network failure (its batch is kept). */
export const CHAT_REQUEST_TIMEOUT_MS = 15_000;
/** The longest line and sender name the server takes, in characters (code points). */
export const CHAT_MESSAGE_MAX_CHARS = 20_000;
export const CHAT_SENDER_MAX_CHARS = 200;
/** Messages kept while the server cannot be reached; the oldest go first beyond this. */
const MAX_PENDING = 5_000;
/** The longest Retry-After honoured; the server takes chat until 10 minutes after the class ended. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;
/**
 * Browsers refuse keepalive requests once their bodies in flight add up to 64 KiB (the leave request
 * on pagehide counts too): what is sent as the page goes away stays under this.
 */
export const KEEPALIVE_BUDGET_BYTES = 60_000;

const retryable = (status: number) => status === 0 || status === 408 || status === 429 || status >= 500;
const encoder = new TextEncoder();
const byteLength = (s: string) => encoder.encode(s).length;
/** What one line adds to a request body (its JSON and a comma). */
const lineBytes = (line: ChatLine) => byteLength(JSON.stringify(line)) + 1;
/** A request body without its lines. */
const envelopeBytes = (sentAt: string) => byteLength(JSON.stringify({ sent_at: sentAt, messages: [] }));

/** `s` cut to its first `max` code points (a surrogate pair is never split). */
export function truncateChars(s: string, max: number): string {
  if (s.length <= max) return s; // UTF-16 units are never fewer than code points
  let count = 0;
  let end = 0;
  for (const ch of s) {
    if (count === max) break;
    count++;
    end += ch.length;
  }
  return s.slice(0, end);
}

/** Jitsi's stamp of a message when it is a valid time not later than `now`, else null. */
function messageTime(stamp: unknown, now: Date): Date | null {
  let at: Date | null = null;
  if (stamp instanceof Date) at = stamp;
  else if ((typeof stamp === 'string' && stamp.trim() !== '') || typeof stamp === 'number') at = new Date(stamp);
  if (!at || Number.isNaN(at.getTime()) || at.getTime() > now.getTime()) return null;
  return at;
}

/** The items a 422 names (`/messages/3/message` or `messages[3].message`), or null when it names none. */
function refusedItems(errors: FieldError[]): Set<number> | null {
  const out = new Set<number>();
  for (const e of errors) {
    const m = /^\/messages\/(\d+)(?:\/|$)/.exec(e.pointer ?? '') ?? /^messages(?:\[(\d+)\]|\.(\d+))/.exec(e.field ?? '');
    if (!m) return null;
    out.add(Number(m[1] ?? m[2]));
  }
  return out.size ? out : null;
}

class UploadTimeout extends Error {
  constructor() {
    super('the chat upload timed out');
    this.name = 'TimeoutError';
  }
}

/**
 * The buffer behind useJitsiChatCapture: messages wait here and go to the server in batches of at most
 * 200 lines and about 512 KB, one request at a time, each with `sent_at` (the page's clock as it is
 * sent; the server corrects the lines' times for the browser's clock skew with it). A batch that
 * failed for a reason that may pass (network, timeout, 5xx, 408, 429) stays for the next flush (on a
 * 429 with Retry-After, not before that); one refused as too large (413) is halved and sent again; one
 * the server refused otherwise (4xx) is dropped, as it would never be accepted. Never throws.
 */
export class ChatUploader {
  private pending: ChatLine[] = [];
  private chain: Promise<void> = Promise.resolve();
  /** The lines of the request in flight, if any (sent again with keepalive on pagehide). */
  private inFlight: ChatLine[] | null = null;
  /** Lowered when the server answers 413 for a smaller body than this. */
  private maxBatchBytes = CHAT_BATCH_BYTES;
  /** Date.now() before which no upload is tried (Retry-After). */
  private notBefore = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly api: ApiClient,
    private readonly sessionId: string,
    private readonly now: () => Date = () => new Date(),
    private readonly timeoutMs = CHAT_REQUEST_TIMEOUT_MS,
  ) {}

  private get path() {
    return `/api/v1/live-sessions/${this.sessionId}/artifacts/chat/`;
  }

  /** Messages waiting to be sent (for tests and diagnostics). */
  get size() {
    return this.pending.length;
  }

  /** Buffers a line, its sender and text cut to what the server takes. */
  push(line: ChatLine) {
    this.pending.push({
      timestamp: line.timestamp,
      sender: truncateChars(line.sender, CHAT_SENDER_MAX_CHARS),
      message: truncateChars(line.message, CHAT_MESSAGE_MAX_CHARS),
    });
    this.trim();
  }

  private trim() {
    if (this.pending.length > MAX_PENDING) this.pending.splice(0, this.pending.length - MAX_PENDING);
  }

  private requeue(lines: ChatLine[]) {
    this.pending.unshift(...lines);
    this.trim();
  }

  /** Sends everything buffered; resolves when done (or stopped by a failure), never rejects. */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => (Date.now() < this.notBefore ? undefined : this.send())).catch(() => {});
    return this.chain;
  }

  /** The next batch: at most 200 lines and maxBatchBytes of JSON, and at least one line. */
  private take(): ChatLine[] {
    let size = envelopeBytes(this.now().toISOString());
    let count = 0;
    for (const line of this.pending) {
      if (count >= CHAT_BATCH_SIZE) break;
      const n = lineBytes(line) - (count === 0 ? 1 : 0); // no comma before the first
      if (count > 0 && size + n > this.maxBatchBytes) break;
      size += n;
      count++;
    }
    return this.pending.splice(0, count);
  }

  /** One upload, given up after timeoutMs (the request is aborted and UploadTimeout thrown). */
  private async post(batch: ChatLine[]) {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new UploadTimeout());
      }, this.timeoutMs);
    });
    const request = this.api.post(this.path, { sent_at: this.now().toISOString(), messages: batch }, controller.signal);
    request.catch(() => {}); // settles after the timeout won: nothing to do
    try {
      await Promise.race([request, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** No upload before `ms` from now; one is tried then. */
  private holdFor(ms: number) {
    const wait = Math.min(ms, MAX_RETRY_AFTER_MS);
    this.notBefore = Date.now() + wait;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.flush();
    }, wait);
  }

  private async send() {
    while (this.pending.length > 0) {
      let batch = this.take();
      let filtered = false;
      this.inFlight = batch;
      try {
        for (;;) {
          try {
            await this.post(batch);
            break;
          } catch (e) {
            const status = e instanceof ApiError ? e.status : 0; // anything else: a network failure or timeout
            if (status === 413 && batch.length > 1) {
              // Too large for the server: send the first half now, the rest after it, and smaller
              // batches from now on.
              const keep = Math.ceil(batch.length / 2);
              this.pending.unshift(...batch.slice(keep));
              batch = batch.slice(0, keep);
              this.inFlight = batch;
              this.maxBatchBytes = Math.min(
                this.maxBatchBytes,
                byteLength(JSON.stringify({ sent_at: this.now().toISOString(), messages: batch })),
              );
              filtered = false;
              continue;
            }
            if (retryable(status)) {
              this.requeue(batch);
              const after = status === 429 ? (e as ApiError).retryAfter : null;
              if (after !== null && after > 0) this.holdFor(after * 1000);
              return; // the next flush tries again
            }
            if (status === 422 && !filtered) {
              // Keep the good messages of a batch the server refused for a few bad items.
              filtered = true;
              const bad = refusedItems((e as ApiError).errors);
              const rest = bad ? batch.filter((_, i) => !bad.has(i)) : [];
              if (rest.length > 0 && rest.length < batch.length) {
                batch = rest;
                this.inFlight = batch;
                continue;
              }
            }
            // 403 (not staff) or 409 (the class is not live): no message here would be accepted.
            if (status === 403 || status === 409) this.pending.length = 0;
            break;
          }
        }
      } finally {
        this.inFlight = null;
      }
    }
  }

  /**
   * The page is going away: hand the lines of the request in flight (the server drops the copy it
   * already has) and what is buffered to keepalive requests, which outlive the page, as far as the
   * browser's keepalive budget allows; a line too large for what is left of it stays buffered. If the
   * page comes back (back/forward cache), what failed is buffered again.
   */
  flushOnHide() {
    const sentAt = this.now().toISOString();
    const envelope = envelopeBytes(sentAt);
    const inFlight = new Set(this.inFlight ?? []);
    const handed = new Set<ChatLine>();
    let remaining = KEEPALIVE_BUDGET_BYTES;
    let batch: ChatLine[] = [];
    let size = envelope;
    let stopped = false;

    const sendBatch = () => {
      const lines = batch;
      remaining -= size;
      batch = [];
      size = envelope;
      // The in-flight lines are the normal request's: it keeps them if it fails.
      const requeue = () => this.requeue(lines.filter((l) => !inFlight.has(l)));
      try {
        void this.api
          .fetchRaw(this.path, {
            method: 'POST',
            keepalive: true,
            headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
            body: JSON.stringify({ sent_at: sentAt, messages: lines }),
          })
          .then((res) => {
            if (!res.ok && retryable(res.status)) requeue();
          })
          .catch(requeue);
        for (const l of lines) if (!inFlight.has(l)) handed.add(l);
      } catch {
        stopped = true; // no keepalive here: the lines stay buffered
      }
    };

    for (const line of [...inFlight, ...this.pending]) {
      if (stopped) break;
      const n = lineBytes(line);
      if (batch.length < CHAT_BATCH_SIZE && size + n <= remaining) {
        batch.push(line);
        size += n;
      } else if (batch.length > 0 && envelope + n <= remaining - size) {
        sendBatch();
        if (stopped) break;
        batch.push(line);
        size += n;
      }
      // else: too large for what is left of the budget; it stays buffered
    }
    if (batch.length > 0 && !stopped) sendBatch();
    if (handed.size > 0) this.pending = this.pending.filter((l) => !handed.has(l));
  }
}

export interface ChatCaptureOptions {
  /**
   * The page's clock: it stamps messages (the time the page saw them, when Jitsi gives none) and each
   * upload's `sent_at`.
   */
  now?: () => Date;
  /** How often buffered messages are sent (20 s). */
  flushMs?: number;
}

/**
 * Seed 7.3 for Jitsi, which keeps no chat on its server: while `enabled` (the class's staff in a Jitsi
 * room), collects the room's public chat messages from the IFrame API and uploads them to
 * POST /api/v1/live-sessions/{id}/artifacts/chat/ every 20 s, when the room is left and on pagehide.
 * Private messages are never collected. The server keeps one chat log per class and drops duplicates,
 * so every staff member's page may send the same room: a line is stamped with Jitsi's own time for it
 * when there is one (history), and this user's lines carry their name in the meeting (what the other
 * pages see as the nick), `displayName` until the meeting has told it.
 *
 * Returns `flush(maxWaitMs?)`, which sends what is buffered now (e.g. before ending the class).
 */
export function useJitsiChatCapture(
  meeting: object | null,
  enabled: boolean,
  sessionId: string,
  displayName: string,
  api: ApiClient,
  options: ChatCaptureOptions = {},
) {
  const now = useRef(options.now);
  now.current = options.now;
  const uploader = useMemo(
    () => new ChatUploader(api, sessionId, () => (now.current ? now.current() : new Date())),
    [api, sessionId],
  );
  const fallbackName = useRef(displayName);
  fallbackName.current = displayName;
  // This user in the meeting: the participant id and display name its events give.
  const localId = useRef<string | null>(null);
  const localName = useRef<string | null>(null);
  const flushMs = options.flushMs ?? CHAT_FLUSH_MS;

  // The local display name is followed while the meeting is there, capturing or not: it joins before
  // the page may know that this user is staff.
  useEffect(() => {
    localId.current = null;
    localName.current = null;
    const source = meeting as Partial<ChatEventSource> | null;
    if (typeof source?.addListener !== 'function' || typeof source.removeListener !== 'function') return;
    const named = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
    const onJoined = (e: ConferenceJoined) => {
      try {
        localId.current = typeof e?.id === 'string' && e.id ? e.id : null;
        localName.current = named(e?.displayName);
      } catch {
        // a malformed event must not break the meeting
      }
    };
    const onNameChange = (e: DisplayNameChange & { displayName?: string }) => {
      try {
        if (localId.current === null || e?.id !== localId.current) return;
        localName.current = named(e.displayname ?? e.displayName);
      } catch {
        // as above
      }
    };
    const emitter = source as ChatEventSource;
    try {
      emitter.addListener('videoConferenceJoined', onJoined);
      emitter.addListener('displayNameChange', onNameChange);
    } catch {
      return;
    }
    return () => {
      try {
        emitter.removeListener('videoConferenceJoined', onJoined);
        emitter.removeListener('displayNameChange', onNameChange);
      } catch {
        // the meeting is already gone
      }
    };
  }, [meeting]);

  useEffect(() => {
    const source = meeting as Partial<ChatEventSource> | null;
    if (!enabled || typeof source?.addListener !== 'function' || typeof source.removeListener !== 'function') return;
    const add = (sender: string | undefined, message: unknown, stamp?: unknown) => {
      if (typeof message !== 'string' || message.trim() === '') return;
      const who = (sender ?? '').trim();
      if (!who) return;
      const seen = now.current ? now.current() : new Date();
      const at = messageTime(stamp, seen) ?? seen;
      uploader.push({ timestamp: at.toISOString(), sender: who, message });
    };
    const onIncoming = (e: IncomingMessage) => {
      try {
        if (e?.privateMessage !== false) return;
        add(e.nick?.trim() ? e.nick : e.from, e.message, e.stamp);
      } catch {
        // a malformed event must not break the meeting
      }
    };
    const onOutgoing = (e: OutgoingMessage) => {
      try {
        if (e?.privateMessage !== false) return;
        add(localName.current ?? fallbackName.current, e.message);
      } catch {
        // as above
      }
    };
    const emitter = source as ChatEventSource;
    try {
      emitter.addListener('incomingMessage', onIncoming);
      emitter.addListener('outgoingMessage', onOutgoing);
    } catch {
      return; // not an event emitter after all: nothing is collected
    }
    return () => {
      try {
        emitter.removeListener('incomingMessage', onIncoming);
        emitter.removeListener('outgoingMessage', onOutgoing);
      } catch {
        // the meeting is already gone
      }
    };
  }, [meeting, enabled, uploader]);

  useEffect(() => {
    if (!enabled) return;
    const timer = setInterval(() => void uploader.flush(), flushMs);
    const onHide = () => uploader.flushOnHide();
    window.addEventListener('pagehide', onHide);
    return () => {
      clearInterval(timer);
      window.removeEventListener('pagehide', onHide);
      void uploader.flush(); // the room was left, the class ended, or the page unmounted
    };
  }, [enabled, uploader, flushMs]);

  const flush = useCallback(
    (maxWaitMs?: number): Promise<void> => {
      const done = uploader.flush();
      if (maxWaitMs === undefined) return done;
      let timer: ReturnType<typeof setTimeout> | undefined;
      return Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, maxWaitMs)))]).finally(() =>
        clearTimeout(timer),
      );
    },
    [uploader],
  );
  return { flush };
}
