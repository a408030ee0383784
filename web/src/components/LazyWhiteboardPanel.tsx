import { Component, lazy, Suspense, useMemo, useState, type ComponentProps, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { WhiteboardPanel } from './WhiteboardPanel';

/**
 * Excalidraw and its stylesheet (over 1 MB) are downloaded only when a board is opened. Its fonts come
 * with the app (see excalidrawFontsFromApp in vite.config.ts).
 */
function loadPanel() {
  return import('./WhiteboardPanel').then((m) => ({ default: m.WhiteboardPanel }));
}

/** Keeps a failing board (its code did not download, Excalidraw broke) from taking the room page down. */
class BoardBoundary extends Component<{ fallback: ReactNode; children: ReactNode }, { failed: boolean }> {
  state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

/** The class whiteboard, loaded on first use, with a way to try again when loading failed. */
export function LazyWhiteboardPanel(props: ComponentProps<typeof WhiteboardPanel>) {
  const { t } = useTranslation();
  const [attempt, setAttempt] = useState(0);
  // A new lazy component per attempt: React keeps a failed import's error otherwise.
  const Panel = useMemo(() => lazy(loadPanel), [attempt]);
  const failed = (
    <section className="whiteboard-panel" aria-labelledby="whiteboard-title">
      <div className="whiteboard-head">
        <h2 id="whiteboard-title">{t('board.title')}</h2>
      </div>
      <p className="field-error" role="alert">
        {t('board.failed')}{' '}
        <button type="button" className="small" onClick={() => setAttempt((n) => n + 1)}>
          {t('board.retry')}
        </button>
      </p>
    </section>
  );
  const loading = (
    <section className="whiteboard-panel" aria-labelledby="whiteboard-title">
      <div className="whiteboard-head">
        <h2 id="whiteboard-title">{t('board.title')}</h2>
      </div>
      <p className="muted" role="status">
        {t('board.loading')}
      </p>
    </section>
  );
  return (
    <BoardBoundary key={attempt} fallback={failed}>
      <Suspense fallback={loading}>
        <Panel {...props} />
      </Suspense>
    </BoardBoundary>
  );
}
