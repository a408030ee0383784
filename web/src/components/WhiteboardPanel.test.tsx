import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useEffect, type ReactNode } from 'react';
import type { Whiteboard, WhiteboardElement } from '../api/types';
import { SID, callsTo, json, mockApi, problem, renderWithApp, signInSpeaking, student, teacher, type Handler } from '../test/api';
import { WhiteboardPanel } from './WhiteboardPanel';

// Excalidraw draws on a canvas jsdom does not have: a stand-in keeps the props it was given and hands
// the panel an API over a plain scene array, as Excalidraw's does (onChange after every update).
type El = WhiteboardElement & { x?: number };
const fake = vi.hoisted(() => {
  const state = {
    props: null as null | Record<string, any>,
    scene: [] as El[],
    /** The panel has the API (and holds the board as its scene). */
    ready: false,
  };
  const api = {
    getSceneElementsIncludingDeleted: vi.fn(() => state.scene),
    updateScene: vi.fn((data: { elements?: El[] }) => {
      if (data.elements) state.scene = data.elements;
      state.props?.onChange?.(state.scene, {}, {});
    }),
  };
  return {
    state,
    api,
    /** What a stroke of the user does: a new scene, reported through onChange. */
    draw(scene: El[]) {
      state.scene = scene;
      state.props!.onChange(scene, {}, {});
    },
  };
});
vi.mock('@excalidraw/excalidraw', () => ({
  CaptureUpdateAction: { IMMEDIATELY: 'IMMEDIATELY', NEVER: 'NEVER', EVENTUALLY: 'EVENTUALLY' },
  restoreElements: (els: unknown[]) => els,
  MainMenu: Object.assign(({ children }: { children: ReactNode }) => <div data-testid="main-menu">{children}</div>, {
    DefaultItems: {
      ClearCanvas: () => <span>clear</span>,
      ToggleTheme: () => <span>theme</span>,
      Help: () => <span>help</span>,
    },
  }),
  Excalidraw: (props: Record<string, any>) => {
    fake.state.props = props;
    useEffect(() => {
      fake.state.scene = [...(props.initialData?.elements ?? [])];
      props.excalidrawAPI?.(fake.api);
      fake.state.ready = true;
    }, []);
    return (
      <div data-testid="excalidraw" data-view-mode={String(!!props.viewModeEnabled)} data-lang={props.langCode}>
        <button type="button" className="main-menu-trigger" />
        {props.children}
      </div>
    );
  },
}));
vi.mock('@excalidraw/excalidraw/index.css', () => ({}));

const base = `/api/v1/live-sessions/${SID}/whiteboard/`;
const BOARD_ID = 'd4444444-4444-4444-8444-444444444444';

const rect = (id: string, over: Partial<El> = {}): El => ({
  id,
  type: 'rectangle',
  x: 0,
  y: 0,
  width: 40,
  height: 30,
  version: 1,
  versionNonce: 100,
  index: 'a0',
  isDeleted: false,
  ...over,
});

function boardOf(over: Partial<Whiteboard> = {}): Whiteboard {
  return {
    board_id: BOARD_ID,
    session_id: SID,
    version: 7,
    can_edit: true,
    read_only_reason: null,
    elements: [rect('a', { index: 'a0' }), rect('b', { index: 'a1', version: 3 })],
    ...over,
  };
}

/** The board's event stream, held open; `send` pushes an event to the page. */
function eventStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  const enc = new TextEncoder();
  return {
    handler: (() => new Response(body, { headers: { 'Content-Type': 'text/event-stream' } })) as Handler,
    send: (event: string, data: unknown) => controller.enqueue(enc.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)),
  };
}

/** The routes a board page uses; `GET ?since=` answers no change unless told. */
function routes(board: Whiteboard, extra: Record<string, Handler> = {}) {
  const stream = eventStream();
  const fetchMock = mockApi({
    [`GET ${base}`]: () => json(board),
    [`GET ${base}?since=${board.version}`]: () => json({ ...board, elements: [] }),
    [`GET ${base}stream/`]: stream.handler,
    [`PATCH ${base}`]: (init) => {
      const sent = JSON.parse(String(init?.body)) as { elements: El[] };
      return json({ version: board.version + 1, elements: sent.elements });
    },
    ...extra,
  });
  return { fetchMock, stream };
}

