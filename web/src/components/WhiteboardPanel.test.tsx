import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useEffect, type ReactNode } from 'react';
import type { Whiteboard, WhiteboardElement } from '../api/types';
import {
  SID,
  callsTo,
  json,
  mockApi,
  problem,
  renderWithApp,
  signIn,
  signInSpeaking,
  student,
  teacher,
  type Handler,
} from '../test/api';
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
const patches = (fetchMock: ReturnType<typeof mockApi>) =>
  callsTo(fetchMock, 'PATCH', base).map((b: { elements: El[] }) => b.elements.map((e) => [e.id, e.version]));

// Node's, which fake time leaves alone.
const { setImmediate } = globalThis as unknown as { setImmediate: (callback: () => void) => unknown };
/** One turn of the event loop inside act(): promises and I/O callbacks run, time does not move. */
const turn = () => act(() => new Promise<void>((r) => setImmediate(r)));
/**
 * Waits until `check` passes, without moving time: each round lets the fetch stub's answers and React's
 * updates through. Also on fake time, where testing-library's waitFor and findBy would wait forever
 * for a timer of their own.
 */
async function until(check: () => void, rounds = 200) {
  for (let i = 0; ; i++) {
    try {
      check();
      return;
    } catch (e) {
      if (i >= rounds) throw e;
    }
    await turn();
  }
}
/** Lets what was started run to its end (an answer, the batches after it), without moving time. */
async function settle() {
  for (let i = 0; i < 20; i++) await turn();
}
/**
 * The panel's timers (the pause before sending, retries) and clock on fake time: time moves only when
 * the test moves it, so what is sent by a given moment does not depend on how busy the machine is, and
 * "nothing more was sent" is checked after a known stretch of time.
 */
function fakeTime() {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
}
/** Moves fake time on by `ms` (the timers due fire) and lets what they started run to its end. */
async function advance(ms: number) {
  await act(() => vi.advanceTimersByTimeAsync(ms));
  await settle();
}
/** Waits for Excalidraw to be shown with the board, its stream open and the first catch-up answered. */
async function ready() {
  await until(() => expect(fake.state.ready).toBe(true));
  await settle();
}

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
    // Named by a MutationObserver, whose callback runs after the render that drew the button.
    expect(await screen.findByRole('button', { name: 'Tahta menüsü' })).toHaveClass('main-menu-trigger');
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
    fakeTime();
    const reason = 'Bu derste öğrenciler beyaz tahtayı kullanamaz.';
    const { fetchMock } = routes(boardOf({ can_edit: false, read_only_reason: reason }));
    renderPanel();
    await ready();
    expect(canvas()).toHaveAttribute('data-view-mode', 'true');
    expect(screen.getByRole('status')).toHaveTextContent(reason);
    act(() => fake.draw([...fake.state.scene, rect('z', { index: 'a2' })]));
    await advance(10_000);
    expect(callsTo(fetchMock, 'PATCH', base)).toHaveLength(0);
    // Nor when the panel closes.
    cleanup();
    await settle();
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

/** Elements a0000, a0001… on a board of their own (new: the server has none of them). */
const manyRects = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => {
    const k = String(from + i).padStart(4, '0');
    return rect(`e${k}`, { index: `a${k}` });
  });

