import { afterEach, describe, expect, it, vi } from 'vitest';
import i18n from '../i18n';
import { ApiClient, ApiError, toApiError } from '../api/client';
import { problem } from '../test/api';
import { errorMessage } from './errors';

const t = i18n.t.bind(i18n);

afterEach(async () => {
  vi.unstubAllGlobals();
  await i18n.changeLanguage('tr');
});

describe('errorMessage', () => {
  it.each([
    ['unauthenticated', 401, 'Oturumunuzun süresi doldu; lütfen yeniden giriş yapın.'],
    ['forbidden', 403, 'Bu işlem için yetkiniz yok.'],
    ['not-found', 404, 'Aradığınız kayıt bulunamadı.'],
    ['conflict', 409, 'Bu işlem dersin şu anki durumunda yapılamaz.'],
    ['validation-error', 422, 'Gönderilen bilgilerde hata var.'],
    ['bad-request', 400, 'Gönderilen bilgilerde hata var.'],
    ['unavailable', 503, 'Hizmet şu an yanıt veremiyor; birazdan tekrar deneyin.'],
    ['rate-limited', 429, 'Çok fazla deneme yapıldı; biraz bekleyip tekrar deneyin.'],
    ['internal-error', 500, 'Sunucuda beklenmeyen bir hata oluştu; tekrar deneyin, sürerse yöneticinize bildirin.'],
    ['already-exists', 409, 'Bu kayıt zaten var.'],
    ['payload-too-large', 413, 'Gönderilen veri çok büyük.'],
    ['not-implemented', 501, 'Bu platform bu işlemi desteklemiyor.'],
  ])('translates %s and adds the server’s detail', async (kind, status, head) => {
    const e = await toApiError(problem(kind, status, 'the exact cause'));
    expect(errorMessage(e, t)).toBe(`${head} (the exact cause)`);
  });

  it('gives the translated kind alone when the server sent no detail', async () => {
    expect(errorMessage(await toApiError(problem('forbidden', 403, '')), t)).toBe('Bu işlem için yetkiniz yok.');
  });

  it('says how many seconds to wait when a 429 carries Retry-After', async () => {
    const e = await toApiError(problem('rate-limited', 429, 'too many join attempts', {}, { 'Retry-After': '42' }));
    expect(e.retryAfter).toBe(42);
    expect(errorMessage(e, t)).toBe('Çok fazla deneme yapıldı; 42 saniye sonra tekrar deneyin. (too many join attempts)');
  });

  it('ignores a Retry-After that is an HTTP date', async () => {
    const e = await toApiError(problem('rate-limited', 429, '', {}, { 'Retry-After': 'Wed, 21 Oct 2026 07:28:00 GMT' }));
    expect(errorMessage(e, t)).toBe('Çok fazla deneme yapıldı; biraz bekleyip tekrar deneyin.');
  });

  it('keeps the status line of an answer that is not JSON', async () => {
    const e = await toApiError(new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    expect(e.status).toBe(502);
    expect(errorMessage(e, t)).toBe('Bir şeyler ters gitti; lütfen tekrar deneyin.');
  });

  it('reports a network failure as such', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    const err = await new ApiClient(() => 'tok').get('/api/v1/live-sessions/').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(errorMessage(err, t)).toBe('Sunucuya ulaşılamadı; bağlantınızı kontrol edip tekrar deneyin.');
  });

  it('gives the generic message for anything that is not an API error', () => {
    expect(errorMessage(new Error('boom'), t)).toBe('Bir şeyler ters gitti; lütfen tekrar deneyin.');
  });

  it('speaks English when the language is English', async () => {
    await i18n.changeLanguage('en');
    const e = await toApiError(problem('conflict', 409, 'the session has not started yet'));
    expect(errorMessage(e, t)).toBe('This is not possible in the class’s current state. (the session has not started yet)');
  });
});
