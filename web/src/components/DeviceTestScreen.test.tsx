import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18n from '../i18n';
import type { MediaEnv, SinkAudioContext } from '../lib/media';
import { DeviceTestScreen } from './DeviceTestScreen';

interface FakeTrack {
  kind: 'video' | 'audio';
  stop: ReturnType<typeof vi.fn>;
  getSettings: () => { deviceId: string };
}
const track = (kind: 'video' | 'audio', deviceId: string): FakeTrack => ({ kind, stop: vi.fn(), getSettings: () => ({ deviceId }) });
const stream = (...tracks: FakeTrack[]) =>
  ({
    getTracks: () => tracks,
    getVideoTracks: () => tracks.filter((t) => t.kind === 'video'),
    getAudioTracks: () => tracks.filter((t) => t.kind === 'audio'),
  }) as unknown as MediaStream;
const device = (kind: MediaDeviceKind, deviceId: string, label: string) =>
  ({ kind, deviceId, label, groupId: 'g', toJSON: () => ({}) }) as MediaDeviceInfo;

const DEVICES = [
  device('videoinput', 'cam-1', 'FaceTime HD Camera'),
  device('videoinput', 'cam-2', 'USB Webcam'),
  device('audioinput', 'mic-1', 'MacBook Microphone'),
  device('audiooutput', 'default', 'Default'),
  device('audiooutput', 'spk-2', 'Headphones'),
];

/** A fake browser: getUserMedia, enumerateDevices, an AudioContext whose analyser reads `amplitude`, manual frames. */
function fakeMedia(opts: { getUserMedia?: (c: MediaStreamConstraints) => Promise<MediaStream>; secure?: boolean; sink?: boolean } = {}) {
  const tracks: FakeTrack[] = [];
  const gum = vi.fn(
    opts.getUserMedia ??
      (async (c: MediaStreamConstraints) => {
        const list: FakeTrack[] = [];
        const id = (v: unknown, dflt: string) => ((v as MediaTrackConstraints)?.deviceId as { exact?: string })?.exact ?? dflt;
        if (c.video) list.push(track('video', id(c.video, 'cam-1')));
        if (c.audio) list.push(track('audio', id(c.audio, 'mic-1')));
        tracks.push(...list);
        return stream(...list);
      }),
  );
  const state = { amplitude: 0 };
  const frames = new Map<number, FrameRequestCallback>();
  let nextFrame = 1;
  const oscillators: {
    frequency: { value: number };
    type: string;
    start: ReturnType<typeof vi.fn>;
    stop: ReturnType<typeof vi.fn>;
    connect: ReturnType<typeof vi.fn>;
    disconnect: ReturnType<typeof vi.fn>;
    onended: (() => void) | null;
  }[] = [];
  const node = () => ({ connect: vi.fn(), disconnect: vi.fn() });
  const sources: ReturnType<typeof node>[] = [];
  const ctx = {
    state: 'running' as AudioContextState,
    currentTime: 12,
    destination: { kind: 'destination' },
    createMediaStreamSource: vi.fn(() => {
      const s = node();
      sources.push(s);
      return s;
    }),
    createAnalyser: vi.fn(() => ({
      ...node(),
      fftSize: 2048,
      getFloatTimeDomainData: (buf: Float32Array) => buf.fill(state.amplitude),
    })),
    createOscillator: vi.fn(() => {
      const o = { ...node(), type: '', frequency: { value: 0 }, start: vi.fn(), stop: vi.fn(), onended: null };
      oscillators.push(o);
      return o;
    }),
    createGain: vi.fn(() => ({ ...node(), gain: { value: 1, setValueAtTime: vi.fn(), linearRampToValueAtTime: vi.fn() } })),
    createMediaStreamDestination: vi.fn(() => ({ ...node(), stream: stream() })),
    resume: vi.fn(async () => {}),
    close: vi.fn(async () => {
      ctx.state = 'closed';
    }),
    setSinkId: opts.sink ? vi.fn(async () => {}) : undefined,
  };
  const env: MediaEnv = {
    isSecureContext: opts.secure ?? true,
    mediaDevices: { getUserMedia: gum, enumerateDevices: vi.fn(async () => DEVICES) },
    createAudioContext: vi.fn(() => ctx as unknown as SinkAudioContext),
    createAudioElement: () => {
      throw new Error('not used');
    },
    canPickSpeaker: !!opts.sink,
    requestFrame: (cb) => {
      frames.set(nextFrame, cb);
      return nextFrame++;
    },
    cancelFrame: vi.fn((id: number) => void frames.delete(id)),
  };
  const runFrame = () =>
    act(() => {
      const cbs = [...frames.values()];
      frames.clear();
      cbs.forEach((cb) => cb(performance.now()));
    });
  return { env, gum, ctx, tracks, state, frames, runFrame, oscillators, sources };
}

