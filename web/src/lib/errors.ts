import type { TFunction } from 'i18next';
import { ApiError, NETWORK_PROBLEM } from '../api/client';

/**
 * A message a person can act on, in their language: the kind of problem translated, followed by the
 * server's own detail (which names the exact cause) when there is one.
 */
export function errorMessage(e: unknown, t: TFunction): string {
  if (!(e instanceof ApiError)) return t('error.generic');
  const p = e.problem;
  if (p.type === NETWORK_PROBLEM) return t('error.network');
  const kind = p.type.split('/').pop() ?? '';
  let head: string;
  switch (kind) {
    case 'rate-limited':
      head = e.retryAfter ? t('error.rateLimitedIn', { seconds: e.retryAfter }) : t('error.rateLimited');
      break;
    case 'unauthenticated':
      head = t('error.unauthenticated');
      break;
    case 'forbidden':
      head = t('error.forbidden');
      break;
    case 'not-found':
      head = t('error.notFound');
      break;
    case 'conflict':
      head = t('error.conflict');
      break;
    case 'validation-error':
    case 'bad-request':
      head = t('error.validation');
      break;
    case 'unavailable':
      head = t('error.unavailable');
      break;
    case 'already-exists':
      head = t('error.alreadyExists');
      break;
    case 'payload-too-large':
      head = t('error.tooLarge');
      break;
    case 'not-implemented':
      head = t('error.notImplemented');
      break;
    case 'internal-error':
      head = t('error.internal');
      break;
    default:
      head = t('error.generic');
  }
  return p.detail ? `${head} (${p.detail})` : head;
}