const canvas = () => screen.getByTestId('excalidraw');
/** Waits for Excalidraw to be shown with the board. */
async function ready() {
  await screen.findByTestId('excalidraw');
  await waitFor(() => expect(fake.state.ready).toBe(true));
}
const patches = (fetchMock: ReturnType<typeof mockApi>) =>
  callsTo(fetchMock, 'PATCH', base).map((b: { elements: El[] }) => b.elements.map((e) => [e.id, e.version]));
const sleep = (ms: number) => act(() => new Promise<void>((r) => setTimeout(r, ms)));

function renderPanel(props: { classOver?: boolean } = {}) {
  return renderWithApp(<WhiteboardPanel sessionId={SID} {...props} />);
}

beforeEach(async () => {
  fake.state.props = null;
  fake.state.scene = [];
  fake.state.ready = false;
  fake.api.getSceneElementsIncludingDeleted.mockClear();
  fake.api.updateScene.mockClear();
  await signInSpeaking(teacher);
});

describe('WhiteboardPanel — loading', () => {
  it('shows the board’s elements in Excalidraw, editable, in the user’s language, without image tool', async () => {
    const { fetchMock } = routes(boardOf());
    renderPanel();
    expect(screen.getByRole('status')).toHaveTextContent('Beyaz tahta yükleniyor…');
    expect(await screen.findByTestId('excalidraw')).toHaveAttribute('data-view-mode', 'false');
    expect(screen.getByRole('region', { name: 'Beyaz tahta' })).toBeInTheDocument();
    const props = fake.state.props!;
    expect(props.initialData.elements.map((e: El) => e.id)).toEqual(['a', 'b']);
    expect(props.langCode).toBe('tr-TR');
    expect(props.UIOptions.tools).toEqual({ image: false });
    expect(props.validateEmbeddable).toBe(false);
    // Excalidraw's menu without the links to its socials, and its button named.
    expect(screen.getByTestId('main-menu').textContent).toBe('clearthemehelp');
    expect(screen.getByRole('button', { name: 'Tahta menüsü' })).toHaveClass('main-menu-trigger');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.queryByText('Bu beyaz tahtayı yalnızca görüntüleyebilirsiniz.')).not.toBeInTheDocument();
    // The bearer token goes with the board and with its stream (in a header, never in the URL).
    await waitFor(() => expect(fetchMock.mock.calls.some(([u]) => String(u) === `${base}stream/`)).toBe(true));
    const stream = fetchMock.mock.calls.find(([u]) => String(u) === `${base}stream/`)!;
    expect(new Headers(stream[1]?.headers).get('Authorization')).toBe('Bearer test-token');
    expect(new Headers(stream[1]?.headers).get('Accept')).toBe('text/event-stream');
  });

  it('opens in view mode with the server’s reason when the user may not draw, and sends nothing', async () => {
    await signInSpeaking(student);
    const reason = 'Bu derste öğrenciler beyaz tahtayı kullanamaz.';
    const { fetchMock } = routes(boardOf({ can_edit: false, read_only_reason: reason }));
    renderPanel();
    expect(await screen.findByTestId('excalidraw')).toHaveAttribute('data-view-mode', 'true');
    expect(screen.getByRole('status')).toHaveTextContent(reason);
    act(() => fake.draw([...fake.state.scene, rect('z', { index: 'a2' })]));
    await sleep(450);
    expect(callsTo(fetchMock, 'PATCH', base)).toHaveLength(0);
  });

  it('says the board is view-only in general words when the server gives no reason', async () => {
    routes(boardOf({ can_edit: false, read_only_reason: null }));
    renderPanel();
    expect(await screen.findByText('Bu beyaz tahtayı yalnızca görüntüleyebilirsiniz.')).toHaveAttribute('role', 'status');
  });

  it('speaks English to an English speaker', async () => {
    await signInSpeaking(teacher, 'en');
    routes(boardOf({ can_edit: false, read_only_reason: null }));
    renderPanel();
    expect(await screen.findByTestId('excalidraw')).toHaveAttribute('data-lang', 'en');
    expect(screen.getByRole('region', { name: 'Whiteboard' })).toBeInTheDocument();
    expect(screen.getByText('You can only view this whiteboard.')).toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Export' })).toHaveTextContent('PDFSVGExcalidraw file');
  });

  it('shows why the board could not be loaded', async () => {
    mockApi({
      [`GET ${base}`]: () => problem('conflict', 409, 'this class is held on BigBlueButton, which has its own whiteboard'),
    });
    renderPanel();
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Bu işlem dersin şu anki durumunda yapılamaz. (this class is held on BigBlueButton, which has its own whiteboard)',
    );
    expect(screen.queryByTestId('excalidraw')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'PDF' })).not.toBeInTheDocument();
  });
});

