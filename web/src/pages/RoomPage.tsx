import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { JitsiMeeting } from '@jitsi/react-sdk';
import type { IJitsiMeetExternalApi } from '@jitsi/react-sdk/lib/types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { JoinResponse, LiveParticipant, LiveSession } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { AttendancePanel } from '../components/AttendancePanel';
import { LazyWhiteboardPanel } from '../components/LazyWhiteboardPanel';
import { StatusBadge } from '../components/StatusBadge';
import { errorMessage } from '../lib/errors';
import { launchLinkOf, parseJitsiUrl } from '../lib/joinUrl';
import { useHeartbeat } from '../lib/useHeartbeat';
import { useJitsiChatCapture } from '../lib/useJitsiChatCapture';
import { useTimeZone } from '../lib/useTimeZone';

/**
 * Seed 14.3 LiveSessionRoom: the provider's room embedded in the page (Jitsi through its IFrame API
 * with the join JWT; BigBlueButton in a frame; Zoom, which refuses to be framed, in its own tab),
 * with fullscreen, leave, heartbeats, and for hosts the live participant panel and "end class". In a
 * Jitsi room the staff's page also saves the public chat (seed 7.3), which Jitsi keeps nowhere, and
 * everyone can open the class's own whiteboard next to the room (seed 7.2; Jitsi's keeps nothing).
 */
