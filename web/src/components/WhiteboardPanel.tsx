import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CaptureUpdateAction, Excalidraw, MainMenu, restoreElements } from '@excalidraw/excalidraw';
import type { ExcalidrawElement } from '@excalidraw/excalidraw/element/types';
import type { ExcalidrawImperativeAPI, ExcalidrawInitialDataState, UIOptions } from '@excalidraw/excalidraw/types';
import '@excalidraw/excalidraw/index.css';
import { ApiError, NETWORK_PROBLEM, toApiError, type ApiClient } from '../api/client';
import { followEvents } from '../api/sse';
import type { Whiteboard, WhiteboardElement, WhiteboardPatch } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import {
  BoardSync,
  MAX_BATCH,
  MAX_BATCH_BYTES,
  batchBytes,
  mergeElements,
  winningElements,
  type BoardElement,
} from '../lib/boardSync';
import { fileNameFromDisposition, saveBlob } from '../lib/download';
import { errorMessage } from '../lib/errors';

/** Changes are sent this long after the last one… */
const DEBOUNCE_MS = 300;
/** …but during a long stroke at least this often, so the others see it being drawn. */
const MAX_WAIT_MS = 1_000;
/** A PATCH that failed for the network or the server is sent again after this, doubling up to 30 s. */
const RETRY_MS = 3_000;
const MAX_RETRY_MS = 30_000;
/**
 * A GET ?since= that failed is tried again after this, doubling up to 30 s: the stream tells of the
 * next change only, so without it the page would stay behind until someone draws again.
 */
const PULL_RETRY_MS = 1_000;

type Format = 'pdf' | 'svg' | 'excalidraw';
const FORMATS: Format[] = ['pdf', 'svg', 'excalidraw'];

// The server keeps neither images (they need a file store) nor embedded web pages: their tools are
// hidden (the image tool here, the web-embed item by styles.css), and what is drawn with them anyway
// (pasted) stays on this page. Loading a file would replace the shared drawing without deleting what
// it held, and Excalidraw's own export would miss the server's fonts: the panel's buttons export.
const UI_OPTIONS: Partial<UIOptions> = {
  tools: { image: false },
  canvasActions: {
    loadScene: false,
    saveToActiveFile: false,
    export: false,
    saveAsImage: false,
    changeViewBackgroundColor: false,
  },
};

interface Reporter {
  access: (canEdit: boolean, reason: string | null) => void;
  pushError: (e: unknown) => void;
  pullError: (e: unknown) => void;
  ended: () => void;
}

type Next = 'more' | 'retry' | 'stop';

/** An element the server refused as it is (invalid, or too large alone), and why. */
interface Refusal {
  version: number;
  versionNonce: number;
  error: unknown;
}

const isAbort = (e: unknown) => e instanceof DOMException && e.name === 'AbortError';

/**
 * One page's connection to a class's board: sends the page's changes (debounced, one PATCH in flight,
 * at most 500 elements and about 900 KB each) and brings in the others' (a `board` event, then
 * GET ?since=, tried again until it succeeds), merging both ways by Excalidraw's rule (lib/boardSync).
 * When the panel closes it drains: the batches left go one after the other until nothing is left or a
 * request fails. Lives as long as the panel; nothing in it is React state.
 */
