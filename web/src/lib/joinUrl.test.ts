import { describe, expect, it } from 'vitest';
import { parseJitsiUrl } from './joinUrl';

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb29tIjoiZGVtbyJ9.c2ln';
const ROOM = 'demo-3f0b8a52-6c1d-4e7a-9b2f-1a2b3c4d5e6f';

describe('parseJitsiUrl', () => {
  it('splits a join URL into domain, room and jwt', () => {
    expect(parseJitsiUrl(`https://meet.example.org/${ROOM}?jwt=${JWT}`)).toEqual({
      domain: 'meet.example.org',
      roomName: ROOM,
      jwt: JWT,
    });
  });

  it('keeps a port in the domain and ignores the config fragment', () => {
    expect(parseJitsiUrl(`https://meet.example.org:8443/${ROOM}?jwt=${JWT}#config.startWithAudioMuted=true`)).toEqual({
      domain: 'meet.example.org:8443',
      roomName: ROOM,
      jwt: JWT,
    });
  });

  it('gives no jwt when the URL has none', () => {
    expect(parseJitsiUrl(`https://meet.example.org/${ROOM}`)).toEqual({ domain: 'meet.example.org', roomName: ROOM, jwt: undefined });
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
