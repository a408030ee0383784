import '@testing-library/jest-dom/vitest';
import { afterEach, vi } from 'vitest';
import { cleanup } from '@testing-library/react';
import i18n from '../i18n';

// Every test file starts from the same place: nothing mounted, real timers, no stubbed globals
// (fetch, EventSource, media devices), spies restored, no stored session, Turkish.
afterEach(async () => {
  cleanup(); // unmount before switching the language back, so nothing re-renders outside act()
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  localStorage.clear();
  await i18n.changeLanguage('tr');
});
