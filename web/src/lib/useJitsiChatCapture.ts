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
  stamp?: string;
}
interface OutgoingMessage {
  message?: string;
  privateMessage?: boolean;
}

/** The most messages the server takes in one request. */
export const CHAT_BATCH_SIZE = 200;
/** How often the buffered messages are sent. */
export const CHAT_FLUSH_MS = 20_000;
/** Messages kept while the server cannot be reached; the oldest go first beyond this. */
const MAX_PENDING = 5_000;
/**
 * Browsers refuse keepalive requests once their bodies in flight add up to 64 KiB (the leave request
 * on pagehide counts too): what is sent as the page goes away stays under this.
 */
const KEEPALIVE_BUDGET_BYTES = 60_000;

const retryable = (status: number) => status === 0 || status === 408 || status === 429 || status >= 500;
const byteLength = (s: string) => new TextEncoder().encode(s).length;

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

/**
 * The buffer behind useJitsiChatCapture: messages wait here and go to the server in batches of at most
 * 200, one request at a time. A batch that failed for a reason that may pass (network, 5xx, 408, 429)
 * stays for the next flush; one the server refused (4xx) is dropped, as it would never be accepted.
 * Never throws.
 */
export class ChatUploader {
  private pending: ChatLine[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly api: ApiClient,
    private readonly sessionId: string,
  ) {}

  private get path() {
    return `/api/v1/live-sessions/${this.sessionId}/artifacts/chat/`;
  }

  /** Messages waiting to be sent (for tests and diagnostics). */
  get size() {
    return this.pending.length;
  }

  push(line: ChatLine) {
    this.pending.push(line);
    if (this.pending.length > MAX_PENDING) this.pending.splice(0, this.pending.length - MAX_PENDING);
  }

  /** Sends everything buffered; resolves when done (or stopped by a failure), never rejects. */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.send()).catch(() => {});
    return this.chain;
  }

  private async send() {
    while (this.pending.length > 0) {
      let batch = this.pending.splice(0, CHAT_BATCH_SIZE);
      for (let attempt = 0; ; attempt++) {
        try {
          await this.api.post(this.path, { messages: batch });
          break;
        } catch (e) {
          const status = e instanceof ApiError ? e.status : 0; // anything else: treat as a network failure
          if (retryable(status)) {
            this.pending.unshift(...batch);
            return; // the next flush tries again
          }
          if (status === 422 && attempt === 0) {
            // Keep the good messages of a batch the server refused for a few bad items.
            const bad = refusedItems((e as ApiError).errors);
            const rest = bad ? batch.filter((_, i) => !bad.has(i)) : [];
            if (rest.length > 0 && rest.length < batch.length) {
              batch = rest;
              continue;
            }
          }
          // 403 (not staff) or 409 (the class is not live): no message here would be accepted.
          if (status === 403 || status === 409) this.pending.length = 0;
          break;
        }
      }
    }
  }

  /**
   * The page is going away: hand what is buffered to keepalive requests, which outlive the page, as far
   * as the browser's keepalive budget allows. If the page comes back (back/forward cache), what failed
   * is buffered again.
   */
  flushOnHide() {
    let budget = KEEPALIVE_BUDGET_BYTES;
    while (this.pending.length > 0) {
      const batch: ChatLine[] = [];
      let size = byteLength('{"messages":[]}');
      for (const line of this.pending) {
        const n = byteLength(JSON.stringify(line)) + 1;
        if (batch.length >= CHAT_BATCH_SIZE || size + n > budget) break;
        batch.push(line);
        size += n;
      }
      if (batch.length === 0) return;
      this.pending.splice(0, batch.length);
      budget -= size;
      const requeue = () => this.pending.unshift(...batch);
      try {
        void this.api
          .fetchRaw(this.path, {
            method: 'POST',
            keepalive: true,
            headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
            body: JSON.stringify({ messages: batch }),
          })
          .then((res) => {
            if (!res.ok && retryable(res.status)) requeue();
          })
          .catch(requeue);
      } catch {
        requeue();
        return;
      }
    }
  }
}

export interface ChatCaptureOptions {
  /** The clock that stamps messages (the time the page saw them). */
  now?: () => Date;
  /** How often buffered messages are sent (20 s). */
  flushMs?: number;
}

/**
 * Seed 7.3 for Jitsi, which keeps no chat on its server: while `enabled` (the class's staff in a Jitsi
 * room), collects the room's public chat messages from the IFrame API and uploads them to
 * POST /api/v1/live-sessions/{id}/artifacts/chat/ every 20 s, when the room is left and on pagehide.
 * Private messages are never collected. The server keeps one chat log per class and drops duplicates,
 * so every staff member's page may send the same room.
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
  const uploader = useMemo(() => new ChatUploader(api, sessionId), [api, sessionId]);
  const name = useRef(displayName);
  name.current = displayName;
  const now = useRef(options.now);
  now.current = options.now;
  const flushMs = options.flushMs ?? CHAT_FLUSH_MS;

  useEffect(() => {
    const source = meeting as Partial<ChatEventSource> | null;
    if (!enabled || typeof source?.addListener !== 'function' || typeof source.removeListener !== 'function') return;
    const stamp = () => (now.current ? now.current() : new Date()).toISOString();
    const add = (sender: string | undefined, message: unknown) => {
      if (typeof message !== 'string' || message.trim() === '') return;
      const who = (sender ?? '').trim();
      if (!who) return;
      uploader.push({ timestamp: stamp(), sender: who, message });
    };
    const onIncoming = (e: IncomingMessage) => {
      try {
        if (e?.privateMessage !== false) return;
        add(e.nick?.trim() ? e.nick : e.from, e.message);
      } catch {
        // a malformed event must not break the meeting
      }
    };
    const onOutgoing = (e: OutgoingMessage) => {
      try {
        if (e?.privateMessage !== false) return;
        add(name.current, e.message);
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