describe('WhiteboardPanel — sending changes', () => {
  beforeEach(fakeTime);

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
    // Debounced: nothing until the pause is over.
    await advance(299);
    expect(callsTo(fetchMock, 'PATCH', base)).toHaveLength(0);
    await advance(1);
    expect(patches(fetchMock)).toEqual([[['b', 4], ['c', 1]]]);
    const sent = callsTo(fetchMock, 'PATCH', base)[0].elements;
    expect(sent[0]).toMatchObject({ id: 'b', x: 50, versionNonce: 9 });
    // The answer holds the page's own copies: nothing to merge, nothing more to send.
    await advance(10_000);
    expect(patches(fetchMock)).toHaveLength(1);
    expect(fake.api.updateScene).not.toHaveBeenCalled();
  });

  it('gathers quick changes into one request', async () => {
    const { fetchMock } = routes(boardOf());
    renderPanel();
    await ready();
    const [a, b] = fake.state.scene;
    act(() => fake.draw([{ ...a, version: 2 }, b]));
    await advance(100);
    act(() => fake.draw([{ ...a, version: 3 }, b]));
    await advance(100);
    act(() => fake.draw([{ ...a, version: 4 }, { ...b, version: 4 }]));
    await advance(299);
    expect(callsTo(fetchMock, 'PATCH', base)).toHaveLength(0);
    await advance(1);
    expect(patches(fetchMock)).toEqual([[['a', 4], ['b', 4]]]);
    await advance(10_000);
    expect(patches(fetchMock)).toHaveLength(1);
  });

  it('during a long stroke sends at least once a second', async () => {
    const { fetchMock } = routes(boardOf());
    renderPanel();
    await ready();
    const [a, b] = fake.state.scene;
    // A change every 200 ms: the pause never comes.
    for (let v = 2; v <= 5; v++) {
      act(() => fake.draw([{ ...a, version: v }, b]));
      await advance(200);
    }
    act(() => fake.draw([{ ...a, version: 6 }, b]));
    await advance(199);
    expect(callsTo(fetchMock, 'PATCH', base)).toHaveLength(0);
    await advance(1); // a second after the first change
    expect(patches(fetchMock)).toEqual([[['a', 6]]]);
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
    await advance(300);
    expect(patches(fetchMock)).toHaveLength(1);
    act(() => fake.draw([{ ...a, version: 2 }, { ...b, version: 4 }, rect('c', { index: 'a2' })]));
    await advance(10_000);
    expect(patches(fetchMock)).toHaveLength(1); // still waiting for the first answer
    await act(async () => answers[0](json({ version: 8, elements: [{ ...a, version: 2 }] })));
    await settle();
    expect(patches(fetchMock)).toEqual([[['a', 2]], [['b', 4], ['c', 1]]]);
    await act(async () => answers[1](json({ version: 9, elements: [{ ...b, version: 4 }, rect('c', { index: 'a2' })] })));
    await advance(10_000);
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
    await advance(300);
    expect(fake.api.updateScene).toHaveBeenCalledTimes(1);
    const update = fake.api.updateScene.mock.calls[0][0] as { elements: El[]; captureUpdate: string };
    expect(update.captureUpdate).toBe('NEVER');
    expect(update.elements.map((e) => [e.id, e.version, e.x])).toEqual([
      ['a', 1, 0],
      ['b', 6, 99],
    ]);
    // The server's copy is what the page now has: nothing to send back.
    await advance(10_000);
    expect(patches(fetchMock)).toEqual([[['b', 5]]]);
  });

  it('sends the changes in batches of at most 500', async () => {
    const { fetchMock } = routes(boardOf({ elements: [] }));
    renderPanel();
    await ready();
    act(() => fake.draw(manyRects(1_100)));
    await advance(300);
    expect(callsTo(fetchMock, 'PATCH', base).map((b: { elements: El[] }) => b.elements.length)).toEqual([500, 500, 100]);
  });

  it('keeps each request under about 900 KB (the server takes at most 1 MiB)', async () => {
    // Elements of about 300 KB: no more than two go together.
    const big = (id: string, index: string) => rect(id, { index, text: 'x'.repeat(300_000) });
    const { fetchMock } = routes(boardOf({ elements: [] }));
    renderPanel();
    await ready();
    act(() => fake.draw([big('a', 'a0'), big('b', 'a1'), big('c', 'a2'), big('d', 'a3'), big('e', 'a4')]));
    await advance(300);
    const bodies = fetchMock.mock.calls.filter(([, init]) => init?.method === 'PATCH').map(([, init]) => String(init?.body));
    expect(bodies.map((b) => (JSON.parse(b) as { elements: El[] }).elements.map((e) => e.id).join(''))).toEqual(['ab', 'cd', 'e']);
    for (const b of bodies) expect(new TextEncoder().encode(b).length).toBeLessThanOrEqual(900_000);
  });

  it('sends a batch the server finds too large (413) again in halves, none of it counted as saved', async () => {
    // A server (or a proxy before it) that takes less than the page thinks: here, two elements.
    const { fetchMock } = routes(boardOf({ elements: [] }), {
      [`PATCH ${base}`]: (init) => {
        const sent = (JSON.parse(String(init?.body)) as { elements: El[] }).elements;
        if (sent.length > 2) return problem('payload-too-large', 413, 'the request body is too large');
        return json({ version: 8, elements: sent });
      },
    });
    renderPanel();
    await ready();
    const els = ['a', 'b', 'c', 'd', 'e'].map((id, i) => rect(id, { index: `a${i}` }));
    act(() => fake.draw(els));
    await advance(300);
    const ids = () => callsTo(fetchMock, 'PATCH', base).map((b: { elements: El[] }) => b.elements.map((e) => e.id).join(''));
    expect(ids()).toEqual(['abcde', 'abc', 'ab', 'cd', 'e']);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    // Later batches are no larger than the last one the server took.
    act(() => fake.draw(els.map((e) => ({ ...e, version: 2 }))));
    await advance(300);
    expect(ids().slice(5)).toEqual(['ab', 'cd', 'e']);
  });

  it('tells the user about an element too large to save alone, and sends it again only once it has changed', async () => {
    // More than the server takes in a request (1 MiB), even alone.
    const huge = (version: number, text: string) => rect('huge', { index: 'a1', version, text });
    const { fetchMock } = routes(boardOf({ elements: [] }), {
      [`PATCH ${base}`]: (init) => {
        if (String(init?.body).length > 1_048_576) return problem('payload-too-large', 413, 'the request body is larger than 1 MiB');
        return json({ version: 8, elements: (JSON.parse(String(init?.body)) as { elements: El[] }).elements });
      },
    });
    renderPanel();
    await ready();
    act(() => fake.draw([rect('a'), huge(1, 'x'.repeat(1_100_000)), rect('c', { index: 'a2' })]));
    await advance(300);
    // Sent alone; the elements before and after it are saved.
    expect(patches(fetchMock)).toEqual([[['a', 1]], [['huge', 1]], [['c', 1]]]);
    const tooLarge =
      'Bir şekil kaydedilemeyecek kadar büyük; küçültün ya da parçalara bölün. Değiştirilene kadar yalnızca bu sayfada kalır.';
    expect(screen.getByRole('alert')).toHaveTextContent(tooLarge);
    // Not sent again as it is, and the notice stays while it is unsaved, also after other changes are saved.
    await advance(60_000);
    expect(patches(fetchMock)).toHaveLength(3);
    act(() => fake.draw([rect('a', { version: 2 }), huge(1, 'x'.repeat(1_100_000)), rect('c', { index: 'a2' })]));
    await advance(300);
    expect(patches(fetchMock).slice(3)).toEqual([[['a', 2]]]);
    expect(screen.getByRole('alert')).toHaveTextContent(tooLarge);
    // Made smaller, it goes and is saved.
    act(() => fake.draw([rect('a', { version: 2 }), huge(2, 'x'.repeat(1_000)), rect('c', { index: 'a2' })]));
    await advance(300);
    expect(patches(fetchMock).slice(4)).toEqual([[['huge', 2]]]);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('sends again after a network or server failure, with what changed meanwhile', async () => {
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
    await advance(300);
    expect(patches(fetchMock)).toEqual([[['a', 2]]]);
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Çiziminiz kaydedilemedi: Hizmet şu an yanıt veremiyor; birazdan tekrar deneyin. (the database is not answering)',
    );
    fail = false;
    await advance(2_999);
    expect(patches(fetchMock)).toHaveLength(1);
    await advance(1);
    expect(patches(fetchMock)).toEqual([[['a', 2]], [['a', 2]]]);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
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
    await advance(300);
    expect(patches(fetchMock)).toEqual([[['a', 1], ['bad', 1], ['c', 1]], [['a', 1], ['c', 1]]]);
    expect(screen.getByRole('alert')).toHaveTextContent('Çiziminiz kaydedilemedi: Gönderilen bilgilerde hata var. (some elements are not valid)');
    await advance(60_000);
    expect(patches(fetchMock)).toHaveLength(2);
  });

  it('turns to view mode when the server refuses the user’s drawing (403)', async () => {
    const { fetchMock } = routes(boardOf(), {
      [`PATCH ${base}`]: () => problem('forbidden', 403, 'students may not use the whiteboard in this class'),
    });
    renderPanel();
    await ready();
    const [a, b] = fake.state.scene;
    act(() => fake.draw([{ ...a, version: 2 }, b]));
    await advance(300);
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Çiziminiz kaydedilemedi: Bu işlem için yetkiniz yok. (students may not use the whiteboard in this class)',
    );
    expect(canvas()).toHaveAttribute('data-view-mode', 'true');
    act(() => fake.draw([{ ...a, version: 3 }, b]));
    await advance(10_000);
    expect(patches(fetchMock)).toHaveLength(1);
  });

  it('does not count a drawing refused for an expired sign-in (401) as saved, and says so', async () => {
    let signedIn = false;
    const { fetchMock } = routes(boardOf(), {
      [`PATCH ${base}`]: (init) =>
        signedIn
          ? json({ version: 8, elements: (JSON.parse(String(init?.body)) as { elements: El[] }).elements })
          : problem('unauthenticated', 401, 'the access token has expired'),
    });
    renderPanel();
    await ready();
    const [a, b] = fake.state.scene;
    act(() => fake.draw([{ ...a, version: 2 }, b]));
    await advance(300);
    expect(patches(fetchMock)).toEqual([[['a', 2]]]);
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Çiziminiz kaydedilemedi: Oturumunuzun süresi doldu; lütfen yeniden giriş yapın. (the access token has expired)',
    );
    // Not tried again by itself…
    await advance(60_000);
    expect(patches(fetchMock)).toHaveLength(1);
    // …but the next change sent carries it.
    signIn(teacher);
    signedIn = true;
    act(() => fake.draw([{ ...a, version: 2 }, { ...b, version: 4 }]));
    await advance(300);
    expect(patches(fetchMock)).toEqual([[['a', 2]], [['a', 2], ['b', 4]]]);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('sends what still waits for the pause when the board is closed', async () => {
    const { fetchMock } = routes(boardOf());
    const { unmount } = renderPanel();
    await ready();
    const [a, b] = fake.state.scene;
    act(() => fake.draw([a, { ...b, version: 4 }]));
    unmount();
    await settle();
    expect(patches(fetchMock)).toEqual([[['b', 4]]]);
    await advance(10_000);
    expect(patches(fetchMock)).toHaveLength(1);
  });

  it('closed during a request, sends what changed meanwhile afterwards, batch after batch', async () => {
    let answerFirst!: (r: Response) => void;
    const { fetchMock } = routes(boardOf({ elements: [] }), {
      [`PATCH ${base}`]: (init) => {
        const sent = (JSON.parse(String(init?.body)) as { elements: El[] }).elements;
        if (!answerFirst) return new Promise<Response>((r) => (answerFirst = r));
        return json({ version: 9, elements: sent });
      },
    });
    const { unmount } = renderPanel();
    await ready();
    const first = manyRects(1);
    act(() => fake.draw(first));
    await advance(300);
    expect(patches(fetchMock)).toEqual([[['e0000', 1]]]);
    // While that request is out: a change to it and 1 100 new elements, then the panel closes.
    const scene = [rect('e0000', { index: 'a0000', version: 2 }), ...manyRects(1_100, 1)];
    act(() => fake.draw(scene));
    unmount();
    await settle();
    expect(patches(fetchMock)).toHaveLength(1);
    await act(async () => answerFirst(json({ version: 8, elements: first })));
    await settle();
    const sent = callsTo(fetchMock, 'PATCH', base).map((b: { elements: El[] }) => b.elements);
    expect(sent.map((els) => els.length)).toEqual([1, 500, 500, 101]);
    expect(sent.slice(1).flat().map((e) => [e.id, e.version])).toEqual(scene.map((e) => [e.id, e.version]));
    await advance(60_000);
    expect(patches(fetchMock)).toHaveLength(4);
  });

  it('closed, takes the server’s copy where it wins and does not send the page’s again', async () => {
    const { fetchMock } = routes(boardOf(), {
      // Another page moved b further meanwhile: the server's b (version 6) wins over the page's (5).
      [`PATCH ${base}`]: () => json({ version: 9, elements: [rect('b', { index: 'a1', version: 6, x: 99 })] }),
    });
    const { unmount } = renderPanel();
    await ready();
    const [a, b] = fake.state.scene;
    act(() => fake.draw([a, { ...b, version: 5, x: 10 }]));
    unmount();
    await settle();
    expect(patches(fetchMock)).toEqual([[['b', 5]]]);
    await advance(10_000);
    expect(patches(fetchMock)).toHaveLength(1);
  });

  it('closed, stops sending at the first failure', async () => {
    const { fetchMock } = routes(boardOf(), {
      [`PATCH ${base}`]: () => problem('unavailable', 503, 'the database is not answering'),
    });
    const { unmount } = renderPanel();
    await ready();
    const [a, b] = fake.state.scene;
    act(() => fake.draw([{ ...a, version: 2 }, b]));
    unmount();
    await settle();
    expect(patches(fetchMock)).toEqual([[['a', 2]]]);
    await advance(120_000);
    expect(patches(fetchMock)).toHaveLength(1);
  });
});

