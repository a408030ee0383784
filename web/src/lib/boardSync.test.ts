import { describe, expect, it } from 'vitest';
import {
  BoardSync,
  KEPT_TYPES,
  MAX_BATCH,
  MAX_BATCH_BYTES,
  batchBytes,
  compareOrder,
  mergeElements,
  shouldReplace,
  utf8Length,
  winningElements,
  type BoardElement,
} from './boardSync';

type El = BoardElement & { x?: number; text?: string };

const el = (id: string, over: Partial<El> = {}): El => ({
  id,
  type: 'rectangle',
  version: 1,
  versionNonce: 100,
  index: 'a0',
  isDeleted: false,
  ...over,
});
const ids = (els: readonly BoardElement[]) => els.map((e) => e.id);

describe('shouldReplace', () => {
  it('takes the higher version', () => {
    expect(shouldReplace(el('a', { version: 3 }), el('a', { version: 2 }))).toBe(true);
    expect(shouldReplace(el('a', { version: 2 }), el('a', { version: 3 }))).toBe(false);
  });

  it('takes the higher version whatever the nonces', () => {
    expect(shouldReplace(el('a', { version: 3, versionNonce: 999 }), el('a', { version: 2, versionNonce: 1 }))).toBe(true);
    expect(shouldReplace(el('a', { version: 2, versionNonce: 1 }), el('a', { version: 3, versionNonce: 999 }))).toBe(false);
  });

  it('on the same version takes the lower nonce', () => {
    expect(shouldReplace(el('a', { version: 4, versionNonce: 10 }), el('a', { version: 4, versionNonce: 20 }))).toBe(true);
    expect(shouldReplace(el('a', { version: 4, versionNonce: 20 }), el('a', { version: 4, versionNonce: 10 }))).toBe(false);
  });

  it('keeps the stored copy when both are the same (nothing to replace)', () => {
    expect(shouldReplace(el('a', { version: 4, versionNonce: 10 }), el('a', { version: 4, versionNonce: 10 }))).toBe(false);
  });

  it('takes any element nothing is stored for', () => {
    expect(shouldReplace(el('a'), undefined)).toBe(true);
  });

  it('gives the same drawing whichever order two concurrent edits cross in', () => {
    const mine = el('a', { version: 5, versionNonce: 7, x: 1 });
    const theirs = el('a', { version: 5, versionNonce: 3, x: 2 });
    const here = mergeElements([mine], [theirs]);
    const there = mergeElements([theirs], [mine]);
    expect(here).toEqual(there);
    expect(here[0].x).toBe(2);
  });
});

