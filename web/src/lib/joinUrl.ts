/** The parts of a Jitsi join URL (`https://{domain}/{room}?jwt=...`) the IFrame API takes separately. */
export interface JitsiTarget {
  domain: string; // host[:port]
  roomName: string;
  jwt?: string;
  /** Config overrides from the fragment (`#config.startWithAudioMuted=true&...`), by option name. */
  config: Record<string, unknown>;
}

/**
 * The fragment's `config.{option}={json}` pairs, as Jitsi reads them from a meeting URL. The server
 * puts the school's policy for participants there (start muted, video off); flat options only.
 */
function fragmentConfig(hash: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const part of hash.replace(/^#/, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    let key: string;
    let raw: string;
    try {
      key = decodeURIComponent(part.slice(0, eq));
      raw = decodeURIComponent(part.slice(eq + 1));
    } catch {
      continue;
    }
    const name = key.startsWith('config.') ? key.slice('config.'.length) : '';
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) continue;
    try {
      out[name] = JSON.parse(raw);
    } catch {
      out[name] = raw;
    }
  }
  return out;
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
  return { domain: u.host, roomName, jwt: u.searchParams.get('jwt') ?? undefined, config: fragmentConfig(u.hash) };
}

/**
 * Our own launch link (`/api/v1/launch/{token}/`), which is what a join answers with when launch links
 * are single use (LIVE_JOIN_SINGLE_USE): the provider's replayable URL is never handed out, and the
 * link's page frames the room itself. Null for anything else, or another origin.
 */
export function launchLinkOf(joinUrl: string, origin: string): string | null {
  try {
    const u = new URL(joinUrl, origin);
    return u.origin === origin && u.pathname.startsWith('/api/v1/launch/') ? u.href : null;
  } catch {
    return null;
  }
}
