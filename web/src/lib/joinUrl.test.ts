import { describe, expect, it } from 'vitest';
import { launchLinkOf, parseJitsiUrl } from './joinUrl';

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb29tIjoiZGVtbyJ9.c2ln';
const ROOM = 'demo-3f0b8a52-6c1d-4e7a-9b2f-1a2b3c4d5e6f';

describe('parseJitsiUrl', () => {
  it('splits a join URL into domain, room and jwt', () => {
    expect(parseJitsiUrl(`https://meet.example.org/${ROOM}?jwt=${JWT}`)).toEqual({
      domain: 'meet.example.org',
      roomName: ROOM,
      jwt: JWT,
      config: {},
    });
  });

  it('keeps a port in the domain', () => {
    expect(parseJitsiUrl(`https://meet.example.org:8443/${ROOM}?jwt=${JWT}`)).toMatchObject({
      domain: 'meet.example.org:8443',
      roomName: ROOM,
      jwt: JWT,
    });
  });

  it('reads the config overrides of the fragment as JSON values', () => {
    const t = parseJitsiUrl(
      `https://meet.example.org/${ROOM}?jwt=${JWT}#config.startWithAudioMuted=true&config.startWithVideoMuted=false` +
        `&config.subject=%22T%C3%BCrev%22&config.channelLastN=4&config.toolbarButtons=%5B%22chat%22%5D&config.note=plain`,
    );
    expect(t?.config).toEqual({
      startWithAudioMuted: true,
      startWithVideoMuted: false,
      subject: 'Türev',
      channelLastN: 4,
      toolbarButtons: ['chat'],
      note: 'plain',
    });
  });

  it('ignores fragment parts that are not flat config options', () => {
    const t = parseJitsiUrl(
      `https://meet.example.org/${ROOM}#interfaceConfig.SHOW_CHROME_EXTENSION_BANNER=false&config.=1&config.__proto__=%7B%7D` +
        `&config.a.b=1&config.bad=%E0%A4%A&jitsi_meet_external_api_id=0&config.ok=true`,
    );
    expect(t?.config).toEqual({ ok: true });
    expect(Object.getPrototypeOf(t?.config)).toBe(Object.prototype);
  });

  it('gives no jwt and no config when the URL has none', () => {
    expect(parseJitsiUrl(`https://meet.example.org/${ROOM}`)).toEqual({
      domain: 'meet.example.org',
      roomName: ROOM,
      jwt: undefined,
      config: {},
    });
  });

  it('decodes an escaped room name', () => {
    expect(parseJitsiUrl('https://meet.example.org/Matematik%2011-A')?.roomName).toBe('Matematik 11-A');
  });

  it('accepts https only', () => {
    expect(parseJitsiUrl(`http://meet.example.org/${ROOM}?jwt=${JWT}`)).toBeNull();
    expect(parseJitsiUrl(`javascript:alert(1)`)).toBeNull();
  });

  it('rejects a room with a slash, an empty room and text that is not a URL', () => {
    expect(parseJitsiUrl(`https://meet.example.org/tenant/${ROOM}`)).toBeNull();
    expect(parseJitsiUrl('https://meet.example.org/a%2Fb')).toBeNull();
    expect(parseJitsiUrl('https://meet.example.org/')).toBeNull();
    expect(parseJitsiUrl(`/${ROOM}?jwt=${JWT}`)).toBeNull();
    expect(parseJitsiUrl('')).toBeNull();
  });
});

describe('launchLinkOf', () => {
  const origin = 'https://lms.school.edu';
  it('accepts our own launch link, relative or absolute', () => {
    expect(launchLinkOf('/api/v1/launch/abc/', origin)).toBe('https://lms.school.edu/api/v1/launch/abc/');
    expect(launchLinkOf('https://lms.school.edu/api/v1/launch/abc/', origin)).toBe(
      'https://lms.school.edu/api/v1/launch/abc/',
    );
  });
  it('refuses other origins and other paths', () => {
    expect(launchLinkOf('https://evil.example/api/v1/launch/abc/', origin)).toBeNull();
    expect(launchLinkOf('https://meet.example.org/room?jwt=x', origin)).toBeNull();
    expect(launchLinkOf('https://lms.school.edu/api/v1/users/', origin)).toBeNull();
  });
});
