// The browser media APIs the device test uses, behind one small interface so tests can fake them.

export type MediaDevicesLike = Pick<MediaDevices, 'getUserMedia' | 'enumerateDevices'> &
  Partial<Pick<MediaDevices, 'addEventListener' | 'removeEventListener'>>;

/** An AudioContext that can pick its output device (Chrome 110+). */
export type SinkAudioContext = AudioContext & { setSinkId?: (id: string) => Promise<void> };
export type SinkAudioElement = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

export interface MediaEnv {
  /** getUserMedia is offered only on https (or localhost). */
  isSecureContext: boolean;
  /** null when the browser has no media devices API (or hides it on an insecure page). */
  mediaDevices: MediaDevicesLike | null;
  /** Throws when the browser has no Web Audio. */
  createAudioContext: () => SinkAudioContext;
  /** An <audio> element to play through a chosen speaker when the AudioContext cannot pick one. */
  createAudioElement: () => SinkAudioElement;
  /** Whether the output device can be chosen (setSinkId on AudioContext or on media elements). */
  canPickSpeaker: boolean;
  requestFrame: (cb: FrameRequestCallback) => number;
  cancelFrame: (id: number) => void;
}

export function browserMediaEnv(): MediaEnv {
  const w = window as Window & { AudioContext?: typeof AudioContext; webkitAudioContext?: typeof AudioContext };
  const Ctx = w.AudioContext ?? w.webkitAudioContext;
  return {
    isSecureContext: w.isSecureContext !== false,
    mediaDevices: typeof navigator !== 'undefined' && navigator.mediaDevices ? navigator.mediaDevices : null,
    createAudioContext: () => {
      if (!Ctx) throw new Error('Web Audio is not supported');
      return new Ctx() as SinkAudioContext;
    },
    createAudioElement: () => new Audio() as SinkAudioElement,
    canPickSpeaker:
      (!!Ctx && 'setSinkId' in Ctx.prototype) ||
      (typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype),
    requestFrame: (cb) => w.requestAnimationFrame(cb),
    cancelFrame: (id) => w.cancelAnimationFrame(id),
  };
}

/** Why a camera or microphone could not be opened, from the DOMException getUserMedia rejects with. */
export type MediaErrorKind = 'denied' | 'notFound' | 'inUse' | 'generic';

export function mediaErrorKind(e: unknown): MediaErrorKind {
  const name = (e as { name?: string } | null)?.name ?? '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
    case 'ConstraintNotSatisfiedError':
      return 'notFound';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'inUse';
    default:
      return 'generic';
  }
}

/** Loudness of one block of samples (-1..1) on a 0-100 scale: -60 dBFS and below is 0, 0 dBFS is 100. */
export function levelOf(samples: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  if (rms <= 0) return 0;
  const db = 20 * Math.log10(rms);
  return Math.max(0, Math.min(100, Math.round(((db + 60) / 60) * 100)));
}