describe('WhiteboardPanel — the others’ changes', () => {
  beforeEach(fakeTime);

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
    expect(callsTo(fetchMock, 'GET', `${base}?since=7`)).toHaveLength(1);
    expect(fake.api.updateScene).not.toHaveBeenCalled();

    mockApiRoute(fetchMock, `GET ${base}?since=7`, () => json(boardOf({ version: 9, elements: changes })));
    act(() => stream.send('board', { version: 9 }));
    await until(() => expect(fake.api.updateScene).toHaveBeenCalledTimes(1));
    const update = fake.api.updateScene.mock.calls[0][0] as { elements: El[]; captureUpdate: string };
    expect(update.captureUpdate).toBe('NEVER');
    expect(update.elements.map((e) => [e.id, e.version, e.x, e.isDeleted])).toEqual([
      ['a', 2, 70, false],
      ['d', 1, 0, false],
      ['b', 4, 0, true],
    ]);
    // What came from the server is not sent back.
    await advance(10_000);
    expect(callsTo(fetchMock, 'PATCH', base)).toHaveLength(0);

    // The next event asks from the new version on; an event about what the page has asks nothing.
    act(() => stream.send('board', { version: 9 }));
    act(() => stream.send('board', { version: 10 }));
    await until(() => expect(callsTo(fetchMock, 'GET', `${base}?since=9`)).toHaveLength(1));
    await settle();
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
    await advance(300);
    expect(patches(fetchMock)).toEqual([[['a', 3]]]);
    expect(fake.state.scene[0]).toMatchObject({ version: 3, x: 1 });
  });

  it('turns to view mode when the class ends', async () => {
    const { fetchMock, stream } = routes(boardOf());
    renderPanel();
    await ready();
    act(() => stream.send('ended', {}));
    await until(() => expect(screen.getByText('Ders sona erdi; beyaz tahta artık yalnızca görüntülenebilir.')).toBeInTheDocument());
    expect(canvas()).toHaveAttribute('data-view-mode', 'true');
    const [a, b] = fake.state.scene;
    act(() => fake.draw([{ ...a, version: 2 }, b]));
    await advance(10_000);
    expect(callsTo(fetchMock, 'PATCH', base)).toHaveLength(0);
    // The board can still be exported.
    expect(screen.getByRole('button', { name: 'PDF' })).toBeEnabled();
  });

  it('is read-only when the room page says the class is over', async () => {
    routes(boardOf());
    renderPanel({ classOver: true });
    await ready();
    expect(canvas()).toHaveAttribute('data-view-mode', 'true');
    expect(screen.getByText('Ders sona erdi; beyaz tahta artık yalnızca görüntülenebilir.')).toBeInTheDocument();
  });

  it('shows why the changes could not be fetched, and asks again after 1 s, 2 s, 4 s… until it gets them', async () => {
    let failures = 3;
    const { fetchMock, stream } = routes(boardOf(), {
      [`GET ${base}?since=7`]: () =>
        failures-- > 0 ? problem('internal-error', 500, '') : json(boardOf({ version: 8, elements: [rect('a', { version: 2, x: 5 })] })),
    });
    renderPanel();
    await ready();
    const asked = () => callsTo(fetchMock, 'GET', `${base}?since=7`).length;
    // The catch-up on connecting failed; the board's event asks again at once, and fails too.
    expect(asked()).toBe(1);
    act(() => stream.send('board', { version: 8 }));
    await until(() => expect(asked()).toBe(2));
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Tahtadaki son değişiklikler alınamadı: Sunucuda beklenmeyen bir hata oluştu; tekrar deneyin, sürerse yöneticinize bildirin.',
    );
    // The stream says nothing more (the version does not change again): the page asks by itself.
    await advance(1_999);
    expect(asked()).toBe(2);
    await advance(1);
    expect(asked()).toBe(3);
    await advance(3_999);
    expect(asked()).toBe(3);
    await advance(1);
    expect(asked()).toBe(4);
    expect(fake.state.scene[0]).toMatchObject({ id: 'a', version: 2, x: 5 });
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    // Then nothing more until the next event.
    await advance(120_000);
    expect(asked()).toBe(4);
  });

  it('stops asking again once the panel is closed', async () => {
    const { fetchMock } = routes(boardOf(), {
      [`GET ${base}?since=7`]: () => problem('unavailable', 503, 'the database is not answering'),
    });
    const { unmount } = renderPanel();
    await ready();
    const asked = () => callsTo(fetchMock, 'GET', `${base}?since=7`).length;
    expect(asked()).toBe(1);
    await advance(1_000);
    expect(asked()).toBe(2);
    unmount();
    await advance(120_000);
    expect(asked()).toBe(2);
  });

  it('asks again at most every 30 s', async () => {
    const { fetchMock } = routes(boardOf(), {
      [`GET ${base}?since=7`]: () => problem('unavailable', 503, 'the database is not answering'),
    });
    renderPanel();
    await ready();
    const asked = () => callsTo(fetchMock, 'GET', `${base}?since=7`).length;
    // 1 + 2 + 4 + 8 + 16 s, then every 30 s.
    await advance(31_000);
    expect(asked()).toBe(6);
    await advance(29_999);
    expect(asked()).toBe(6);
    await advance(1);
    expect(asked()).toBe(7);
    await advance(30_000);
    expect(asked()).toBe(8);
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
    const user = userEvent.setup({ delay: null });
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
    fakeTime(); // the pause does not end by itself: the click sends the stroke
    renderPanel();
    await ready();
    const [a, b] = fake.state.scene;
    act(() => fake.draw([a, { ...b, version: 4 }]));
    act(() => fireEvent.click(screen.getByRole('button', { name: 'SVG' })));
    await until(() => expect(callsTo(fetchMock, 'GET', `${base}export/?format=svg`)).toHaveLength(1));
    expect(patches(fetchMock)).toEqual([[['b', 4]]]);
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
    const user = userEvent.setup({ delay: null });
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