class BoardChannel {
  readonly sync = new BoardSync();
  /** The board version this page holds all changes up to. */
  version = 0;
  /** The server's can_edit, as last heard. */
  private canEdit = false;
  /** The class is over, as this page learnt (then the board stays read-only whatever comes). */
  private locked = false;
  private readonly ctl = new AbortController();
  private excalidraw: ExcalidrawImperativeAPI | null = null;
  /** The scene as Excalidraw last reported it (read when the panel closes, after Excalidraw is gone). */
  private lastScene: readonly BoardElement[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private firstChange: number | null = null;
  private sending: Promise<void> | null = null;
  private retryDelay = RETRY_MS;
  private retryIn = RETRY_MS;
  /** The most bytes of a PATCH body: lowered when the server refuses a batch as too large (413). */
  private maxBytes = MAX_BATCH_BYTES;
  /** Elements the server refused as they are: not sent again until changed, and the person is told. */
  private readonly refused = new Map<string, Refusal>();
  private pulling = false;
  private pullAgain = false;
  private pullTimer: ReturnType<typeof setTimeout> | null = null;
  private pullDelay = PULL_RETRY_MS;
  /**
   * The panel is closed: nothing is shown or followed any more, but the changes not sent yet still go
   * (draining, see flush), from the scene as Excalidraw last reported it.
   */
  private disposed = false;

  constructor(
    private readonly api: ApiClient,
    private readonly base: string,
    private readonly report: Reporter,
  ) {}

  get signal() {
    return this.ctl.signal;
  }

  /** Whether this page may send. */
  get editable() {
    return this.canEdit && !this.locked;
  }

  /** The class is over: nothing more is sent. */
  lock() {
    this.locked = true;
    this.clearTimer();
  }

  /** The board as first read: the server holds all of it. */
  loaded(board: Whiteboard) {
    this.sync.markSeen(board.elements);
    this.version = board.version;
    this.canEdit = board.can_edit;
  }

  /** Excalidraw is ready: from now on the others' changes can be shown, so follow them. */
  attach(excalidraw: ExcalidrawImperativeAPI) {
    if (this.excalidraw || this.disposed) return;
    this.excalidraw = excalidraw;
    void followEvents(
      async (signal) => {
        const res = await this.api.fetchRaw(`${this.base}stream/`, { headers: { Accept: 'text/event-stream' }, signal });
        // Whatever changed while no stream was open (before the first, between reconnections).
        if (res.ok) void this.pull();
        return res;
      },
      (ev) => {
        if (ev.event === 'board') {
          let version: unknown;
          try {
            version = (JSON.parse(ev.data) as { version?: unknown }).version;
          } catch {
            return; // a malformed event is skipped; the next one says the same
          }
          if (typeof version === 'number' && version > this.version) void this.pull();
        } else if (ev.event === 'ended') {
          this.lock();
          if (!this.disposed) this.report.ended();
          return false;
        }
      },
      this.ctl.signal,
      (e) => {
        // A refusal will not get better (followEvents stops); a lost connection is retried quietly.
        if (e instanceof Response && e.status >= 400 && e.status < 500 && e.status !== 429)
          void toApiError(e).then((err) => !this.disposed && this.report.pullError(err));
      },
    );
  }

  /** Excalidraw's onChange: schedules a PATCH when something the server has not seen changed. */
  changed(scene: readonly BoardElement[]) {
    this.lastScene = scene;
    if (this.editable && !this.disposed && this.sync.hasChanges(scene)) this.schedule();
  }

  private schedule() {
    const now = Date.now();
    this.firstChange ??= now;
    this.clearTimer();
    const wait = Math.max(0, Math.min(DEBOUNCE_MS, this.firstChange + MAX_WAIT_MS - now));
    this.timer = setTimeout(() => void this.flush(), wait);
  }

  private clearTimer() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private scene(): readonly BoardElement[] {
    return this.excalidraw && !this.disposed ? this.excalidraw.getSceneElementsIncludingDeleted() : this.lastScene;
  }

  /**
   * Sends what the server has not seen, in batches, one request at a time; resolves when nothing is left
   * to send (or sending failed). Called while a request is out, it waits for that one, whose follow-up
   * batches carry what changed meanwhile. Called directly (not by the debounce) before an export, and
   * by dispose: after the panel closed the batches go on (draining) until nothing is left, a request
   * fails or the page may no longer draw.
   */
  flush(): Promise<void> {
    this.clearTimer();
    if (this.sending) return this.sending;
    this.firstChange = null;
    if (!this.editable) return Promise.resolve();
    let batch = this.nextBatch();
    if (batch.length === 0) return Promise.resolve();
    this.sending = (async () => {
      try {
        for (;;) {
          const next = await this.send(batch);
          if (next === 'retry') {
            // Draining stops here: nothing is tried again once the panel is closed.
            if (!this.disposed) this.timer = setTimeout(() => void this.flush(), this.retryIn);
            break;
          }
          if (next === 'stop' || !this.editable) break;
          batch = this.nextBatch();
          if (batch.length === 0) break;
        }
      } finally {
        this.sending = null;
      }
    })();
    return this.sending;
  }

  private nextBatch(): BoardElement[] {
    return this.sync.changes(this.scene(), MAX_BATCH, this.maxBytes);
  }

  private async send(batch: BoardElement[]): Promise<Next> {
    const undo = this.sync.markSent(batch);
    try {
      const r = await this.api.patch<WhiteboardPatch>(this.base, { elements: batch });
      this.apply(r.elements);
      this.retryDelay = RETRY_MS;
      this.reportPush(null);
      return 'more';
    } catch (e) {
      const status = e instanceof ApiError ? e.status : 0;
      if (status === 413 && batch.length > 1) {
        // More than the server takes in one request (1 MiB): nothing was written. The same again in
        // halves (the first half next), and no batch larger than that half from now on.
        undo();
        this.maxBytes = Math.min(this.maxBytes, batchBytes(batch.slice(0, Math.ceil(batch.length / 2))));
        return 'more';
      }
      if (status === 413) {
        // One element larger than the server takes: it stays unsent until it is changed (a smaller copy
        // may pass), and the person is told; the others go on.
        this.refuse(batch, e);
        this.reportPush(e);
        return 'more';
      }
      this.reportPush(e);
      if (status === 0 || status >= 500 || status === 429) {
        // Not the changes' fault: they go again (with whatever changed meanwhile).
        undo();
        this.retryIn = e instanceof ApiError && e.retryAfter ? e.retryAfter * 1000 : this.retryDelay;
        this.retryDelay = Math.min(this.retryDelay * 2, MAX_RETRY_MS);
        return 'retry';
      }
      if (status === 401) {
        // The sign-in expired (the app asks for a new one): nothing was saved, so the elements go
        // with the next change sent.
        undo();
        return 'stop';
      }
      if (status === 403) {
        // Not saved either: should the server let this page draw again, they go then.
        undo();
        this.canEdit = false;
        if (!this.disposed) this.report.access(false, null);
        return 'stop';
      }
      if (status === 422 && e instanceof ApiError) {
        // Nothing was written: send the valid ones again without those the server named
        // (`elements.3.type`), which stay unsent until they are changed.
        const bad = new Set<number>();
        for (const fe of e.errors) {
          const m = /^elements\.(\d+)(?:\.|$)/.exec(fe.field);
          if (m && Number(m[1]) < batch.length) bad.add(Number(m[1]));
        }
        if (bad.size > 0) {
          undo();
          this.refuse(
            batch.filter((_, i) => bad.has(i)),
            e,
          );
          this.reportPush(e);
          return 'more';
        }
      }
      // 409 (the class is over, the board is full) and the like: sending the same again would not
      // help; the elements go again when they are next changed.
      return 'stop';
    }
  }

  /** The server will not take these elements as they are: counted as sent until they change. */
  private refuse(elements: readonly BoardElement[], error: unknown) {
    this.sync.markSent(elements);
    for (const e of elements) this.refused.set(e.id, { version: e.version, versionNonce: e.versionNonce, error });
  }

  /**
   * Why the last request failed, or, after one that succeeded, why an element the server refused is still
   * not saved (the last such reason; none once those elements were changed or deleted).
   */
  private reportPush(error: unknown) {
    if (this.disposed) return;
    if (error === null && this.refused.size > 0) {
      const scene = new Map(this.scene().map((e) => [e.id, e]));
      for (const [id, r] of this.refused) {
        const e = scene.get(id);
        if (!e || e.isDeleted || e.version !== r.version || e.versionNonce !== r.versionNonce) this.refused.delete(id);
        else error = r.error;
      }
    }
    this.report.pushError(error);
  }

  /**
   * Brings in the changes after this page's version (one request at a time; events meanwhile ask again).
   * One that failed is tried again after 1 s, 2 s, 4 s… up to 30 s, until one succeeds or the panel closes.
   */
  async pull(): Promise<void> {
    if (this.disposed) return;
    if (this.pulling) {
      this.pullAgain = true;
      return;
    }
    this.clearPullTimer();
    this.pulling = true;
    try {
      do {
        this.pullAgain = false;
        const r = await this.api.get<Whiteboard>(`${this.base}?since=${this.version}`, this.ctl.signal);
        if (this.disposed) return;
        this.apply(r.elements);
        this.version = Math.max(this.version, r.version);
        if (r.can_edit !== this.canEdit) {
          this.canEdit = r.can_edit;
          this.report.access(r.can_edit, r.read_only_reason);
        }
        this.report.pullError(null);
      } while (this.pullAgain && !this.disposed);
      this.pullDelay = PULL_RETRY_MS;
    } catch (e) {
      if (this.disposed || isAbort(e)) return;
      this.report.pullError(e);
      const after = e instanceof ApiError && e.retryAfter ? e.retryAfter * 1000 : 0;
      const wait = Math.max(after, this.pullDelay);
      this.pullDelay = Math.min(this.pullDelay * 2, MAX_RETRY_MS);
      this.pullTimer = setTimeout(() => {
        this.pullTimer = null;
        void this.pull();
      }, wait);
    } finally {
      this.pulling = false;
    }
  }

  private clearPullTimer() {
    if (this.pullTimer !== null) clearTimeout(this.pullTimer);
    this.pullTimer = null;
  }

  /** The server's elements into the scene, where its copy wins; not recorded as this user's history. */
  private apply(remote: readonly WhiteboardElement[]) {
    if (remote.length === 0) return;
    const incoming = remote as unknown as readonly ExcalidrawElement[];
    this.sync.markSeen(incoming);
    const x = this.excalidraw;
    if (!x || this.disposed) {
      // Closed (draining): the scene kept for sending takes the server's copies where they win, so that
      // a copy of this page's that lost is not sent again (and again).
      if (winningElements(this.lastScene, incoming).length > 0) this.lastScene = mergeElements(this.lastScene, incoming);
      return;
    }
    const local = x.getSceneElementsIncludingDeleted();
    const wins = winningElements<ExcalidrawElement>(local, incoming);
    if (wins.length === 0) return;
    // Excalidraw's own normalisation of what it did not draw (missing fields get their defaults).
    const restored = wins.map((e) => restoreElements([e], null)[0] ?? e);
    x.updateScene({
      elements: mergeElements<ExcalidrawElement>(local, restored),
      captureUpdate: CaptureUpdateAction.NEVER,
    });
  }

  /**
   * The panel closes: nothing more is followed or shown, but what the server has not seen yet (waiting
   * for the pause or a retry, or changed while a request was out) goes now, batch after batch (draining).
   */
  dispose() {
    this.clearTimer();
    this.clearPullTimer();
    this.disposed = true;
    this.ctl.abort();
    if (this.editable) void this.flush();
  }
}

/**
 * The class's own whiteboard on a Jitsi room page (seed 7.2, docs/whiteboard.md): Excalidraw with the
 * board the server keeps, the page's changes sent as they are drawn and the others' brought in as the
 * server announces them, read-only when the user may not draw or the class is over, and exports of
 * the board as PDF, SVG or an Excalidraw file. Loaded lazily (see LazyWhiteboardPanel): Excalidraw is big.
 */
export function WhiteboardPanel({ sessionId, classOver = false }: { sessionId: string; classOver?: boolean }) {
  const { t, i18n } = useTranslation();
  const { api } = useAuth();
  const base = `/api/v1/live-sessions/${sessionId}/whiteboard/`;
  const [board, setBoard] = useState<Whiteboard | null>(null);
  const [channel, setChannel] = useState<BoardChannel | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [access, setAccess] = useState<{ canEdit: boolean; reason: string | null }>({ canEdit: false, reason: null });
  const [ended, setEnded] = useState(false);
  const [pushError, setPushError] = useState<unknown>(null);
  const [pullError, setPullError] = useState<unknown>(null);
  const [exportError, setExportError] = useState<unknown>(null);
  const [exporting, setExporting] = useState<Format | null>(null);
  const canvasBox = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const ch = new BoardChannel(api, base, {
      access: (canEdit, reason) => setAccess({ canEdit, reason }),
      pushError: setPushError,
      pullError: setPullError,
      ended: () => setEnded(true),
    });
    setBoard(null);
    setChannel(null);
    setLoadError(null);
    api
      .get<Whiteboard>(base, ch.signal)
      .then((b) => {
        ch.loaded(b);
        setAccess({ canEdit: b.can_edit, reason: b.read_only_reason });
        setBoard(b);
        setChannel(ch);
      })
      .catch((e) => !isAbort(e) && setLoadError(e));
    return () => ch.dispose();
  }, [api, base]);

  const over = ended || classOver;
  const readOnly = !access.canEdit || over;
  useEffect(() => {
    if (over) channel?.lock();
  }, [channel, over]);

  const initialData = useMemo<ExcalidrawInitialDataState | null>(
    () =>
      board && {
        elements: board.elements as unknown as ExcalidrawElement[],
        scrollToContent: true,
      },
    [board],
  );
  // Excalidraw 0.18 leaves its menu button without a name (axe: button-name): this names it, also when
  // Excalidraw draws it anew (another layout, another language).
  const menuLabel = t('board.menu');
  useEffect(() => {
    const box = canvasBox.current;
    if (!box) return;
    const name = () =>
      box.querySelectorAll('.main-menu-trigger').forEach((b) => {
        if (b.getAttribute('aria-label') !== menuLabel) b.setAttribute('aria-label', menuLabel);
      });
    name();
    const observer = new MutationObserver(name);
    observer.observe(box, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [menuLabel, channel]);

  const onApi = useCallback((x: ExcalidrawImperativeAPI) => channel?.attach(x), [channel]);
  const onChange = useCallback((elements: readonly ExcalidrawElement[]) => channel?.changed(elements), [channel]);

  const exportAs = async (format: Format) => {
    setExporting(format);
    setExportError(null);
    try {
      if (!readOnly) await channel?.flush(); // the last strokes belong in the file
      const res = await api.fetchRaw(`${base}export/?format=${format}`).catch((e: unknown) => {
        throw new ApiError({ type: NETWORK_PROBLEM, title: 'Network error', status: 0, detail: String(e) });
      });
      if (!res.ok) throw await toApiError(res);
      const blob = await res.blob();
      saveBlob(blob, fileNameFromDisposition(res.headers.get('Content-Disposition')) ?? `whiteboard-${sessionId}.${format}`);
    } catch (e) {
      setExportError(e);
    } finally {
      setExporting(null);
    }
  };

  const readOnlyText = !board ? null : over ? t('board.ended') : readOnly ? access.reason || t('board.readOnly') : null;
  const problems = [
    // A 413 reaches the panel only for one element too large alone (larger batches are split).
    pushError instanceof ApiError && pushError.status === 413
      ? t('board.tooLarge')
      : pushError
        ? t('board.saveFailed', { reason: errorMessage(pushError, t) })
        : null,
    pullError ? t('board.syncFailed', { reason: errorMessage(pullError, t) }) : null,
    exportError ? t('board.exportFailed', { reason: errorMessage(exportError, t) }) : null,
  ].filter((p): p is string => !!p);

  return (
    <section className="whiteboard-panel" aria-labelledby="whiteboard-title">
      <div className="whiteboard-head">
        <h2 id="whiteboard-title">{t('board.title')}</h2>
        {board && (
          <div className="whiteboard-export" role="group" aria-labelledby="whiteboard-export-label">
            <span id="whiteboard-export-label" className="muted small">
              {t('board.export')}
            </span>
            {FORMATS.map((f) => (
              <button
                key={f}
                type="button"
                className="small"
                disabled={exporting !== null}
                aria-busy={exporting === f}
                onClick={() => exportAs(f)}
              >
                {exporting === f ? t('board.exporting') : t(`board.format.${f}`)}
              </button>
            ))}
          </div>
        )}
      </div>
      {readOnlyText && (
        <p className="notice" role="status">
          {readOnlyText}
        </p>
      )}
      {problems.map((p) => (
        <p key={p} className="field-error" role="alert">
          {p}
        </p>
      ))}
      {!board && !loadError && (
        <p className="muted" role="status">
          {t('board.loading')}
        </p>
      )}
      {!!loadError && (
        <p className="field-error" role="alert">
          {errorMessage(loadError, t)}
        </p>
      )}
      {board && channel && initialData && (
        <div className="whiteboard-canvas" ref={canvasBox}>
          <Excalidraw
            initialData={initialData}
            excalidrawAPI={onApi}
            onChange={onChange}
            viewModeEnabled={readOnly}
            langCode={i18n.language.startsWith('en') ? 'en' : 'tr-TR'}
            UIOptions={UI_OPTIONS}
            validateEmbeddable={false}
            aiEnabled={false}
          >
            {/* Excalidraw's own menu, without what the board does not keep and the links to Excalidraw's socials. */}
            <MainMenu>
              <MainMenu.DefaultItems.ClearCanvas />
              <MainMenu.DefaultItems.ToggleTheme />
              <MainMenu.DefaultItems.Help />
            </MainMenu>
          </Excalidraw>
        </div>
      )}
    </section>
  );
}