describe('mergeElements', () => {
  it('replaces the elements the remote copy wins, keeps those it loses, adds new ones', () => {
    const local = [
      el('a', { version: 2, x: 1, index: 'a0' }),
      el('b', { version: 5, x: 1, index: 'a1' }),
      el('c', { version: 3, versionNonce: 50, x: 1, index: 'a2' }),
    ];
    const remote = [
      el('a', { version: 3, x: 2, index: 'a0' }), // higher version: wins
      el('b', { version: 4, x: 2, index: 'a1' }), // lower: loses
      el('c', { version: 3, versionNonce: 40, x: 2, index: 'a2' }), // tie, lower nonce: wins
      el('d', { x: 2, index: 'a3' }), // new
    ];
    const merged = mergeElements(local, remote);
    expect(merged.map((e) => [e.id, e.version, e.x])).toEqual([
      ['a', 3, 2],
      ['b', 5, 1],
      ['c', 3, 2],
      ['d', 1, 2],
    ]);
  });

  it('keeps the local copy on a tie with a higher remote nonce', () => {
    const merged = mergeElements([el('a', { version: 3, versionNonce: 10, x: 1 })], [el('a', { version: 3, versionNonce: 11, x: 2 })]);
    expect(merged[0].x).toBe(1);
  });

  it('applies a deletion that wins and keeps the deleted element (Excalidraw keeps them, marked)', () => {
    const merged = mergeElements([el('a', { version: 2 }), el('b', { index: 'a1' })], [el('a', { version: 3, isDeleted: true })]);
    expect(merged).toHaveLength(2);
    expect(merged[0]).toMatchObject({ id: 'a', version: 3, isDeleted: true });
  });

  it('ignores a stale deletion', () => {
    const merged = mergeElements([el('a', { version: 4 })], [el('a', { version: 3, isDeleted: true })]);
    expect(merged[0]).toMatchObject({ version: 4, isDeleted: false });
  });

  it('revives an element a newer remote copy undeletes', () => {
    const merged = mergeElements([el('a', { version: 4, isDeleted: true })], [el('a', { version: 5, isDeleted: false })]);
    expect(merged[0].isDeleted).toBe(false);
  });

  it('orders by fractional index as a plain string (code-unit order), then by id', () => {
    const merged = mergeElements(
      [el('x', { index: 'a1' }), el('y', { index: 'Zz' })],
      [el('b', { index: 'a0V' }), el('a', { index: 'a0V' }), el('c', { index: 'a0' })],
    );
    // 'Z' < 'a' in code units (localeCompare would put them the other way round).
    expect(ids(merged)).toEqual(['y', 'c', 'a', 'b', 'x']);
  });

  it('compares indexes and ids as plain strings: a missing index is "", ties go by id', () => {
    expect(compareOrder(el('a', { index: null }), el('b', { index: '' }))).toBe(-1);
    expect(compareOrder(el('b', { index: undefined }), el('a', { index: '' }))).toBe(1);
    expect(compareOrder(el('z', { index: null }), el('a', { index: 'a0' }))).toBe(-1);
    expect(compareOrder(el('a', { index: 'a0' }), el('a', { index: 'a0' }))).toBe(0);
    // Upper case before lower case, shorter before longer: code units, not the locale's collation.
    expect(compareOrder(el('a', { index: 'b0' }), el('b', { index: 'B1' }))).toBe(1);
    expect(compareOrder(el('a', { index: 'a0' }), el('b', { index: 'a0V' }))).toBe(-1);
    expect(compareOrder(el('B', { index: 'a0' }), el('a', { index: 'a0' }))).toBe(-1);
  });

  it('moves an element when the remote copy that wins has another index', () => {
    const merged = mergeElements(
      [el('a', { index: 'a0' }), el('b', { index: 'a1' })],
      [el('a', { version: 2, index: 'a2' })],
    );
    expect(ids(merged)).toEqual(['b', 'a']);
  });

  it('puts elements without an index (missing or null) first, as the server does (index ""), by id', () => {
    const merged = mergeElements(
      [el('b', { index: null }), el('a', { index: 'a5' }), el('0', { index: 'Zz' })],
      [el('c', { index: undefined }), el('a1', { index: null })],
    );
    expect(ids(merged)).toEqual(['a1', 'b', 'c', '0', 'a']);
  });

  it('returns a new array and changes neither input', () => {
    const local = Object.freeze([el('b', { index: 'a1' }), el('a', { index: 'a0' })]);
    const remote = Object.freeze([el('a', { version: 2, index: 'a0' })]);
    const merged = mergeElements(local, remote);
    expect(merged).not.toBe(local);
    expect(ids(local)).toEqual(['b', 'a']);
    expect(local[1].version).toBe(1);
  });

  it('lists the remote elements that win', () => {
    const local = [el('a', { version: 2 }), el('b', { version: 2 })];
    const remote = [el('a', { version: 1 }), el('b', { version: 3 }), el('c')];
    expect(ids(winningElements(local, remote))).toEqual(['b', 'c']);
  });
});

