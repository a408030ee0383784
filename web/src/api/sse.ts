/** One Server-Sent Event (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Incremental parser of a text/event-stream body. Fed chunks as they arrive; returns the events
 * completed by each chunk. Handles CRLF/CR/LF line ends, comments and multi-line data as the spec says.
 */
export class SseParser {
  private buf = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;
  /** The last chunk ended in CR: an LF starting the next one is the second half of that CRLF. */
  private skipLf = false;
  retry: number | null = null;

  push(chunk: string): SseEvent[] {
    if (this.skipLf && chunk !== '') {
      if (chunk.startsWith('\n')) chunk = chunk.slice(1);
      this.skipLf = false;
    }
    this.buf += chunk;
    const out: SseEvent[] = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buf);
      if (!m) break;
      const line = this.buf.slice(0, m.index);
      this.buf = this.buf.slice(m.index + m[0].length);
      // A CR that ends the chunk is a line end now (the line is complete), not a reason to wait.
      if (m[0] === '\r' && this.buf === '') this.skipLf = true;
      const ev = this.line(line);
      if (ev) out.push(ev);
    }
    return out;
  }

  private line(line: string): SseEvent | null {
    if (line === '') {
      if (this.data.length === 0) {
        this.event = '';
        return null;
      }
      const ev: SseEvent = { event: this.event || 'message', data: this.data.join('\n'), id: this.id };
      this.data = [];
      this.event = '';
      return ev;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    return null;
  }
}

/**
 * Reads an SSE stream with fetch (so the bearer token goes in a header, never in the URL) and
 * reconnects after the server's `retry` delay until `signal` aborts or `onEvent` says stop.
 */
export async function followEvents(
  open: (signal: AbortSignal) => Promise<Response>,
  onEvent: (ev: SseEvent) => boolean | void,
  signal: AbortSignal,
  onError: (e: unknown) => void = () => {},
): Promise<void> {
  let delay = 3000;
  while (!signal.aborted) {
    const parser = new SseParser();
    try {
      const res = await open(signal);
      if (!res.ok || !res.body) {
        onError(res);
        if (res.status >= 400 && res.status < 500 && res.status !== 429) return; // will not get better
      } else {
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const ev of parser.push(value)) if (onEvent(ev) === false) return void reader.cancel();
        }
        if (parser.retry !== null) delay = parser.retry;
        onError(new Error('the stream closed; reconnecting'));
      }
    } catch (e) {
      if (signal.aborted) return;
      onError(e);
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}
