import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  browserMediaEnv,
  levelOf,
  mediaErrorKind,
  type MediaEnv,
  type MediaErrorKind,
  type SinkAudioContext,
  type SinkAudioElement,
} from '../lib/media';

type Kind = 'camera' | 'microphone';
type ToneState = 'idle' | 'playing' | 'asking' | 'heard' | 'notHeard' | 'failed';
interface Devices {
  videoinput: MediaDeviceInfo[];
  audioinput: MediaDeviceInfo[];
  audiooutput: MediaDeviceInfo[];
}
const NO_DEVICES: Devices = { videoinput: [], audioinput: [], audiooutput: [] };
const TONE_SECONDS = 1;

const constraint = (deviceId: string): boolean | MediaTrackConstraints => (deviceId ? { deviceId: { exact: deviceId } } : true);
const stopKind = (s: MediaStream | null, kind: 'video' | 'audio') =>
  s?.getTracks().forEach((tr) => {
    if (tr.kind === kind) tr.stop();
  });
const deviceIdOf = (s: MediaStream | null, kind: 'video' | 'audio') =>
  s
    ?.getTracks()
    .find((tr) => tr.kind === kind)
    ?.getSettings?.().deviceId ?? '';

/**
 * Seed 14.7: check the camera, microphone and speakers before a class. Camera preview, a microphone level
 * meter, a short test tone, and device pickers; everything is released when the screen goes away.
 */
