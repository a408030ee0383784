import { describe, expect, it } from 'vitest';
import { localeModules as modules } from '.';

describe('locales', () => {
  it.each(Object.entries(modules))('%s has the same keys in Turkish and English, none empty', (_name, m) => {
    expect(Object.keys(m.en).sort()).toEqual(Object.keys(m.tr).sort());
    for (const lang of ['tr', 'en'] as const)
      for (const [k, v] of Object.entries(m[lang])) expect(v.trim(), `${lang} ${k}`).not.toBe('');
  });

  it('has no key in two modules (a later module would silently replace the earlier text)', () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const [name, m] of Object.entries(modules))
      for (const k of Object.keys(m.tr)) {
        if (seen.has(k)) twice.push(`${k} (${seen.get(k)}, ${name})`);
        seen.set(k, name);
      }
    expect(twice).toEqual([]);
  });
});