afterEach(async () => {
  cleanup();
  await i18n.changeLanguage('tr');
});

describe('DeviceTestScreen', () => {
  it('shows the camera preview, lists devices and moves the level meter', async () => {
    const m = fakeMedia();
    const u = userEvent.setup({ delay: null });
    render(<DeviceTestScreen media={m.env} />);
    const meter = screen.getByRole('meter', { name: 'Mikrofon ses seviyesi' });
    expect(meter).toHaveAttribute('aria-valuenow', '0');
    await u.click(screen.getByRole('button', { name: 'Kamerayı ve mikrofonu aç' }));
    expect(m.gum).toHaveBeenCalledWith({ video: true, audio: true });
    const video = screen.getByLabelText('Kamera önizlemesi') as HTMLVideoElement;
    const opened = await m.gum.mock.results[0].value;
    await waitFor(() => expect(video.srcObject).toBe(opened));
    expect((video.srcObject as MediaStream).getVideoTracks()[0]).toBe(m.tracks[0]);
    expect(video.muted).toBe(true);
    expect(video).toBeVisible();
    // The microphone goes into an analyser only, never to the speakers.
    expect(m.ctx.createMediaStreamSource).toHaveBeenCalledWith(video.srcObject);
    expect(m.sources[0].connect).toHaveBeenCalledTimes(1);

    expect(await screen.findByRole('option', { name: 'USB Webcam' })).toBeInTheDocument();
    expect(screen.getByLabelText('Kamera seçin')).toHaveValue('cam-1');
    expect(screen.getByLabelText('Mikrofon seçin')).toHaveValue('mic-1');
    expect(screen.queryByLabelText('Hoparlör seçin')).not.toBeInTheDocument(); // no setSinkId here

    m.state.amplitude = 0.5; // -6 dBFS
    m.runFrame();
    expect(meter).toHaveAttribute('aria-valuenow', '90');
    expect(meter).toHaveAttribute('aria-valuetext', 'Ses seviyesi yüzde 90');
    expect(screen.getByText('Sesiniz algılandı, mikrofonunuz çalışıyor.')).toBeInTheDocument();
    m.state.amplitude = 0;
    m.runFrame();
    expect(meter).toHaveAttribute('aria-valuenow', '0');
  });

  it('plays a test tone for about a second and asks whether it was heard', async () => {
    const m = fakeMedia();
    const u = userEvent.setup({ delay: null });
    render(<DeviceTestScreen media={m.env} />);
    await u.click(screen.getByRole('button', { name: 'Test sesi çal' }));
    expect(m.oscillators).toHaveLength(1);
    const osc = m.oscillators[0];
    expect(osc.frequency.value).toBe(440);
    expect(osc.start).toHaveBeenCalledWith(12);
    expect(osc.stop).toHaveBeenCalledWith(13);
    expect(screen.getByRole('button', { name: 'Çalıyor…' })).toBeDisabled();
    act(() => osc.onended?.());
    expect(screen.getByText('Test sesini duydunuz mu?')).toBeInTheDocument();
    await u.click(screen.getByRole('button', { name: 'Hayır, duymadım' }));
    expect(screen.getByText(/Ses seviyesinin açık olduğunu/)).toBeInTheDocument();
    await u.click(screen.getByRole('button', { name: 'Test sesi çal' }));
    act(() => m.oscillators[1].onended?.());
    await u.click(screen.getByRole('button', { name: 'Evet, duydum' }));
    expect(screen.getByRole('status')).toHaveTextContent('Harika, hoparlörünüz çalışıyor.');
  });

  it('plays the tone on the chosen speaker where setSinkId exists', async () => {
    const m = fakeMedia({ sink: true });
    const u = userEvent.setup({ delay: null });
    render(<DeviceTestScreen media={m.env} />);
    await u.click(screen.getByRole('button', { name: 'Kamerayı ve mikrofonu aç' }));
    await u.selectOptions(await screen.findByLabelText('Hoparlör seçin'), 'spk-2');
    await u.click(screen.getByRole('button', { name: 'Test sesi çal' }));
    expect(m.ctx.setSinkId).toHaveBeenCalledWith('spk-2');
    expect(m.oscillators[0].start).toHaveBeenCalled();
  });

  it('explains a refused permission in the user’s language', async () => {
    const m = fakeMedia({ getUserMedia: async () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError')) });
    const u = userEvent.setup({ delay: null });
    render(<DeviceTestScreen media={m.env} />);
    await u.click(screen.getByRole('button', { name: 'Kamerayı ve mikrofonu aç' }));
    expect(await screen.findByText(/Kamera izni verilmedi\./)).toBeInTheDocument();
    expect(screen.getByText(/Mikrofon izni verilmedi\./)).toBeInTheDocument();
    expect(m.gum).toHaveBeenCalledTimes(1); // a refusal is not asked again
    await act(() => i18n.changeLanguage('en'));
    expect(screen.getByText(/Camera access was not allowed\./)).toBeInTheDocument();
    expect(screen.getByRole('meter', { name: 'Microphone level' })).toBeInTheDocument();
  });

  it('keeps the microphone when there is no camera', async () => {
    const m = fakeMedia({
      getUserMedia: async (c) => {
        if (c.video) throw new DOMException('Requested device not found', 'NotFoundError');
        return stream(track('audio', 'mic-1'));
      },
    });
    const u = userEvent.setup({ delay: null });
    render(<DeviceTestScreen media={m.env} />);
    await u.click(screen.getByRole('button', { name: 'Kamerayı ve mikrofonu aç' }));
    expect(await screen.findByText('Kamera bulunamadı. Takılı ve açık olduğundan emin olun.')).toBeInTheDocument();
    expect(m.gum).toHaveBeenCalledTimes(3); // both, then each alone
    m.state.amplitude = 0.1;
    m.runFrame();
    expect(screen.getByRole('meter')).toHaveAttribute('aria-valuenow', '67');
    // A retry releases the open microphone before asking again.
    const mic = (await m.gum.mock.results[2].value as MediaStream).getTracks()[0];
    await u.click(screen.getByRole('button', { name: 'Yeniden dene' }));
    expect(mic.stop).toHaveBeenCalled();
    expect(m.gum).toHaveBeenCalledTimes(6);
  });

  it('says so on an insecure page', () => {
    const m = fakeMedia({ secure: false });
    render(<DeviceTestScreen media={m.env} />);
    expect(screen.getByRole('alert')).toHaveTextContent('yalnızca güvenli bağlantıda çalışır');
    expect(screen.queryByRole('button', { name: 'Kamerayı ve mikrofonu aç' })).not.toBeInTheDocument();
  });

  it('switches the camera, stopping the old one', async () => {
    const m = fakeMedia();
    const u = userEvent.setup({ delay: null });
    render(<DeviceTestScreen media={m.env} />);
    await u.click(screen.getByRole('button', { name: 'Kamerayı ve mikrofonu aç' }));
    await u.selectOptions(await screen.findByLabelText('Kamera seçin'), 'cam-2');
    expect(m.gum).toHaveBeenLastCalledWith({ video: { deviceId: { exact: 'cam-2' } } });
    expect(m.tracks[0].stop).toHaveBeenCalled(); // old camera
    expect(m.tracks[1].stop).not.toHaveBeenCalled(); // the microphone keeps going
    await waitFor(() => expect((screen.getByLabelText('Kamera önizlemesi') as HTMLVideoElement).srcObject).not.toBeNull());
    expect(screen.getByLabelText('Kamera seçin')).toHaveValue('cam-2');
  });

  it('stops every track and closes the AudioContext on unmount', async () => {
    const m = fakeMedia();
    const u = userEvent.setup({ delay: null });
    const view = render(<DeviceTestScreen media={m.env} />);
    await u.click(screen.getByRole('button', { name: 'Kamerayı ve mikrofonu aç' }));
    await screen.findByLabelText('Kamera seçin');
    m.runFrame();
    expect(m.frames.size).toBe(1);
    view.unmount();
    expect(m.tracks.length).toBeGreaterThan(0);
    for (const tr of m.tracks) expect(tr.stop).toHaveBeenCalled();
    expect(m.ctx.close).toHaveBeenCalledTimes(1);
    expect(m.frames.size).toBe(0);
  });

  it('stops a stream that arrives after the screen is gone', async () => {
    let resolve!: (s: MediaStream) => void;
    const late = stream(track('video', 'cam-1'), track('audio', 'mic-1'));
    const m = fakeMedia({ getUserMedia: () => new Promise((r) => (resolve = r)) });
    const u = userEvent.setup({ delay: null });
    const view = render(<DeviceTestScreen media={m.env} />);
    await u.click(screen.getByRole('button', { name: 'Kamerayı ve mikrofonu aç' }));
    view.unmount();
    await act(async () => resolve(late));
    for (const tr of late.getTracks()) expect(tr.stop).toHaveBeenCalled();
  });
});