export function DeviceTestScreen({ media }: { media?: MediaEnv }) {
  const { t } = useTranslation();
  const env = useMemo(() => media ?? browserMediaEnv(), [media]);
  const uid = useId();
  const videoRef = useRef<HTMLVideoElement>(null);
  const videoStream = useRef<MediaStream | null>(null);
  const audioStream = useRef<MediaStream | null>(null);
  const ctxRef = useRef<SinkAudioContext | null>(null);
  const sourceRef = useRef<MediaStreamAudioSourceNode | null>(null);
  const frameRef = useRef<number | null>(null);
  const toneRef = useRef<{ osc: OscillatorNode; el: SinkAudioElement | null; timer: ReturnType<typeof setTimeout> } | null>(null);
  const alive = useRef(true);

  const [phase, setPhase] = useState<'idle' | 'starting' | 'ready'>('idle');
  const [errors, setErrors] = useState<Partial<Record<Kind, MediaErrorKind>>>({});
  const [cameraOn, setCameraOn] = useState(false);
  const [micOn, setMicOn] = useState(false);
  const [devices, setDevices] = useState<Devices>(NO_DEVICES);
  const [cameraId, setCameraId] = useState('');
  const [micId, setMicId] = useState('');
  const [speakerId, setSpeakerId] = useState('');
  const [level, setLevel] = useState(0);
  const [heardVoice, setHeardVoice] = useState(false);
  const [meterUnsupported, setMeterUnsupported] = useState(false);
  const [tone, setTone] = useState<ToneState>('idle');

  const unavailable: 'insecure' | 'unsupported' | null = !env.isSecureContext
    ? 'insecure'
    : !env.mediaDevices
      ? 'unsupported'
      : null;

  const audioContext = useCallback((): SinkAudioContext => {
    if (!ctxRef.current) ctxRef.current = env.createAudioContext();
    return ctxRef.current;
  }, [env]);

  const stopMeter = useCallback(() => {
    if (frameRef.current !== null) env.cancelFrame(frameRef.current);
    frameRef.current = null;
    sourceRef.current?.disconnect();
    sourceRef.current = null;
  }, [env]);

  /** Reads the microphone through an AnalyserNode once per animation frame. */
  const startMeter = useCallback(
    (stream: MediaStream) => {
      stopMeter();
      let ctx: SinkAudioContext;
      try {
        ctx = audioContext();
      } catch {
        setMeterUnsupported(true);
        return;
      }
      if (ctx.state === 'suspended') void ctx.resume().catch(() => {});
      const source = ctx.createMediaStreamSource(stream);
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 1024;
      source.connect(analyser); // not to the speakers: no echo
      sourceRef.current = source;
      const buf = new Float32Array(analyser.fftSize);
      let last = -1;
      const tick = () => {
        analyser.getFloatTimeDomainData(buf);
        const l = levelOf(buf);
        if (l !== last) {
          last = l;
          setLevel(l);
          if (l >= 20) setHeardVoice(true);
        }
        frameRef.current = env.requestFrame(tick);
      };
      frameRef.current = env.requestFrame(tick);
    },
    [audioContext, env, stopMeter],
  );

  const refreshDevices = useCallback(async () => {
    if (!env.mediaDevices) return;
    try {
      const all = await env.mediaDevices.enumerateDevices();
      if (!alive.current) return;
      setDevices({
        videoinput: all.filter((d) => d.kind === 'videoinput' && d.deviceId),
        audioinput: all.filter((d) => d.kind === 'audioinput' && d.deviceId),
        audiooutput: all.filter((d) => d.kind === 'audiooutput' && d.deviceId),
      });
    } catch {
      // the pickers stay empty; the default devices still work
    }
  }, [env]);

  const attachVideo = useCallback((s: MediaStream | null) => {
    videoStream.current = s;
    if (videoRef.current) videoRef.current.srcObject = s;
    setCameraOn(!!s);
    if (s) setCameraId((cur) => deviceIdOf(s, 'video') || cur);
  }, []);
  const attachAudio = useCallback(
    (s: MediaStream | null) => {
      audioStream.current = s;
      setMicOn(!!s);
      if (s) {
        setMicId((cur) => deviceIdOf(s, 'audio') || cur);
        startMeter(s);
      } else stopMeter();
    },
    [startMeter, stopMeter],
  );

  /** Opens one kind on its own; records why it failed. A stream that arrives after unmount is stopped. */
  const open = useCallback(
    async (kind: Kind, deviceId: string): Promise<MediaStream | null> => {
      const md = env.mediaDevices!;
      try {
        const s = await md.getUserMedia(kind === 'camera' ? { video: constraint(deviceId) } : { audio: constraint(deviceId) });
        if (!alive.current) {
          s.getTracks().forEach((tr) => tr.stop());
          return null;
        }
        setErrors((cur) => ({ ...cur, [kind]: undefined }));
        return s;
      } catch (e) {
        if (alive.current) setErrors((cur) => ({ ...cur, [kind]: mediaErrorKind(e) }));
        return null;
      }
    },
    [env],
  );

  const start = async () => {
    if (unavailable) return;
    setPhase('starting');
    setErrors({});
    // A retry: release what is open first (a busy device cannot be opened twice).
    stopMeter();
    videoStream.current?.getTracks().forEach((tr) => tr.stop());
    audioStream.current?.getTracks().forEach((tr) => tr.stop());
    const md = env.mediaDevices!;
    try {
      // One request, so the browser asks once for both.
      const s = await md.getUserMedia({ video: constraint(cameraId), audio: constraint(micId) });
      if (!alive.current) {
        s.getTracks().forEach((tr) => tr.stop());
        return;
      }
      attachVideo(s);
      attachAudio(s);
    } catch (e) {
      if (!alive.current) return;
      const kind = mediaErrorKind(e);
      if (kind === 'denied') setErrors({ camera: 'denied', microphone: 'denied' });
      else {
        // One of them is missing or busy: try each alone to tell which, and keep the one that works.
        const [v, a] = [await open('camera', cameraId), await open('microphone', micId)];
        if (!alive.current) return;
        attachVideo(v);
        attachAudio(a);
      }
    }
    if (!alive.current) return;
    await refreshDevices();
    setPhase('ready');
  };

  const switchCamera = async (id: string) => {
    setCameraId(id);
    stopKind(videoStream.current, 'video');
    attachVideo(null);
    attachVideo(await open('camera', id));
  };
  const switchMic = async (id: string) => {
    setMicId(id);
    stopKind(audioStream.current, 'audio');
    attachAudio(null);
    setLevel(0);
    attachAudio(await open('microphone', id));
  };

  const stopTone = () => {
    const cur = toneRef.current;
    toneRef.current = null;
    if (!cur) return;
    clearTimeout(cur.timer);
    cur.osc.onended = null;
    try {
      cur.osc.stop();
    } catch {
      // already stopped
    }
    cur.osc.disconnect();
    cur.el?.pause();
  };

  /** A 440 Hz tone for about a second, through the chosen speaker where the browser allows choosing. */
  const playTone = async () => {
    stopTone();
    setTone('playing');
    try {
      const ctx = audioContext();
      if (ctx.state === 'suspended') await ctx.resume();
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = 440;
      const t0 = ctx.currentTime;
      gain.gain.setValueAtTime(0, t0);
      gain.gain.linearRampToValueAtTime(0.2, t0 + 0.05);
      gain.gain.setValueAtTime(0.2, t0 + TONE_SECONDS - 0.1);
      gain.gain.linearRampToValueAtTime(0, t0 + TONE_SECONDS);
      osc.connect(gain);
      let el: SinkAudioElement | null = null;
      if (speakerId && typeof ctx.setSinkId === 'function') {
        await ctx.setSinkId(speakerId);
        gain.connect(ctx.destination);
      } else if (speakerId) {
        // No AudioContext.setSinkId (Firefox, Safari): play the tone through an <audio> on that speaker.
        const dest = ctx.createMediaStreamDestination();
        gain.connect(dest);
        el = env.createAudioElement();
        el.srcObject = dest.stream;
        if (typeof el.setSinkId === 'function') await el.setSinkId(speakerId);
        await el.play();
      } else {
        gain.connect(ctx.destination);
      }
      const done = () => {
        if (!alive.current || toneRef.current?.osc !== osc) return;
        stopTone();
        setTone('asking');
      };
      osc.onended = done;
      // A suspended context never ends the tone: ask anyway a moment later.
      const timer = setTimeout(done, (TONE_SECONDS + 0.5) * 1000);
      toneRef.current = { osc, el, timer };
      osc.start(t0);
      osc.stop(t0 + TONE_SECONDS);
    } catch {
      stopTone();
      if (alive.current) setTone('failed');
    }
  };

  // Keep the preview attached when the <video> mounts after the stream arrived.
  useEffect(() => {
    if (videoRef.current && videoRef.current.srcObject !== videoStream.current) videoRef.current.srcObject = videoStream.current;
  }, [cameraOn]);

  useEffect(() => {
    const md = env.mediaDevices;
    const onChange = () => void refreshDevices();
    md?.addEventListener?.('devicechange', onChange);
    return () => md?.removeEventListener?.('devicechange', onChange);
  }, [env, refreshDevices]);

  // Leaving the screen releases the camera and microphone and closes the AudioContext.
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
      stopTone();
      stopMeter();
      videoStream.current?.getTracks().forEach((tr) => tr.stop());
      audioStream.current?.getTracks().forEach((tr) => tr.stop());
      videoStream.current = null;
      audioStream.current = null;
      const ctx = ctxRef.current;
      ctxRef.current = null;
      if (ctx && ctx.state !== 'closed') void ctx.close().catch(() => {});
    };
  }, []);

  const label = (d: MediaDeviceInfo, i: number, key: string) => d.label || t(key, { n: i + 1 });
  const errorText = (kind: Kind) => {
    const e = errors[kind];
    return e ? t(`device.error.${kind}.${e}`) : null;
  };
  const id = (f: string) => `${uid}-${f}`;

  return (
    <div className="device-test">
      {unavailable && (
        <p className="field-error" role="alert">
          {t(`device.error.${unavailable}`)}
        </p>
      )}
      {!unavailable && (phase !== 'ready' || errors.camera || errors.microphone) && (
        <div className="card device-start">
          <p>{phase === 'ready' ? t('device.retryIntro') : t('device.intro')}</p>
          <button type="button" className="primary" onClick={start} disabled={phase === 'starting'} aria-busy={phase === 'starting'}>
            {phase === 'starting' ? t('device.starting') : phase === 'ready' ? t('device.retry') : t('device.start')}
          </button>
        </div>
      )}
      <div className="device-grid">
        <section className="card" aria-labelledby={id('camera-title')}>
          <h2 id={id('camera-title')}>{t('device.camera.title')}</h2>
          <div className="device-video">
            <video ref={videoRef} autoPlay playsInline muted aria-label={t('device.camera.preview')} hidden={!cameraOn} />
            {!cameraOn && <p className="muted">{phase === 'ready' ? t('device.camera.none') : t('device.camera.waiting')}</p>}
          </div>
          {errorText('camera') && (
            <p className="field-error" role="alert">
              {errorText('camera')}
            </p>
          )}
          {devices.videoinput.length > 0 && (
            <div className="field">
              <label htmlFor={id('camera')}>{t('device.camera.pick')}</label>
              <select id={id('camera')} value={cameraId} onChange={(e) => void switchCamera(e.target.value)}>
                {!cameraId && <option value="">{t('device.default')}</option>}
                {devices.videoinput.map((d, i) => (
                  <option key={d.deviceId} value={d.deviceId}>
                    {label(d, i, 'device.camera.unnamed')}
                  </option>
                ))}
              </select>
            </div>
          )}
        </section>

        <section className="card" aria-labelledby={id('mic-title')}>
          <h2 id={id('mic-title')}>{t('device.microphone.title')}</h2>
          <div
            className="level-meter"
            role="meter"
            aria-label={t('device.microphone.level')}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={level}
            aria-valuetext={t('device.microphone.levelText', { level })}
          >
            <div className="level-meter-bar" style={{ width: `${level}%` }} />
          </div>
          <p className="muted small">
            {meterUnsupported
              ? t('device.microphone.noMeter')
              : !micOn
                ? t('device.microphone.waiting')
                : heardVoice
                  ? t('device.microphone.heard')
                  : t('device.microphone.speak')}
          </p>
          {errorText('microphone') && (
            <p className="field-error" role="alert">
              {errorText('microphone')}
            </p>
          )}
          {devices.audioinput.length > 0 && (
            <div className="field">
              <label htmlFor={id('mic')}>{t('device.microphone.pick')}</label>
              <select id={id('mic')} value={micId} onChange={(e) => void switchMic(e.target.value)}>
                {!micId && <option value="">{t('device.default')}</option>}
                {devices.audioinput.map((d, i) => (
                  <option key={d.deviceId} value={d.deviceId}>
                    {label(d, i, 'device.microphone.unnamed')}
                  </option>
                ))}
              </select>
            </div>
          )}
        </section>

        <section className="card" aria-labelledby={id('speaker-title')}>
          <h2 id={id('speaker-title')}>{t('device.speaker.title')}</h2>
          {env.canPickSpeaker && devices.audiooutput.length > 0 ? (
            <div className="field">
              <label htmlFor={id('speaker')}>{t('device.speaker.pick')}</label>
              <select id={id('speaker')} value={speakerId} onChange={(e) => setSpeakerId(e.target.value)}>
                <option value="">{t('device.default')}</option>
                {devices.audiooutput
                  .filter((d) => d.deviceId !== 'default')
                  .map((d, i) => (
                    <option key={d.deviceId} value={d.deviceId}>
                      {label(d, i, 'device.speaker.unnamed')}
                    </option>
                  ))}
              </select>
            </div>
          ) : (
            phase === 'ready' && !env.canPickSpeaker && <p className="muted small">{t('device.speaker.noPick')}</p>
          )}
          <button type="button" onClick={playTone} disabled={tone === 'playing'} aria-busy={tone === 'playing'}>
            {tone === 'playing' ? t('device.speaker.playing') : t('device.speaker.play')}
          </button>
          <div role="status" className="tone-result">
            {tone === 'asking' && <p>{t('device.speaker.question')}</p>}
            {tone === 'heard' && <p className="notice">{t('device.speaker.ok')}</p>}
            {tone === 'notHeard' && <p className="field-error">{t('device.speaker.tips')}</p>}
            {tone === 'failed' && <p className="field-error">{t('device.speaker.failed')}</p>}
          </div>
          {tone === 'asking' && (
            <div className="actions left">
              <button type="button" onClick={() => setTone('heard')}>
                {t('device.speaker.yes')}
              </button>
              <button type="button" onClick={() => setTone('notHeard')}>
                {t('device.speaker.no')}
              </button>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}