describe('WhiteboardPanel — sending changes', () => {
  it('sends only the changed elements of kept types, once, after a pause', async () => {
    const { fetchMock } = routes(boardOf());
    renderPanel();
    await ready();
    const [a, b] = fake.state.scene;
    act(() =>
      fake.draw([
        a,
        { ...b, x: 50, version: 4, versionNonce: 9 },
        rect('c', { index: 'a2' }),
        rect('img', { type: 'image', index: 'a3' }), // the server keeps no images
        rect('gone', { index: 'a4', isDeleted: true }), // drawn and deleted before it was ever sent
      ]),
    );
    // Debounced: nothing yet.
    expect(callsTo(fetchMock, 'PATCH', base)).toHaveLength(0);
    await waitFor(() => expect(patches(fetchMock)).toEqual([[['b', 4], ['c', 1]]]));
    const sent = callsTo(fetchMock, 'PATCH', base)[0].elements;
    expect(sent[0]).toMatchObject({ id: 'b', x: 50, versionNonce: 9 });
    // The answer holds the page's own copies: nothing to merge, nothing more to send.
    await sleep(450);
    expect(patches(fetchMock)).toHaveLength(1);
    expect(fake.api.updateScene).not.toHaveBeenCalled();
  });

  it('gathers quick changes into one request', async () => {
    const { fetchMock } = routes(boardOf());
    renderPanel();
    await ready();
    const [a, b] = fake.state.scene;
    act(() => fake.draw([{ ...a, version: 2 }, b]));
    await sleep(100);
    act(() => fake.draw([{ ...a, version: 3 }, b]));
    await sleep(100);
    act(() => fake.draw([{ ...a, version: 4 }, { ...b, version: 4 }]));
    await waitFor(() => expect(patches(fetchMock)).toEqual([[['a', 4], ['b', 4]]]));
  });

  it('keeps one request in flight; what changes meanwhile goes in the next one', async () => {
    const answers: ((r: Response) => void)[] = [];
    const { fetchMock } = routes(boardOf(), {
      [`PATCH ${base}`]: () => new Promise<Response>((r) => answers.push(r)),
    });
    renderPanel();
    await ready();
    const [a, b] = fake.state.scene;
    act(() => fake.draw([{ ...a, version: 2 }, b]));
    await waitFor(() => expect(patches(fetchMock)).toHaveLength(1));
    act(() => fake.draw([{ ...a, version: 2 }, { ...b, version: 4 }, rect('c', { index: 'a2' })]));
    await sleep(450);
    expect(patches(fetchMock)).toHaveLength(1); // still waiting for the first answer
    await act(async () => answers[0](json({ version: 8, elements: [{ ...a, version: 2 }] })));
    await waitFor(() => expect(patches(fetchMock)).toEqual([[['a', 2]], [['b', 4], ['c', 1]]]));
    await act(async () => answers[1](json({ version: 9, elements: [{ ...b, version: 4 }, rect('c', { index: 'a2' })] })));
    await sleep(400);
    expect(patches(fetchMock)).toHaveLength(2);
  });

  it('merges the server’s copy where it wins, without recording it as the user’s history', async () => {
    const { fetchMock } = routes(boardOf(), {
      // Another page moved b further meanwhile: the server's b (version 6) wins over the page's (5).
      [`PATCH ${base}`]: () => json({ version: 9, elements: [rect('b', { index: 'a1', version: 6, x: 99 })] }),
    });
    renderPanel();
    await ready();
    const [a, b] = fake.state.scene;
    act(() => fake.draw([a, { ...b, version: 5, x: 10 }]));
    await waitFor(() => expect(fake.api.updateScene).toHaveBeenCalledTimes(1));
    const update = fake.api.updateScene.mock.calls[0][0] as { elements: El[]; captureUpdate: string };
    expect(update.captureUpdate).toBe('NEVER');
    expect(update.elements.map((e) => [e.id, e.version, e.x])).toEqual([
      ['a', 1, 0],
      ['b', 6, 99],
    ]);
    // The server's copy is what the page now has: nothing to send back.
    await sleep(450);
    expect(patches(fetchMock)).toEqual([[['b', 5]]]);
  });

  it('sends the changes in batches of at most 500', async () => {
    const { fetchMock } = routes(boardOf({ elements: [] }));
    renderPanel();
    await ready();
    const many = Array.from({ length: 1_100 }, (_, i) => rect(`e${String(i).padStart(4, '0')}`, { index: `a${String(i).padStart(4, '0')}` }));
    act(() => fake.draw(many));
    await waitFor(() => expect(callsTo(fetchMock, 'PATCH', base)).toHaveLength(3));
    expect(callsTo(fetchMock, 'PATCH', base).map((b: { elements: El[] }) => b.elements.length)).toEqual([500, 500, 100]);
  });

  it('sends again after a network or server failure, with what changed meanwhile', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
    let fail = true;
    const { fetchMock } = routes(boardOf(), {
      [`PATCH ${base}`]: (init) =>
        fail
          ? problem('unavailable', 503, 'the database is not answering')
          : json({ version: 8, elements: (JSON.parse(String(init?.body)) as { elements: El[] }).elements }),
    });
    renderPanel();
    await ready();
    const [a, b] = fake.state.scene;
    act(() => fake.draw([{ ...a, version: 2 }, b]));
    await act(() => vi.advanceTimersByTimeAsync(300));
    await waitFor(() => expect(patches(fetchMock)).toEqual([[['a', 2]]]));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Çiziminiz kaydedilemedi: Hizmet şu an yanıt veremiyor; birazdan tekrar deneyin. (the database is not answering)',
    );
    fail = false;
    await act(() => vi.advanceTimersByTimeAsync(2_900));
    expect(patches(fetchMock)).toHaveLength(1);
    await act(() => vi.advanceTimersByTimeAsync(100));
    await waitFor(() => expect(patches(fetchMock)).toEqual([[['a', 2]], [['a', 2]]]));
    await waitFor(() => expect(screen.queryByRole('alert')).not.toBeInTheDocument());
  });

  it('sends the valid elements again without those the server refused (422)', async () => {
    let first = true;
    const { fetchMock } = routes(boardOf({ elements: [] }), {
      [`PATCH ${base}`]: (init) => {
        const sent = (JSON.parse(String(init?.body)) as { elements: El[] }).elements;
        if (first) {
          first = false;
          return problem('validation-error', 422, 'some elements are not valid', {
            errors: [{ field: 'elements.1.link', pointer: '/elements/1/link', detail: 'links must be http(s)' }],
          });
        }
        return json({ version: 8, elements: sent });
      },
    });
    renderPanel();
    await ready();
    act(() =>
      fake.draw([rect('a'), rect('bad', { index: 'a1', link: 'javascript:alert(1)' }), rect('c', { index: 'a2' })]),
    );
    await waitFor(() => expect(patches(fetchMock)).toEqual([[['a', 1], ['bad', 1], ['c', 1]], [['a', 1], ['c', 1]]]));
    expect(screen.getByRole('alert')).toHaveTextContent('Çiziminiz kaydedilemedi: Gönderilen bilgilerde hata var. (some elements are not valid)');
  });

  it('turns to view mode when the server refuses the user’s drawing (403)', async () => {
    const { fetchMock } = routes(boardOf(), {
      [`PATCH ${base}`]: () => problem('forbidden', 403, 'students may not use the whiteboard in this class'),
    });
    renderPanel();
    await ready();
    const [a, b] = fake.state.scene;
    act(() => fake.draw([{ ...a, version: 2 }, b]));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Çiziminiz kaydedilemedi: Bu işlem için yetkiniz yok. (students may not use the whiteboard in this class)',
    );
    expect(canvas()).toHaveAttribute('data-view-mode', 'true');
    act(() => fake.draw([{ ...a, version: 3 }, b]));
    await sleep(450);
    expect(patches(fetchMock)).toHaveLength(1);
  });

  it('sends what still waits for the pause when the board is closed', async () => {
    const { fetchMock } = routes(boardOf());
    const { unmount } = renderPanel();
    await ready();
    const [a, b] = fake.state.scene;
    act(() => fake.draw([a, { ...b, version: 4 }]));
    unmount();
    await waitFor(() => expect(patches(fetchMock)).toEqual([[['b', 4]]]));
  });
});

