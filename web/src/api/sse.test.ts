import { describe, expect, it, vi } from 'vitest';
import { SseParser, followEvents, type SseEvent } from './sse';

/** Feeds the chunks one by one and collects every event they complete. */
function feed(...chunks: string[]): SseEvent[] {
  const p = new SseParser();
  return chunks.flatMap((c) => p.push(c));
}

describe('SseParser', () => {
  it('parses an event with LF, CRLF and CR line ends alike', () => {
    const expected = [{ event: 'participants', data: '{"n":1}', id: undefined }];
    expect(feed('event: participants\ndata: {"n":1}\n\n')).toEqual(expected);
    expect(feed('event: participants\r\ndata: {"n":1}\r\n\r\n')).toEqual(expected);
    expect(feed('event: participants\rdata: {"n":1}\r\r')).toEqual(expected);
  });

  it('names an event without `event:` "message"', () => {
    expect(feed('data: hello\n\n')).toEqual([{ event: 'message', data: 'hello', id: undefined }]);
  });

  it('joins a line split across chunks', () => {
    expect(feed('eve', 'nt: ended\nda', 'ta: {"status":', '"ended"}\n', '\n')).toEqual([
      { event: 'ended', data: '{"status":"ended"}', id: undefined },
    ]);
  });

  it('treats a CRLF split between chunks as one line end', () => {
    const p = new SseParser();
    expect(p.push('data: a\r')).toEqual([]);
    expect(p.push('\ndata: b\r')).toEqual([]);
    expect(p.push('\n\r')).toEqual([{ event: 'message', data: 'a\nb', id: undefined }]);
    expect(p.push('\n')).toEqual([]); // the LF of that CRLF, not a second blank line
    expect(p.push('')).toEqual([]);
    expect(p.push('data: c\n\n')).toEqual([{ event: 'message', data: 'c', id: undefined }]);
  });

  it('dispatches an event closed by a CR at the end of a chunk at once', () => {
    const p = new SseParser();
    expect(p.push('event: ended\rdata: {"status":"ended"}\r\r')).toEqual([
      { event: 'ended', data: '{"status":"ended"}', id: undefined },
    ]);
    // A CRLF split after its CR, then a blank line.
    expect(p.push('data: d\r')).toEqual([]);
    expect(p.push('\n\n')).toEqual([{ event: 'message', data: 'd', id: undefined }]);
  });

  it('feeds byte by byte', () => {
    const text = ': hi\r\nevent: participants\r\ndata: x\r\n\r\nevent: ended\ndata: y\n\n';
    expect(feed(...text.split(''))).toEqual([
      { event: 'participants', data: 'x', id: undefined },
      { event: 'ended', data: 'y', id: undefined },
    ]);
  });

  it('ignores comments (keep-alives)', () => {
    expect(feed(': keep-alive\n\n:another\ndata: x\n: inside\n\n')).toEqual([{ event: 'message', data: 'x', id: undefined }]);
  });

  it('joins several data lines with \\n and strips one leading space only', () => {
    expect(feed('data: line one\ndata:line two\ndata:  indented\ndata\n\n')).toEqual([
      { event: 'message', data: 'line one\nline two\n indented\n', id: undefined },
    ]);
  });

  it('keeps the last id for the following events and ignores an id with NUL', () => {
    const p = new SseParser();
    expect(p.push('id: 7\ndata: a\n\n')).toEqual([{ event: 'message', data: 'a', id: '7' }]);
    expect(p.push('data: b\n\n')).toEqual([{ event: 'message', data: 'b', id: '7' }]);
    expect(p.push('id: 8\0\ndata: c\n\n')).toEqual([{ event: 'message', data: 'c', id: '7' }]);
  });

  it('reads a numeric retry and ignores any other', () => {
    const p = new SseParser();
    p.push('retry: 5000\n\n');
    expect(p.retry).toBe(5000);
    p.push('retry: soon\n\n');
    expect(p.retry).toBe(5000);
  });

  it('drops an event without data and forgets its type', () => {
    expect(feed('event: participants\n\ndata: x\n\n')).toEqual([{ event: 'message', data: 'x', id: undefined }]);
    expect(feed('event: ended\nid: 3\n\n')).toEqual([]);
  });

  it('ignores unknown fields', () => {
    expect(feed('foo: bar\ndata: x\n\n')).toEqual([{ event: 'message', data: 'x', id: undefined }]);
  });

  it('does not dispatch an event that has not been closed by a blank line', () => {
    expect(feed('data: half')).toEqual([]);
    expect(feed('data: half\n')).toEqual([]);
  });
});

function streamOf(...chunks: string[]) {
  const enc = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(c) {
      for (const ch of chunks) c.enqueue(enc.encode(ch));
      c.close();
    },
  });
}

describe('followEvents', () => {
  it('hands each event over and stops when asked to', async () => {
    const seen: SseEvent[] = [];
    const open = vi.fn(async () => new Response(streamOf('data: 1\n\n', 'data: 2\n\nevent: ended\ndata: {}\n\n', 'data: 3\n\n')));
    await followEvents(open, (ev) => (seen.push(ev), ev.event !== 'ended'), new AbortController().signal);
    expect(seen.map((e) => e.data)).toEqual(['1', '2', '{}']);
    expect(open).toHaveBeenCalledTimes(1);
  });

  it('does not lose the last event of a stream that uses CR line ends', async () => {
    const seen: string[] = [];
    const open = vi.fn(async () => new Response(streamOf('event: ended\rdata: {"status":"ended"}\r\r')));
    await followEvents(open, (ev) => (seen.push(ev.event), ev.event !== 'ended'), new AbortController().signal);
    expect(seen).toEqual(['ended']);
  });

  it('decodes UTF-8 split inside a character', async () => {
    const bytes = new TextEncoder().encode('data: Çağla Öztürk\n\n');
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.slice(0, 7)); // ends in the middle of "Ç"
        c.enqueue(bytes.slice(7));
        c.close();
      },
    });
    const seen: string[] = [];
    await followEvents(async () => new Response(body), (ev) => (seen.push(ev.data), false), new AbortController().signal);
    expect(seen).toEqual(['Çağla Öztürk']);
  });

  it('gives up on a 4xx answer other than 429', async () => {
    const onError = vi.fn();
    const open = vi.fn(async () => new Response('{}', { status: 403 }));
    await followEvents(open, () => {}, new AbortController().signal, onError);
    expect(open).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ status: 403 }));
  });

  it('reconnects after the server’s retry delay until aborted', async () => {
    vi.useFakeTimers();
    try {
      const ctl = new AbortController();
      const open = vi.fn(async () => new Response(streamOf('retry: 1000\n\n')));
      const done = followEvents(open, () => {}, ctl.signal);
      await vi.advanceTimersByTimeAsync(0);
      expect(open).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(999);
      expect(open).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(open).toHaveBeenCalledTimes(2);
      ctl.abort();
      await vi.advanceTimersByTimeAsync(1000);
      await done;
      expect(open).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
