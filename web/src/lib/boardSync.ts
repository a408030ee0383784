// The class whiteboard's bookkeeping (docs/whiteboard.md), without React or Excalidraw: which of two
// copies of an element wins, how the server's elements go into the page's drawing, and which of the
// page's elements the server has not seen yet.
import type { WhiteboardElement } from '../api/types';

/**
 * The fields of an Excalidraw element the sync reads; the others travel untouched. `index` is
 * Excalidraw's fractional index: the drawing order, compared as a plain string.
 */
export type BoardElement = Pick<WhiteboardElement, 'id' | 'type' | 'version' | 'versionNonce' | 'index' | 'isDeleted'>;

/** The element types the server keeps; images and embedded pages are not (they stay on this page). */
export const KEPT_TYPES: ReadonlySet<string> = new Set([
  'rectangle',
  'ellipse',
  'diamond',
  'line',
  'arrow',
  'freedraw',
  'text',
  'frame',
]);

/** The most elements one PATCH may carry. */
export const MAX_BATCH = 500;

/**
 * The most bytes one PATCH body (`{"elements":[…]}`) is made of: the server refuses bodies over 1 MiB
 * (413), and this leaves room. An element larger than this on its own is sent alone.
 */
export const MAX_BATCH_BYTES = 900_000;

/** The bytes a string takes in UTF-8 (as it goes in a request body), without encoding it. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4; // a surrogate pair: one code point
      i++;
    } else n += 3;
  }
  return n;
}

/** The bytes of the PATCH body that carries these elements. */
export function batchBytes(batch: readonly unknown[]): number {
  return utf8Length(JSON.stringify({ elements: batch }));
}

const ENVELOPE_BYTES = batchBytes([]);

/**
 * Excalidraw's rule for concurrent edits, the server's too: the incoming copy replaces the stored one
 * when its version is higher, or the version is the same and its versionNonce lower. Every page applying
 * it to what it receives ends with the same drawing, whatever order the changes cross in.
 */
export function shouldReplace(
  incoming: Pick<BoardElement, 'version' | 'versionNonce'>,
  stored: Pick<BoardElement, 'version' | 'versionNonce'> | undefined,
): boolean {
  if (!stored) return true;
  if (incoming.version !== stored.version) return incoming.version > stored.version;
  return incoming.versionNonce < stored.versionNonce;
}

/**
 * Drawing order, the server's: by fractional index as a plain string, an element without one (missing
 * or null) counting as "" and so at the bottom, then by id. Compared with < and > (code units, as
 * Excalidraw does), never localeCompare; indexes are letters and digits, so this is the server's byte
 * order too.
 */
export function compareOrder(a: BoardElement, b: BoardElement): number {
  const ai = a.index ?? '';
  const bi = b.index ?? '';
  if (ai !== bi) return ai < bi ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The page's elements with the server's merged in: each remote element takes the place of the local one
 * with its id when it wins by `shouldReplace` (deleted ones too: Excalidraw keeps them, marked), new ones
 * are added, and the result is in drawing order. Neither array is changed.
 */
export function mergeElements<T extends BoardElement>(local: readonly T[], remote: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const e of local) byId.set(e.id, e);
  for (const e of remote) if (shouldReplace(e, byId.get(e.id))) byId.set(e.id, e);
  return [...byId.values()].sort(compareOrder);
}

/** The remote elements that win over the page's copies (what merging would change). */
export function winningElements<T extends BoardElement>(local: readonly T[], remote: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const e of local) byId.set(e.id, e);
  return remote.filter((e) => shouldReplace(e, byId.get(e.id)));
}

type Seen = { version: number; versionNonce: number };

/**
 * What the server holds, as far as this page knows: the version (and nonce) of each element last sent to
 * it or received from it. An element of the page has to be sent when its copy differs from that one.
 * The nonce counts too: two pages may make the same version of an element, and when the server's is
 * the one that loses here, this page's still has to reach it.
 */
export class BoardSync {
  private readonly seen = new Map<string, Seen>();

  /** The server holds these elements as they are (the board loaded, received, or answered to a PATCH). */
  markSeen(elements: readonly BoardElement[]): void {
    for (const e of elements) this.seen.set(e.id, { version: e.version, versionNonce: e.versionNonce });
  }

  /** The version of an element the server was last known to hold. */
  seenVersion(id: string): number | undefined {
    return this.seen.get(id)?.version;
  }

  /**
   * Counts a batch as sent (so the next batch does not carry it again) and returns what undoes that, for
   * a request that failed and has to be sent again. The undo leaves alone the elements received since.
   */
  markSent(batch: readonly BoardElement[]): () => void {
    const before = batch.map((e) => [e.id, this.seen.get(e.id)] as const);
    this.markSeen(batch);
    return () => {
      before.forEach(([id, prev], i) => {
        const now = this.seen.get(id);
        const sent = batch[i];
        if (now && now.version === sent.version && now.versionNonce === sent.versionNonce) {
          if (prev) this.seen.set(id, prev);
          else this.seen.delete(id);
        }
      });
    };
  }

  /**
   * The page's elements the server has not seen as they are now, in the page's order: only the kept
   * types, at most `limit` of them and at most `maxBytes` of PATCH body (the rest go in the next batch;
   * an element larger than `maxBytes` goes alone). An element drawn and deleted before it was ever
   * sent is not sent at all.
   */
  changes<T extends BoardElement>(scene: readonly T[], limit = MAX_BATCH, maxBytes = MAX_BATCH_BYTES): T[] {
    const out: T[] = [];
    let size = ENVELOPE_BYTES;
    for (const e of scene) {
      if (out.length >= limit) break;
      if (!KEPT_TYPES.has(e.type)) continue;
      const s = this.seen.get(e.id);
      const unsent = s ? s.version !== e.version || s.versionNonce !== e.versionNonce : !e.isDeleted;
      if (!unsent) continue;
      if (maxBytes !== Infinity) {
        const n = utf8Length(JSON.stringify(e)) + (out.length > 0 ? 1 : 0); // and the comma before it
        if (out.length > 0 && size + n > maxBytes) break;
        size += n;
      }
      out.push(e);
    }
    return out;
  }

  /** Whether any element of the page still has to be sent. */
  hasChanges(scene: readonly BoardElement[]): boolean {
    return this.changes(scene, 1, Infinity).length > 0;
  }
}
