/** The parts of a Jitsi join URL (`https://{domain}/{room}?jwt=...`) the IFrame API takes separately. */
export interface JitsiTarget {
  domain: string; // host[:port]
  roomName: string;
  jwt?: string;
}

export function parseJitsiUrl(joinUrl: string): JitsiTarget | null {
  let u: URL;
  try {
    u = new URL(joinUrl);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:') return null;
  const roomName = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!roomName || roomName.includes('/')) return null;
  return { domain: u.host, roomName, jwt: u.searchParams.get('jwt') ?? undefined };
}