export function RoomPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const { api, user } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const timeZone = useTimeZone();
  const [join, setJoin] = useState<JoinResponse | null>(
    (location.state as { join?: JoinResponse } | null)?.join ?? null,
  );
  const [joinError, setJoinError] = useState<string | null>(null);
  // The join answer (a short-lived token inside) is kept in this component only: wipe it from the
  // history entry, where the browser would keep it across reloads and back/forward.
  useEffect(() => {
    if ((location.state as { join?: JoinResponse } | null)?.join)
      navigate(location.pathname, { replace: true, state: null });
  }, [location.state, location.pathname, navigate]);
  const [fullscreen, setFullscreen] = useState(false);
  const [ended, setEnded] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [boardOpen, setBoardOpen] = useState(false);
  const stage = useRef<HTMLDivElement>(null);
  const jitsi = useRef<IJitsiMeetExternalApi | null>(null);
  // The same meeting API as state: the chat capture listens on it while it is there.
  const [jitsiApi, setJitsiApi] = useState<IJitsiMeetExternalApi | null>(null);

  const session = useQuery({
    queryKey: ['session', id],
    queryFn: ({ signal }) => api.get<LiveSession>(`/api/v1/live-sessions/${id}/`, signal),
  });

  // Opened directly (a reload, a link): join here. Each join answer carries a fresh short-lived token.
  // The message function is read through a ref: switching language must not join a second time.
  const tRef = useRef(t);
  tRef.current = t;
  useEffect(() => {
    if (join) return;
    let cancelled = false;
    api
      .post<JoinResponse>(`/api/v1/live-sessions/${id}/join/`)
      .then((j) => !cancelled && setJoin(j))
      .catch((e) => !cancelled && setJoinError(errorMessage(e, tRef.current)));
    return () => {
      cancelled = true;
    };
  }, [api, id, join]);

  const heartbeat = useHeartbeat(api, id, join?.participant_id, !!join && !ended);
  const isHost = !!session.data?.my_role && session.data.my_role !== 'participant';
  const classOver = ended || heartbeat === 'ended';
  // Jitsi keeps no chat log: the page of the class's staff collects the public messages and sends them.
  const capturingChat = isHost && join?.provider === 'jitsi' && !classOver && !!jitsiApi;
  const chatCapture = useJitsiChatCapture(jitsiApi, capturingChat, id, user?.full_name || user?.email || '', api);

  useEffect(() => {
    const onChange = () => setFullscreen(document.fullscreenElement === stage.current);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  // Closing the tab leaves too (keepalive lets the request outlive the page).
  useEffect(() => {
    if (!join) return;
    const onHide = () => {
      void api
        .fetchRaw(`/api/v1/live-sessions/${id}/leave/`, {
          method: 'POST',
          keepalive: true,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ participant_id: join.participant_id }),
        })
        .catch(() => {});
    };
    window.addEventListener('pagehide', onHide);
    return () => window.removeEventListener('pagehide', onHide);
  }, [api, id, join]);

  const toggleFullscreen = async () => {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await stage.current?.requestFullscreen();
    } catch {
      setActionError(t('room.fullscreenUnavailable'));
    }
  };

  const leave = useCallback(async () => {
    jitsi.current?.dispose();
    jitsi.current = null;
    setJitsiApi(null); // stops the chat capture, which sends what it still holds
    if (join) {
      try {
        await api.post(`/api/v1/live-sessions/${id}/leave/`, { participant_id: join.participant_id });
      } catch {
        // the server closes the row on its own when heartbeats stop
      }
    }
    void queryClient.invalidateQueries({ queryKey: ['sessions'] });
    navigate(`/sessions/${id}`);
  }, [api, id, join, navigate, queryClient]);

  const endClass = async () => {
    if (!window.confirm(t('room.confirmEnd'))) return;
    setActionError(null);
    try {
      // The chat still buffered goes first, while this page still collects it (the server takes chat
      // until 10 minutes after the class ended, but the capture stops with the class).
      await chatCapture.flush(5_000);
      await api.post(`/api/v1/live-sessions/${id}/end/`);
      // Close the meeting without Jitsi's hangup: that fires readyToClose, which means "leave the
      // page", and the host should stay to open the report.
      jitsi.current?.dispose();
      jitsi.current = null;
      setJitsiApi(null);
      setEnded(true);
      void queryClient.invalidateQueries({ queryKey: ['session', id] });
    } catch (e) {
      setActionError(errorMessage(e, t));
    }
  };

  // Jitsi has no server API to remove someone; the host's own iframe does it. The JWT gives the
  // participant's name as their display name, which is how they are found in the room.
  const kickInProvider = useCallback((p: LiveParticipant) => {
    const api2 = jitsi.current;
    if (!api2) return;
    try {
      const info = api2.getParticipantsInfo() as { participantId: string; displayName?: string }[];
      for (const x of info) if (x.displayName === p.full_name) api2.executeCommand('kickParticipant', x.participantId);
    } catch {
      // the meeting is not ready; the server already refuses the user's next join
    }
  }, []);
  const onEnded = useCallback(() => setEnded(true), []);

  if (joinError)
    return (
      <main className="page narrow">
        <h1>{session.data?.title ?? t('room.title')}</h1>
        <p className="field-error" role="alert">
          {joinError}
        </p>
        <Link to={`/sessions/${id}`}>{t('room.back')}</Link>
      </main>
    );

  const launchLink = join ? launchLinkOf(join.join_url, window.location.origin) : null;
  // A provider's address goes into a frame or a link only when it is https (never javascript: etc.).
  const providerUrl = join && /^https:\/\//i.test(join.join_url) ? join.join_url : null;
  const jitsiTarget = join?.provider === 'jitsi' && !launchLink ? parseJitsiUrl(join.join_url) : null;
  // BigBlueButton and Zoom bring their own whiteboards; a Jitsi class has liveclass's (still there,
  // read-only, after the class).
  const hasBoard = join?.provider === 'jitsi';
  const showBoard = hasBoard && boardOpen;
  return (
    <main className={`room ${isHost ? 'with-panel' : ''} ${showBoard ? 'with-board' : ''}`}>
      <div className="room-bar">
        <h1 className="room-title">{session.data?.title ?? t('room.title')}</h1>
        {session.data && <StatusBadge status={classOver ? 'ended' : session.data.status} />}
        {capturingChat && <span className="muted small room-note">{t('artifact.chatCapture')}</span>}
        <div className="room-actions">
          {hasBoard && (
            <button type="button" onClick={() => setBoardOpen((o) => !o)} aria-pressed={boardOpen}>
              {t('board.toggle')}
            </button>
          )}
          <button type="button" onClick={toggleFullscreen} aria-pressed={fullscreen}>
            {fullscreen ? t('room.exitFullscreen') : t('room.fullscreen')}
          </button>
          {isHost && !classOver && (
            <button type="button" className="danger" onClick={endClass}>
              {t('room.end')}
            </button>
          )}
          <button type="button" className="primary" onClick={leave}>
            {t('room.leave')}
          </button>
        </div>
      </div>
      {actionError && (
        <p className="field-error" role="alert">
          {actionError}
        </p>
      )}
      {heartbeat === 'removed' && (
        <p className="field-error" role="alert">
          {t('room.removed')}
        </p>
      )}
      {classOver && (
        <p className="notice" role="status">
          {t('room.ended')} {isHost && <Link to={`/sessions/${id}/attendance`}>{t('room.openReport')}</Link>}
        </p>
      )}
      <div className="room-body">
        <div className="stage" ref={stage}>
          {!join && <p className="muted center">{t('room.joining')}</p>}
          {join && !classOver && jitsiTarget && (
            <JitsiMeeting
              domain={jitsiTarget.domain}
              roomName={jitsiTarget.roomName}
              jwt={jitsiTarget.jwt}
              lang={i18n.language}
              configOverwrite={{ ...jitsiTarget.config, prejoinConfig: { enabled: true }, disableDeepLinking: true }}
              getIFrameRef={(node) => {
                node.style.height = '100%';
                node.style.width = '100%';
              }}
              onApiReady={(a) => {
                jitsi.current = a;
                setJitsiApi(a);
                // The IFrame API makes an untitled frame; screen readers need its name.
                if (typeof a.getIFrame === 'function') a.getIFrame()?.setAttribute('title', t('room.frameTitle'));
              }}
              onReadyToClose={leave}
            />
          )}
          {join && !classOver && launchLink && join.provider !== 'zoom' && (
            <iframe
              title={t('room.frameTitle')}
              src={launchLink}
              allow="camera; microphone; display-capture; fullscreen; autoplay; clipboard-write"
              className="provider-frame"
            />
          )}
          {join && !classOver && !launchLink && providerUrl && join.provider === 'bbb' && (
            <iframe
              title={t('room.frameTitle')}
              src={providerUrl}
              allow="camera; microphone; display-capture; fullscreen; autoplay; clipboard-write"
              className="provider-frame"
            />
          )}
          {join && !classOver && (launchLink || providerUrl) && join.provider === 'zoom' && (
            <div className="center">
              <p>{t('room.zoomHint')}</p>
              <a className="button primary" href={launchLink ?? providerUrl ?? undefined} target="_blank" rel="noopener noreferrer">
                {t('room.openZoom')}
              </a>
            </div>
          )}
          {join && join.provider === 'jitsi' && !launchLink && !jitsiTarget && (
            <p className="field-error" role="alert">
              {t('room.badUrl')}
            </p>
          )}
        </div>
        {showBoard && <LazyWhiteboardPanel sessionId={id} classOver={classOver} />}
        {isHost && (
          <AttendancePanel sessionId={id} onKick={kickInProvider} onEnded={onEnded} timeZone={timeZone} />
        )}
      </div>
    </main>
  );
}
