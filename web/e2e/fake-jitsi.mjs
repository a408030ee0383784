// A stand-in for a self-hosted Jitsi Meet on loopback, for the end-to-end test (a real Jitsi cannot
// run here). It speaks what the browser side of Jitsi offers the page:
//  * GET /external_api.js: the IFrame API (JitsiMeetExternalAPI) that @jitsi/react-sdk loads from the
//    Jitsi domain; like the real one it creates an iframe on https://{domain}/{room}?jwt=... inside
//    parentNode and takes commands (executeCommand, dispose, getParticipantsInfo).
//  * GET /{room}?jwt=...: the room page. Like prosody's token auth (mod_auth_token) it checks the
//    HS256 signature with the app secret, aud, iss (app id), sub (domain), room (lower-case) and
//    exp/nbf, and refuses the room otherwise; it shows the claims it accepted so the test can read them.
//  * GET /recordings/{file}: a recording's playback address (what Jibri's upload would serve).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:https';


/** Verifies an HS256 JWT; returns {claims} or {error}. */
export function verifyJitsiToken(token, { secret, appId, domain, room, now = Math.floor(Date.now() / 1000) }) {
  const parts = (token ?? '').split('.');
  if (parts.length !== 3) return { error: 'not a JWT' };
  let header;
  let claims;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return { error: 'undecodable JWT' };
  }
  if (header.alg !== 'HS256') return { error: `alg ${header.alg} refused` };
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { error: 'bad signature' };
  if (claims.aud !== 'jitsi') return { error: 'aud must be jitsi' };
  if (claims.iss !== appId) return { error: 'iss is not the app id' };
  if (claims.sub !== domain) return { error: 'sub is not the domain' };
  if (claims.room !== room && claims.room !== '*') return { error: 'room mismatch' };
  if (typeof claims.exp !== 'number' || claims.exp <= now) return { error: 'expired' };
  if (typeof claims.nbf === 'number' && claims.nbf > now + 5) return { error: 'not yet valid' };
  return { claims };
}

const EXTERNAL_API = `
(function () {
  class JitsiMeetExternalAPI {
    constructor(domain, options) {
      options = options || {};
      this._listeners = {};
      this.commands = [];
      const frame = document.createElement('iframe');
      let src = 'https://' + domain + '/' + encodeURIComponent(options.roomName || '');
      if (options.jwt) src += '?jwt=' + encodeURIComponent(options.jwt);
      src += '#config.lang=' + encodeURIComponent(JSON.stringify(options.lang || ''));
      frame.src = src;
      frame.name = 'jitsiConferenceFrame0';
      frame.id = 'jitsiConferenceFrame0';
      frame.allow = 'camera; microphone; display-capture; autoplay; clipboard-write';
      frame.style.border = '0';
      frame.style.width = '100%';
      frame.style.height = '100%';
      (options.parentNode || document.body).appendChild(frame);
      this._frame = frame;
      window.__fakeJitsi = this;
    }
    on(name, fn) { (this._listeners[name] = this._listeners[name] || []).push(fn); return this; }
    addListener(name, fn) { return this.on(name, fn); }
    addEventListener(name, fn) { return this.on(name, fn); }
    removeListener() { return this; }
    emit(name, ev) { (this._listeners[name] || []).forEach(function (f) { f(ev); }); }
    executeCommand(name) { this.commands.push([name].concat([].slice.call(arguments, 1))); if (name === 'hangup') this.emit('readyToClose'); }
    getParticipantsInfo() { return []; }
    getIFrame() { return this._frame; }
    dispose() { if (this._frame) this._frame.remove(); this._frame = null; }
  }
  window.JitsiMeetExternalAPI = JitsiMeetExternalAPI;
})();
`;

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function startFakeJitsi({ key, cert, secret, appId, host = '127.0.0.1' }) {
  const server = createServer({ key, cert }, (req, res) => {
    const url = new URL(req.url, `https://${req.headers.host}`);
    if (url.pathname === '/external_api.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
      return res.end(EXTERNAL_API);
    }
    // Where a Jibri recording plays (the recording webhook's url): a tiny stand-in for the video file.
    if (url.pathname.startsWith('/recordings/')) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      return res.end(`recording ${url.pathname.slice('/recordings/'.length)}\n`);
    }
    const room = decodeURIComponent(url.pathname.slice(1));
    if (!room || room.includes('/')) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end('no such room');
    }
    const domain = req.headers.host;
    const v = verifyJitsiToken(url.searchParams.get('jwt'), { secret, appId, domain, room: room.toLowerCase() });
    if (v.error) {
      res.writeHead(401, { 'Content-Type': 'text/html; charset=utf-8' });
      return res.end(`<!doctype html><p id="refused">token refused: ${esc(v.error)}</p>`);
    }
    const c = v.claims;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><meta charset="utf-8"><title>fake jitsi</title>
<body style="background:#111;color:#eee;font:16px sans-serif">
<h1 id="room">${esc(room)}</h1>
<p id="user" data-name="${esc(c.context?.user?.name)}" data-id="${esc(c.context?.user?.id)}"
   data-moderator="${esc(c.moderator)}" data-affiliation="${esc(c.context?.user?.affiliation)}">
Signed in as ${esc(c.context?.user?.name)} (${c.moderator ? 'moderator' : 'participant'})</p>
<pre id="claims">${esc(JSON.stringify(c))}</pre></body>`);
  });
  return new Promise((resolve) => server.listen(0, host, () => resolve(server)));
}

