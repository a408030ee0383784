// End-to-end test of issue 7: the real liveclass server (SQLite, built web app) driven through
// Debian's Chromium with playwright-core. A teacher schedules and starts a class; a student joins and
// the embedded room (a loopback stand-in for Jitsi that checks the JWT like prosody does) shows the
// student's own claims; the teacher sees the student in the live panel, draws a rectangle on the class's
// own whiteboard (seed 7.2), which the server keeps and relays to the student's open board, and downloads
// the board as a PDF; the teacher's page saves the room's public chat (seed 7.3: Jitsi keeps none), the
// teacher ends the class, opens the attendance report and downloads the CSV. A signed Jitsi webhook then
// reports a recording of the class; the teacher publishes it and the student watches it (a new tab that
// ends up at the playback address). Screenshots go to web/test-results/.
//
//   node e2e/run.mjs --binary ../build/liveclass
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startFakeJitsi } from './fake-jitsi.mjs';
import { createRequire } from 'node:module';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const here = dirname(fileURLToPath(import.meta.url));
const webDir = resolve(here, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const binary = resolve(arg('--binary', join(webDir, '..', 'build', 'liveclass')));
const results = resolve(arg('--out', join(webDir, 'test-results')));
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TZ = 'Europe/Istanbul';
mkdirSync(results, { recursive: true });

const work = mkdtempSync(join(tmpdir(), 'liveclass-e2e-'));
const children = [];
let fake;
let browser;
const problems = [];
let serverLog = '';

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function step(name) {
  console.log(`e2e: ${name}`);
}

/**
 * A promise started now (so that it sees what the next steps cause) and awaited later, with a handler
 * attached at once: should a step in between fail, that step's error is the one reported, not this
 * promise's rejection (its timeout, or the browser closing), unhandled, ending the process first.
 * Awaiting the promise returned still throws its own error.
 */
function awaitedLater(promise) {
  promise.catch(() => {});
  return promise;
}

async function main() {
  // A certificate for the stand-in Jitsi (https, as Jitsi domains are): Chromium is told to accept it.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(work, 'key.pem'), '-out', join(work, 'cert.pem')],
  { stdio: 'ignore' });
  const jitsiSecret = 'e2e-jitsi-secret-0123456789abcdef';
  const appId = 'e2e-app';
  fake = await startFakeJitsi({
    key: readFileSync(join(work, 'key.pem')),
    cert: readFileSync(join(work, 'cert.pem')),
    secret: jitsiSecret,
    appId,
  });
  const jitsiDomain = `127.0.0.1:${fake.address().port}`;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    TZ,
    LIVE_DATABASE_URL: `sqlite:${join(work, 'e2e.db')}`,
    LIVE_SECRET_KEY: 'e2e-secret-key-0123456789abcdef0123456789abcdef',
    LIVE_HTTP_HOST: '127.0.0.1',
    LIVE_HTTP_PORT: String(port),
    LIVE_WEB_ROOT: join(webDir, 'dist'),
    LIVE_PUBLIC_URL: base,
    LIVE_SSE_POLL_MS: '300',
    // Recording copies go to the run's own directory. The fake Jitsi's recordings are on loopback, which
    // the copy job refuses (no LIVE_STORAGE_ALLOW_PRIVATE_SOURCES): they play from the provider.
    LIVE_STORAGE_DIR: join(work, 'storage'),
    JITSI_DOMAIN: jitsiDomain,
    JITSI_APP_ID: appId,
    JITSI_JWT_SECRET: jitsiSecret,
  };
  const cli = (...args) => JSON.parse(execFileSync(binary, args, { env, encoding: 'utf8' }).trim().split('\n').pop());

  step('fixtures through the admin CLI');
  execFileSync(binary, ['migrate'], { env, stdio: 'ignore' });
  const tenant = cli('admin', 'create-tenant', '--slug', 'e2e', '--name', 'E2E Okulu', '--domain', '127.0.0.1');
  cli('admin', 'create-user', '--tenant', 'e2e', '--email', 'yonetici@e2e.test', '--password', 'yonetici-parola',
    '--name', 'Yıldız Yönetici', '--role', 'admin');
  const teacher = cli('admin', 'create-user', '--tenant', 'e2e', '--email', 'ogretmen@e2e.test', '--password',
    'ogretmen-parola', '--name', 'Ayşe Öğretmen', '--role', 'instructor');
  const student = cli('admin', 'create-user', '--tenant', 'e2e', '--email', 'ogrenci@e2e.test', '--password',
    'ogrenci-parola', '--name', 'Ali Öğrenci', '--role', 'student');
  const course = cli('admin', 'create-course', '--tenant', 'e2e', '--title', 'Fizik 101', '--instructor',
    'ogretmen@e2e.test');
  cli('admin', 'enroll', '--course', course.id, '--email', 'ogrenci@e2e.test');

  step('server');
  const server = spawn(binary, ['serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(server);
  server.stderr.on('data', (d) => (serverLog += d));
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 100) throw new Error(`the server did not start:\n${serverLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  // The API through node's fetch (not the browser): JSON in and out, failures with their body.
  const api = async (method, path, { token, body, headers = {} } = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  };

  step('school admin sets the Jitsi configuration with a webhook secret');
  // The same domain, app id and secret as the server's JITSI_* defaults, plus the secret that signs
  // the recording webhook below; done before the class is scheduled so the class uses it.
  const webhookSecret = 'e2e-webhook-secret-0123456789abcdef';
  const { access_token: adminToken } = await api('POST', '/api/v1/auth/login/',
    { body: { email: 'yonetici@e2e.test', password: 'yonetici-parola' } });
  const saved = await api('PUT', `/api/v1/tenants/${tenant.id}/live-config/`, {
    token: adminToken,
    body: { provider: 'jitsi', is_active: true, is_default: true, jitsi_domain: jitsiDomain, jitsi_app_id: appId,
      jitsi_jwt_secret: jitsiSecret, webhook_secret: webhookSecret },
  });
  const jitsiConfig = saved.configs.find((c) => c.provider === 'jitsi');
  assert.ok(jitsiConfig, 'the saved configurations include Jitsi');
  assert.equal(jitsiConfig.jitsi_domain, jitsiDomain);

  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--ignore-certificate-errors',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
  });
  const newPage = async (who, viewport = { width: 1280, height: 800 }) => {
    const ctx = await browser.newContext({ viewport, timezoneId: TZ, locale: 'tr-TR', ignoreHTTPSErrors: true,
      acceptDownloads: true });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    // A heartbeat answered 409 once the teacher has ended the class is how the room learns it is
    // over (the page then says so); every other failed request or console error is a problem.
    const expected = (url, status) => status === 409 && /\/heartbeat\/$/.test(url);
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (/status of 409/.test(m.text()) && expected(m.location().url, 409)) return;
      problems.push(`${who} console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${who} page error: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400 && !expected(r.url(), r.status())) problems.push(`${who} got ${r.status()} for ${r.request().method()} ${r.url()}`);
    });
    return page;
  };
  const login = async (page, email, password) => {
    await page.goto(`${base}/`);
    await page.getByLabel('E-posta').fill(email);
    await page.getByLabel('Parola').fill(password);
    await page.getByRole('button', { name: 'Giriş yap' }).click();
    await page.getByRole('heading', { name: 'Canlı dersler' }).waitFor();
  };
  const shot = async (page, name) => {
    await page.screenshot({ path: join(results, `${name}.png`), fullPage: true });
    await checkAccessibility(page, name);
  };
  // The e-mails' /sessions/:id/recordings links move the keyboard focus to the recordings card.
  const expectFocused = async (page, selector) => {
    await page.waitForFunction((sel) => document.activeElement === document.querySelector(sel), selector);
  };
  // axe-core (WCAG 2.1 A/AA rules) on every page we take a picture of: serious and critical findings
  // fail the run. Evaluated through the DevTools protocol, so the page's CSP stays in force.
  const checkAccessibility = async (page, name) => {
    if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource);
    const found = await page.evaluate(async () => {
      // Left out: the provider's frame, and Excalidraw's reset-zoom button (the class whiteboard), named
      // "Reset zoom" while it shows "100%" (label-content-name-mismatch), which the app cannot change.
      const r = await window.axe.run({ include: [document], exclude: [['iframe'], ['.excalidraw .reset-zoom-button']] }, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      });
      return r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    });
    for (const f of found) problems.push(`${name} accessibility: ${f}`);
  };

  step('teacher logs in and schedules a class');
  const tp = await newPage('teacher');
  await login(tp, 'ogretmen@e2e.test', 'ogretmen-parola');
  await shot(tp, '01-sessions-teacher');
  await tp.getByRole('button', { name: 'Ders planla' }).first().click();
  const dialog = tp.getByRole('dialog', { name: 'Ders planla' });
  await dialog.getByLabel('Ders adı').fill('Newton Yasaları');
  const when = await tp.evaluate(() => {
    const pad = (n) => String(n).padStart(2, '0');
    const s = new Date(Date.now() + 10 * 60_000);
    const e = new Date(s.getTime() + 60 * 60_000);
    return {
      date: `${s.getFullYear()}-${pad(s.getMonth() + 1)}-${pad(s.getDate())}`,
      start: `${pad(s.getHours())}:${pad(s.getMinutes())}`,
      end: `${pad(e.getHours())}:${pad(e.getMinutes())}`,
    };
  });
  await dialog.getByLabel('Tarih').fill(when.date);
  await dialog.getByLabel('Başlangıç').fill(when.start);
  await dialog.getByLabel('Bitiş').fill(when.end);
  await shot(tp, '02-schedule-modal');
  await dialog.getByRole('button', { name: 'Planla' }).click();
  await tp.waitForURL(/\/sessions\/[0-9a-f-]{36}$/);
  const sessionId = tp.url().split('/').pop();
  await tp.getByRole('heading', { name: 'Newton Yasaları' }).waitFor();
  await shot(tp, '03-session-page');

  step('teacher starts the class');
  await tp.getByRole('button', { name: 'Dersi başlat' }).click();
  await tp.waitForURL(`${base}/sessions/${sessionId}/room`);
  const teacherRoom = tp.frameLocator('iframe#jitsiConferenceFrame0');
  await teacherRoom.locator('#user').waitFor();
  assert.equal(await teacherRoom.locator('#user').getAttribute('data-moderator'), 'true');
  assert.equal(await teacherRoom.locator('#user').getAttribute('data-name'), 'Ayşe Öğretmen');

  step('student logs in and joins');
  const sp = await newPage('student');
  await login(sp, 'ogrenci@e2e.test', 'ogrenci-parola');
  const card = sp.locator(`[data-session-id="${sessionId}"]`);
  await card.getByText('Canlı').waitFor();
  await shot(sp, '04-sessions-student-live');
  await card.getByRole('button', { name: 'Derse katıl' }).click();
  await sp.waitForURL(`${base}/sessions/${sessionId}/room`);
  const studentRoom = sp.frameLocator('iframe#jitsiConferenceFrame0');
  await studentRoom.locator('#user').waitFor();
  const claims = JSON.parse(await studentRoom.locator('#claims').textContent());
  assert.equal(claims.aud, 'jitsi');
  assert.equal(claims.iss, appId);
  assert.equal(claims.sub, jitsiDomain);
  assert.equal(claims.room, `e2e-${sessionId}`);
  assert.equal(claims.moderator, false);
  assert.equal(claims.context.user.id, student.id);
  assert.equal(claims.context.user.name, 'Ali Öğrenci');
  assert.equal(claims.context.user.email, 'ogrenci@e2e.test');
  assert.equal(claims.context.user.affiliation, 'member');
  assert.ok(claims.exp - Date.now() / 1000 <= 300, 'the join token lives at most 5 minutes');
  assert.equal(await sp.getByRole('button', { name: 'Dersi bitir' }).count(), 0, 'students cannot end the class');
  await shot(sp, '05-room-student');

  step('teacher sees the student in the live panel');
  const panel = tp.locator('.attendance-panel');
  await panel.getByText('Ali Öğrenci').waitFor();
  await panel.getByText('Canlı güncelleniyor').waitFor();
  await shot(tp, '06-room-teacher-panel');

  step('the teacher draws a rectangle on the class whiteboard; the server keeps it and relays it to the student');
  const boardPath = `/api/v1/live-sessions/${sessionId}/whiteboard/`;
  const teacherToken = await tp.evaluate(() => JSON.parse(localStorage.getItem('liveclass.auth')).token);
  // Excalidraw draws on two canvases; the upper ("interactive") one takes the pointer.
  const openBoard = async (page) => {
    await page.getByRole('button', { name: 'Beyaz tahta' }).click();
    const surface = page.getByRole('region', { name: 'Beyaz tahta' }).locator('canvas.interactive');
    await surface.waitFor();
    return surface;
  };
  await openBoard(sp);
  // The student's board learns of the change from its stream and asks for it (GET ?since=).
  const relayed = awaitedLater(sp.waitForResponse(async (r) => {
    if (r.request().method() !== 'GET' || !r.url().includes(`${boardPath}?since=`) || !r.ok()) return false;
    return (await r.json()).elements.some((e) => e.type === 'rectangle');
  }, { timeout: 20_000 }));
  const surface = await openBoard(tp);
  const box = await surface.boundingBox();
  const sent = awaitedLater(tp.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(boardPath)));
  // Excalidraw's shortcuts work while the board has the focus: a click on the empty board gives it.
  await surface.click({ position: { x: box.width * 0.2, y: box.height * 0.2 } });
  await tp.keyboard.press('r');
  await tp.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.35);
  await tp.mouse.down();
  await tp.mouse.move(box.x + box.width * 0.65, box.y + box.height * 0.65, { steps: 10 });
  await tp.mouse.up();
  assert.equal((await sent).status(), 200);
  // The last change carries the rectangle's final size (a long stroke is also sent while drawn).
  for (let i = 0; ; i++) {
    const stored = await api('GET', boardPath, { token: teacherToken });
    const rects = stored.elements.filter((e) => e.type === 'rectangle' && !e.isDeleted);
    if (rects.length === 1 && rects[0].width > 50 && rects[0].height > 50) break;
    if (i > 40) throw new Error(`the board does not hold the rectangle: ${JSON.stringify(stored.elements)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  await relayed;
  // The board as a PDF, at once (the same file becomes an artifact when the class ends).
  const [boardPdf] = await Promise.all([
    tp.waitForEvent('download'),
    tp.getByRole('region', { name: 'Beyaz tahta' }).getByRole('button', { name: 'PDF' }).click(),
  ]);
  assert.equal(boardPdf.suggestedFilename(), `whiteboard-${sessionId}.pdf`);
  assert.equal(readFileSync(await boardPdf.path()).subarray(0, 5).toString('latin1'), '%PDF-');
  await shot(tp, '06b-room-teacher-whiteboard');
  await shot(sp, '06c-room-student-whiteboard');

  step('the teacher’s page saves the room’s public chat, private messages left out');
  await tp.getByText('Sohbet kaydediliyor (yalnızca herkese açık mesajlar)').waitFor();
  // Sent by the 20 s timer or, at the latest, just before the class is ended (next step).
  const chatSaved = awaitedLater(tp.waitForResponse(
    (r) => r.request().method() === 'POST' && r.url().endsWith(`/api/v1/live-sessions/${sessionId}/artifacts/chat/`),
    { timeout: 30_000 },
  ));
  // What the IFrame API reports when someone writes in the room's chat (the stand-in emits it on demand).
  await tp.evaluate(() => {
    const j = window.__fakeJitsi;
    j.emit('incomingMessage', { from: 'abcd1234', nick: 'Ali Öğrenci', privateMessage: false, message: 'Hocam, ikinci yasayı tekrar eder misiniz?' });
    j.emit('incomingMessage', { from: 'abcd1234', nick: 'Ali Öğrenci', privateMessage: true, message: 'Özel bir soru' });
    j.emit('outgoingMessage', { privateMessage: false, message: 'Tabii: F = m·a.' });
  });

  step('teacher ends the class and opens the report');
  tp.once('dialog', (d) => d.accept());
  await tp.getByRole('button', { name: 'Dersi bitir' }).click();
  const chatResponse = await chatSaved;
  assert.equal(chatResponse.status(), 200);
  const chatBody = chatResponse.request().postDataJSON();
  // The page's clock as the request went out: the server corrects the lines' times for its skew.
  assert.match(chatBody.sent_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  assert.ok(Math.abs(Date.parse(chatBody.sent_at) - Date.now()) < 120_000, `sent_at ${chatBody.sent_at}`);
  assert.deepEqual(
    chatBody.messages.map((m) => [m.sender, m.message]),
    [['Ali Öğrenci', 'Hocam, ikinci yasayı tekrar eder misiniz?'], ['Ayşe Öğretmen', 'Tabii: F = m·a.']],
  );
  assert.equal((await chatResponse.json()).added, 2);
  await tp.getByRole('link', { name: 'Yoklama raporunu aç' }).click();
  await tp.waitForURL(`${base}/sessions/${sessionId}/attendance`);
  // The report is computed by a job right after the end; reload until it is there.
  for (let i = 0; ; i++) {
    await tp.getByRole('heading', { name: /Yoklama raporu/ }).first().waitFor();
    await tp.getByText(/Ali Öğrenci|hesaplan/).first().waitFor();
    if ((await tp.locator('table').first().getByText(/Ali Öğrenci/).count()) > 0) break;
    if (i > 40) {
      await tp.screenshot({ path: join(results, '07-attendance-report-missing.png'), fullPage: true });
      throw new Error('the attendance report never listed the student');
    }
    await tp.waitForTimeout(500);
    await tp.reload();
  }
  // The coach (seed 13.5) under the timeline: a short class its one student attended throughout has
  // nothing to point out.
  await tp.getByRole('heading', { name: 'Öne çıkanlar ve öneriler' }).waitFor();
  await tp.getByText('Bu derste öne çıkan bir şey yok: katılım dengeli gitti.').waitFor();
  await shot(tp, '07-attendance-report');
  const [download] = await Promise.all([tp.waitForEvent('download'), tp.getByRole('button', { name: 'CSV indir' }).click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.match(csv, /Ali Öğrenci/);
  assert.ok(csv.charCodeAt(0) === 0xfeff, 'the CSV starts with a byte-order mark for Excel');

  step('a recording arrives through the signed Jitsi webhook; the teacher publishes it');
  const playbackUrl = `https://${jitsiDomain}/recordings/jibri-1.mp4`;
  const event = JSON.stringify({ id: `e2e-${randomUUID()}`, event: 'recording_ready', room: `e2e-${sessionId}`,
    recording_id: 'jibri-1', url: playbackUrl, duration_seconds: 3120, size_bytes: 412300000 });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', webhookSecret).update(`${timestamp}.${event}`).digest('hex');
  const accepted = await api('POST', '/api/v1/live-sessions/webhooks/jitsi/', {
    body: event, headers: { 'X-Live-Timestamp': timestamp, 'X-Live-Signature': `sha256=${signature}` },
  });
  assert.equal(accepted.status, 'accepted');
  await tp.goto(`${base}/sessions/${sessionId}/recordings`);
  const teacherRecordings = tp.getByRole('region', { name: /Kayıtlar/ });
  // The webhook is processed by jobs (the inbox drain, then the recording's processing): reload until
  // the recording is listed as ready.
  for (let i = 0; ; i++) {
    await teacherRecordings.getByText(/Henüz kayıt yok|kaydı$/).first().waitFor();
    if ((await teacherRecordings.locator('[data-status="ready"]').count()) > 0) break;
    if (i > 40) {
      await tp.screenshot({ path: join(results, '09-recordings-teacher-missing.png'), fullPage: true });
      const seen = await teacherRecordings.locator('[data-status]').evaluateAll((els) => els.map((e) => e.dataset.status));
      throw new Error(`the recording never became ready (the list shows ${seen.length ? seen.join(', ') : 'none'})`);
    }
    await tp.waitForTimeout(500);
    await tp.reload();
  }
  await expectFocused(tp, '#recordings-panel-title');
  const teacherRecording = teacherRecordings.locator('li[data-recording-id]');
  assert.equal(await teacherRecording.count(), 1, 'one recording');
  await teacherRecording.getByText('Hazır (yayında değil)').waitFor();
  await shot(tp, '09-recordings-teacher-ready');
  await teacherRecording.getByRole('button', { name: 'Yayınla' }).click();
  await teacherRecording.locator('[data-status="published"]').getByText('Yayında').waitFor();
  await teacherRecordings.getByText('Kayıt yayınlandı; öğrencilere e-postayla haber verilecek.').waitFor();
  await teacherRecording.getByRole('button', { name: 'Yayından kaldır' }).waitFor();
  await shot(tp, '10-recordings-teacher-published');

  step('the student watches the published recording');
  await sp.goto(`${base}/sessions/${sessionId}/recordings`);
  const studentRecordings = sp.getByRole('region', { name: /Kayıtlar/ });
  const studentRecording = studentRecordings.locator('li[data-recording-id]');
  await studentRecording.locator('[data-status="published"]').getByText('Yayında').waitFor();
  await expectFocused(sp, '#recordings-panel-title');
  assert.equal(await studentRecording.count(), 1, 'the student sees the one published recording');
  assert.deepEqual(await studentRecording.getByRole('button').allTextContents(), ['İzle'],
    'a student may only watch');
  await shot(sp, '11-recordings-student');
  const [popup] = await Promise.all([
    sp.waitForEvent('popup', { timeout: 30_000 }),
    studentRecording.getByRole('button', { name: 'İzle' }).click(),
  ]);
  popup.on('pageerror', (e) => problems.push(`recording tab page error: ${e.message}`));
  popup.on('response', (r) => {
    if (r.status() >= 400) problems.push(`recording tab got ${r.status()} for ${r.request().method()} ${r.url()}`);
  });
  // Our signed link (/api/v1/recordings/play/<token>/) answers 303 to the provider's playback address.
  await popup.waitForURL(playbackUrl, { timeout: 30_000 });
  assert.equal(popup.url(), playbackUrl);
  await studentRecordings.getByText('Video yeni bir sekmede açıldı.').waitFor();
  const link = await studentRecordings.getByRole('link', { name: 'Açılmadıysa buraya tıklayın' }).getAttribute('href');
  assert.match(link, new RegExp(`^${base}/api/v1/recordings/play/[^/]+/$`));
  await popup.close();
  await shot(sp, '12-recordings-student-opened');

  step('phone width, English');
  const mp = await newPage('phone', { width: 360, height: 740 });
  await mp.goto(`${base}/login`);
  await mp.getByRole('combobox').selectOption('en');
  await mp.getByRole('button', { name: 'Sign in' }).waitFor();
  await mp.getByLabel('E-mail').fill('ogrenci@e2e.test');
  await mp.getByLabel('Password').fill('ogrenci-parola');
  await mp.getByRole('button', { name: 'Sign in' }).click();
  await mp.getByRole('heading', { name: 'Live classes' }).waitFor();
  await mp.getByRole('tab', { name: 'Past' }).click();
  try {
    await mp.locator(`[data-session-id="${sessionId}"]`).getByText('Ended', { exact: true }).waitFor();
  } finally {
    await mp.screenshot({ path: join(results, '08-phone-english.png'), fullPage: true });
  }
  const overflow = await mp.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than a 360px phone`);
  await shot(mp, '08-phone-english');

  assert.deepEqual(problems, [], 'no console errors');
  console.log(`e2e: passed; screenshots in ${results}`);
}

try {
  await main();
} catch (e) {
  console.error(e);
  if (problems.length) console.error(problems.join('\n'));
  if (serverLog) {
    writeFileSync(join(results, 'server.log'), serverLog);
    console.error(`server log (last lines; all of it in ${join(results, 'server.log')}):\n${
      serverLog.trimEnd().split('\n').slice(-20).join('\n')}`);
  }
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
  fake?.close();
  for (const c of children) c.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
