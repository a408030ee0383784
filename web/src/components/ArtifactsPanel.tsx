import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Artifact, ArtifactDownload, ArtifactList, LiveSession } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { errorMessage } from '../lib/errors';
import { formatDateTime } from '../lib/time';
import { Notice } from './Notice';
import { QueryState, SignedLinkNotice } from './PanelStatus';

type Action = 'download' | 'delete';

/**
 * What a class left behind besides its recording (seed 7.3/7.4): chat logs, whiteboards, shared files,
 * polls, notes. Students are never sent the chat log (the server leaves it out); the class's hosts,
 * moderators and admins see all, and hosts and admins may delete them (as for recordings).
 * "Download" asks for a signed link that expires within minutes, so it is fetched only on the click and
 * opened in a new tab at once (the file comes as an attachment).
 */
export function ArtifactsPanel({
  sessionId,
  role,
  timeZone,
}: {
  sessionId: string;
  role: LiveSession['my_role'];
  timeZone?: string;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const base = `/api/v1/live-sessions/${sessionId}/artifacts/`;
  const canDelete = role === 'host' || role === 'admin';
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  const [opened, setOpened] = useState<ArtifactDownload | null>(null);

  const list = useQuery({
    queryKey: ['artifacts', sessionId],
    queryFn: ({ signal }) => api.get<ArtifactList>(base, signal),
  });

  const numbers = new Intl.NumberFormat(lang.startsWith('en') ? 'en-GB' : 'tr-TR', { maximumFractionDigits: 1 });
  const size = (bytes: number) =>
    bytes < 1_000_000
      ? t('artifact.sizeKB', { size: numbers.format(Math.max(bytes / 1_000, 0.1)) })
      : t('artifact.sizeMB', { size: numbers.format(bytes / 1_000_000) });
  const typeLabel = (a: Artifact) => t(`artifact.type.${a.type}`, { defaultValue: a.type });
  const titleOf = (a: Artifact) => a.title || typeLabel(a);

  const act = async (a: Artifact, action: Action) => {
    if (action === 'delete' && !window.confirm(t('artifact.confirmDelete', { title: titleOf(a) }))) return;
    setBusy(`${action}:${a.id}`);
    setNotice(null);
    setOpened(null);
    try {
      if (action === 'download') {
        const link = await api.get<ArtifactDownload>(`${base}${a.id}/download/`);
        window.open(link.url, '_blank', 'noopener');
        // With noopener there is no way to tell whether a pop-up blocker stopped the tab: offer the link.
        setOpened(link);
        return;
      }
      await api.delete(`${base}${a.id}/`);
      await queryClient.invalidateQueries({ queryKey: ['artifacts', sessionId] });
      setNotice({ text: t('artifact.didDelete'), error: false });
    } catch (e) {
      setNotice({ text: errorMessage(e, t), error: true });
    } finally {
      setBusy(null);
    }
  };

  const button = (a: Artifact, action: Action, label: string, className: string) => (
    <button
      type="button"
      className={className}
      disabled={busy !== null}
      aria-busy={busy === `${action}:${a.id}`}
      aria-describedby={`artifact-${a.id}-type artifact-${a.id}`}
      onClick={() => act(a, action)}
    >
      {busy === `download:${a.id}` && action === 'download' ? t('artifact.preparing') : label}
    </button>
  );

  const artifacts = list.data?.results ?? [];
  return (
    <section className="card artifacts-panel" aria-labelledby="artifacts-panel-title">
      <div className="panel-head">
        <h2 id="artifacts-panel-title">
          {t('artifact.title')} {list.data && <span className="count">{artifacts.length}</span>}
        </h2>
      </div>
      <QueryState query={list} loadingKey="artifact.loading" />
      <Notice notice={notice} />
      <SignedLinkNotice
        link={opened}
        timeZone={timeZone}
        textKey="artifact.downloaded"
        linkKey="artifact.openLink"
        validKey="artifact.linkValid"
      />
      {list.data && artifacts.length === 0 && <p className="muted">{t('artifact.empty')}</p>}
      {artifacts.length > 0 && (
        <ul className="artifact-list">
          {artifacts.map((a) => {
            const m = a.metadata ?? {};
            const facts = [
              a.type === 'chat' && typeof m.message_count === 'number'
                ? t('artifact.messages', { count: m.message_count, number: numbers.format(m.message_count) })
                : null,
              a.type === 'whiteboard' && typeof m.page_count === 'number'
                ? t('artifact.pages', { count: m.page_count, number: numbers.format(m.page_count) })
                : null,
              typeof m.size_bytes === 'number' && m.size_bytes > 0 ? size(m.size_bytes) : null,
              t('artifact.created', { date: formatDateTime(a.created_at, lang, timeZone) }),
            ].filter(Boolean);
            return (
              <li key={a.id} data-artifact-id={a.id}>
                <div className="artifact-main">
                  <div>
                    <span id={`artifact-${a.id}-type`} className="badge badge-artifact" data-type={a.type}>
                      {typeLabel(a)}
                    </span>{' '}
                    <strong id={`artifact-${a.id}`}>{titleOf(a)}</strong>
                  </div>
                  <div className="muted small">{facts.join(' · ')}</div>
                </div>
                <div className="row-actions">
                  {button(a, 'download', t('artifact.download'), 'small primary')}
                  {canDelete && button(a, 'delete', t('artifact.delete'), 'small danger')}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