describe('WhiteboardPanel — the others’ changes', () => {
  it('on a board event fetches the changes since its version and merges them into the scene', async () => {
    const changes = [
      rect('a', { index: 'a0', version: 2, x: 70 }), // moved by someone else
      rect('b', { index: 'a1', version: 4, isDeleted: true }), // deleted by someone else
      rect('d', { index: 'a0V', version: 1 }), // new, between a and b
    ];
    const { fetchMock, stream } = routes(boardOf(), {
      [`GET ${base}?since=9`]: () => json(boardOf({ version: 9, elements: [] })),
    });
    renderPanel();
    await ready();
    // Right after connecting, the page asks what it missed before the stream was open.
    await waitFor(() => expect(callsTo(fetchMock, 'GET', `${base}?since=7`)).toHaveLength(1));
    expect(fake.api.updateScene).not.toHaveBeenCalled();

    mockApiRoute(fetchMock, `GET ${base}?since=7`, () => json(boardOf({ version: 9, elements: changes })));
    act(() => stream.send('board', { version: 9 }));
    await waitFor(() => expect(fake.api.updateScene).toHaveBeenCalledTimes(1));
    const update = fake.api.updateScene.mock.calls[0][0] as { elements: El[]; captureUpdate: string };
    expect(update.captureUpdate).toBe('NEVER');
    expect(update.elements.map((e) => [e.id, e.version, e.x, e.isDeleted])).toEqual([
      ['a', 2, 70, false],
      ['d', 1, 0, false],
      ['b', 4, 0, true],
    ]);
    // What came from the server is not sent back.
    await sleep(450);
    expect(callsTo(fetchMock, 'PATCH', base)).toHaveLength(0);

    // The next event asks from the new version on; an event about what the page has asks nothing.
    act(() => stream.send('board', { version: 9 }));
    act(() => stream.send('board', { version: 10 }));
    await waitFor(() => expect(callsTo(fetchMock, 'GET', `${base}?since=9`)).toHaveLength(1));
    expect(callsTo(fetchMock, 'GET', `${base}?since=7`)).toHaveLength(2);
  });

  it('keeps its own newer edit over an older remote copy, and sends it', async () => {
    const { fetchMock, stream } = routes(boardOf(), {
      [`GET ${base}?since=7`]: () => json(boardOf({ version: 8, elements: [rect('a', { version: 2, x: 5 })] })),
    });
    renderPanel();
    await ready();
    const [a, b] = fake.state.scene;
    act(() => fake.draw([{ ...a, version: 3, x: 1 }, b]));
    act(() => stream.send('board', { version: 8 }));
    await waitFor(() => expect(patches(fetchMock)).toEqual([[['a', 3]]]));
    expect(fake.state.scene[0]).toMatchObject({ version: 3, x: 1 });
  });

  it('turns to view mode when the class ends', async () => {
    const { fetchMock, stream } = routes(boardOf());
    renderPanel();
    await ready();
    act(() => stream.send('ended', {}));
    expect(await screen.findByText('Ders sona erdi; beyaz tahta artık yalnızca görüntülenebilir.')).toBeInTheDocument();
    expect(canvas()).toHaveAttribute('data-view-mode', 'true');
    const [a, b] = fake.state.scene;
    act(() => fake.draw([{ ...a, version: 2 }, b]));
    await sleep(450);
    expect(callsTo(fetchMock, 'PATCH', base)).toHaveLength(0);
    // The board can still be exported.
    expect(screen.getByRole('button', { name: 'PDF' })).toBeEnabled();
  });

  it('is read-only when the room page says the class is over', async () => {
    routes(boardOf());
    renderPanel({ classOver: true });
    expect(await screen.findByTestId('excalidraw')).toHaveAttribute('data-view-mode', 'true');
    expect(screen.getByText('Ders sona erdi; beyaz tahta artık yalnızca görüntülenebilir.')).toBeInTheDocument();
  });

  it('shows why the changes could not be fetched', async () => {
    const { stream } = routes(boardOf(), {
      [`GET ${base}?since=7`]: () => problem('internal-error', 500, ''),
    });
    renderPanel();
    await ready();
    act(() => stream.send('board', { version: 8 }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Tahtadaki son değişiklikler alınamadı: Sunucuda beklenmeyen bir hata oluştu; tekrar deneyin, sürerse yöneticinize bildirin.');
  });
});

describe('WhiteboardPanel — export', () => {
  function captureDownloads() {
    const saved: { name: string; blob: Blob }[] = [];
    const blobs = new Map<string, Blob>();
    // jsdom has no object URLs.
    URL.createObjectURL = vi.fn((b: Blob) => {
      const u = `blob:${blobs.size}`;
      blobs.set(u, b);
      return u;
    });
    URL.revokeObjectURL = vi.fn();
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ name: this.download, blob: blobs.get(this.getAttribute('href') ?? '')! });
    });
    return saved;
  }

  it('downloads the board in each format with the token, under the server’s file name or its own', async () => {
    const saved = captureDownloads();
    const { fetchMock } = routes(boardOf(), {
      [`GET ${base}export/?format=pdf`]: () =>
        new Response('%PDF-1.7', {
          headers: { 'Content-Type': 'application/pdf', 'Content-Disposition': 'attachment; filename="turev-tahta.pdf"' },
        }),
      [`GET ${base}export/?format=svg`]: () => new Response('<svg/>', { headers: { 'Content-Type': 'image/svg+xml' } }),
      [`GET ${base}export/?format=excalidraw`]: () =>
        new Response('{"type":"excalidraw"}', {
          headers: { 'Content-Disposition': `attachment; filename*=UTF-8''T%C3%BCrev.excalidraw` },
        }),
    });
    const user = userEvent.setup();
    renderPanel();
    await ready();
    await user.click(screen.getByRole('button', { name: 'PDF' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    await user.click(screen.getByRole('button', { name: 'SVG' }));
    await waitFor(() => expect(saved).toHaveLength(2));
    await user.click(screen.getByRole('button', { name: 'Excalidraw dosyası' }));
    await waitFor(() => expect(saved).toHaveLength(3));
    expect(saved.map((s) => s.name)).toEqual(['turev-tahta.pdf', `whiteboard-${SID}.svg`, 'Türev.excalidraw']);
    expect(await saved[0].blob.text()).toBe('%PDF-1.7');
    const call = fetchMock.mock.calls.find(([u]) => String(u) === `${base}export/?format=pdf`)!;
    expect(new Headers(call[1]?.headers).get('Authorization')).toBe('Bearer test-token');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('sends the strokes still waiting for the pause before exporting', async () => {
    captureDownloads();
    const { fetchMock } = routes(boardOf(), {
      [`GET ${base}export/?format=svg`]: () => new Response('<svg/>'),
    });
    const user = userEvent.setup();
    renderPanel();
    await ready();
    const [a, b] = fake.state.scene;
    act(() => fake.draw([a, { ...b, version: 4 }]));
    await user.click(screen.getByRole('button', { name: 'SVG' }));
    await waitFor(() => expect(callsTo(fetchMock, 'GET', `${base}export/?format=svg`)).toHaveLength(1));
    const order = fetchMock.mock.calls
      .filter(([u, init]) => init?.method === 'PATCH' || String(u).includes('/export/'))
      .map(([u, init]) => `${init?.method ?? 'GET'} ${String(u)}`);
    expect(order).toEqual([`PATCH ${base}`, `GET ${base}export/?format=svg`]);
  });

  it('shows why an export failed', async () => {
    captureDownloads();
    routes(boardOf({ elements: [] }), {
      [`GET ${base}export/?format=pdf`]: () => problem('conflict', 409, 'the board is empty'),
    });
    const user = userEvent.setup();
    renderPanel();
    await ready();
    await user.click(screen.getByRole('button', { name: 'PDF' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Tahta dışa aktarılamadı: Bu işlem dersin şu anki durumunda yapılamaz. (the board is empty)',
    );
    expect(screen.getByRole('button', { name: 'PDF' })).toBeEnabled();
  });
});

/** Replaces one route of a running fetch stub. */
function mockApiRoute(fetchMock: ReturnType<typeof mockApi>, route: string, handler: Handler) {
  const previous = fetchMock.getMockImplementation()!;
  fetchMock.mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return `${init?.method ?? 'GET'} ${url}` === route ? handler(init) : previous(input, init);
  });
}