describe('BoardSync', () => {
  it('sends every kept element of a new board, then nothing until one changes', () => {
    const sync = new BoardSync();
    const scene = [el('a'), el('b', { index: 'a1' })];
    expect(ids(sync.changes(scene))).toEqual(['a', 'b']);
    sync.markSent(sync.changes(scene));
    expect(sync.changes(scene)).toEqual([]);
    expect(sync.hasChanges(scene)).toBe(false);
    const moved = [scene[0], el('b', { index: 'a1', version: 2, versionNonce: 7 })];
    expect(ids(sync.changes(moved))).toEqual(['b']);
    expect(sync.hasChanges(moved)).toBe(true);
  });

  it('sends nothing of a board just loaded', () => {
    const sync = new BoardSync();
    const board = [el('a', { version: 7 }), el('b', { version: 2 })];
    sync.markSeen(board);
    expect(sync.changes(board)).toEqual([]);
    expect(sync.seenVersion('a')).toBe(7);
    expect(sync.seenVersion('z')).toBeUndefined();
  });

  it('sends a deletion of an element the server has', () => {
    const sync = new BoardSync();
    sync.markSeen([el('a', { version: 2 })]);
    const deleted = el('a', { version: 3, isDeleted: true });
    expect(sync.changes([deleted])).toEqual([deleted]);
  });

  it('does not send an element drawn and deleted before it was ever sent', () => {
    const sync = new BoardSync();
    expect(sync.changes([el('a', { version: 3, isDeleted: true })])).toEqual([]);
  });

  it('sends an element with the server’s version but another nonce (the page’s copy won the tie)', () => {
    const sync = new BoardSync();
    sync.markSeen([el('a', { version: 4, versionNonce: 90 })]);
    expect(ids(sync.changes([el('a', { version: 4, versionNonce: 10 })]))).toEqual(['a']);
  });

  it('keeps sending a local edit that is newer than what was received', () => {
    const sync = new BoardSync();
    sync.markSent([el('a', { version: 2 })]);
    sync.markSeen([el('a', { version: 3 })]); // another page's edit arrives
    expect(ids(sync.changes([el('a', { version: 4 })]))).toEqual(['a']);
    expect(sync.changes([el('a', { version: 3 })])).toEqual([]);
  });

  it('filters to the kept types', () => {
    const sync = new BoardSync();
    const scene = [
      ...[...KEPT_TYPES].map((type) => el(`k-${type}`, { type })),
      el('img', { type: 'image' }),
      el('emb', { type: 'embeddable' }),
      el('ifr', { type: 'iframe' }),
      el('mf', { type: 'magicframe' }),
    ];
    expect(ids(sync.changes(scene))).toEqual([
      'k-rectangle',
      'k-ellipse',
      'k-diamond',
      'k-line',
      'k-arrow',
      'k-freedraw',
      'k-text',
      'k-frame',
    ]);
  });

  it('sends at most 500 in a batch; the rest go in the next ones', () => {
    const sync = new BoardSync();
    const scene = Array.from({ length: 1_234 }, (_, i) => el(`e${String(i).padStart(4, '0')}`));
    const first = sync.changes(scene);
    expect(first).toHaveLength(MAX_BATCH);
    expect(MAX_BATCH).toBe(500);
    expect(first[0].id).toBe('e0000');
    sync.markSent(first);
    const second = sync.changes(scene);
    expect(second).toHaveLength(500);
    expect(second[0].id).toBe('e0500');
    sync.markSent(second);
    const third = sync.changes(scene);
    expect(third).toHaveLength(234);
    sync.markSent(third);
    expect(sync.changes(scene)).toEqual([]);
  });

  it('caps a batch at about 900 000 bytes of PATCH body', () => {
    const sync = new BoardSync();
    const text = 'ş'.repeat(50_000); // 100 000 bytes in UTF-8
    const scene = Array.from({ length: 20 }, (_, i) => el(`e${String(i).padStart(2, '0')}`, { text }));
    const first = sync.changes(scene);
    expect(first.length).toBeGreaterThan(1);
    expect(batchBytes(first)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    expect(batchBytes([...first, scene[first.length]])).toBeGreaterThan(MAX_BATCH_BYTES);
    expect(first).toHaveLength(8);
    // A smaller cap (after the server refused a batch as too large) makes smaller batches.
    expect(sync.changes(scene, MAX_BATCH, 250_000)).toHaveLength(2);
    // None is left out: batch after batch, all go.
    const sent: string[] = [];
    for (let batch = sync.changes(scene); batch.length > 0; batch = sync.changes(scene)) {
      expect(batchBytes(batch)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
      sync.markSent(batch);
      sent.push(...ids(batch));
    }
    expect(sent).toEqual(ids(scene));
  });

  it('sends an element larger than the cap alone', () => {
    const sync = new BoardSync();
    const big = el('big', { index: 'a1', text: 'x'.repeat(MAX_BATCH_BYTES) });
    const scene = [el('a'), big, el('c', { index: 'a2' })];
    expect(ids(sync.changes(scene))).toEqual(['a']);
    sync.markSent([scene[0]]);
    expect(ids(sync.changes(scene))).toEqual(['big']);
    sync.markSent([big]);
    expect(ids(sync.changes(scene))).toEqual(['c']);
    // Whether anything is left to send does not depend on the size.
    expect(sync.hasChanges(scene)).toBe(true);
  });

  it('counts bytes as UTF-8, as the body goes out', () => {
    for (const s of ['', 'abc', 'çğış', '€', '😀 and 🎨', '{"elements":[]}'])
      expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
    expect(batchBytes([el('a')])).toBe(new TextEncoder().encode(JSON.stringify({ elements: [el('a')] })).length);
  });

  it('takes a smaller limit', () => {
    const sync = new BoardSync();
    expect(ids(sync.changes([el('a'), el('b'), el('c')], 2))).toEqual(['a', 'b']);
  });

  it('counts the batch of a failed request as unsent again', () => {
    const sync = new BoardSync();
    sync.markSeen([el('a', { version: 1 })]);
    const batch = [el('a', { version: 2 }), el('b')];
    const undo = sync.markSent(batch);
    expect(sync.changes(batch)).toEqual([]);
    undo();
    expect(ids(sync.changes(batch))).toEqual(['a', 'b']);
    expect(sync.seenVersion('a')).toBe(1);
    expect(sync.seenVersion('b')).toBeUndefined();
  });

  it('keeps what was received meanwhile when undoing a failed batch', () => {
    const sync = new BoardSync();
    const undo = sync.markSent([el('a', { version: 2 }), el('b', { version: 2 })]);
    sync.markSeen([el('a', { version: 5 })]);
    undo();
    expect(sync.seenVersion('a')).toBe(5);
    expect(sync.seenVersion('b')).toBeUndefined();
  });
});
