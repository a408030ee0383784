// Copies Excalidraw's fonts into the build (dist/assets/excalidraw/fonts/), where the whiteboard loads
// them (excalidrawFontsFromApp in vite.config.ts): Excalidraw would fetch them from its CDN, which the
// app's Content-Security-Policy (default-src 'self') does not allow. Their names carry a content hash,
// so they are cached as the other /assets/ files. Xiaolai (the hand-drawn font for Chinese, Japanese
// and Korean, 13 MB in 209 pieces) is left out: the server holds the build in memory, and such text is
// drawn in a system font instead.
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const from = new URL('../node_modules/@excalidraw/excalidraw/dist/prod/fonts/', import.meta.url).pathname;
const to = new URL('../dist/assets/excalidraw/fonts/', import.meta.url).pathname;
const SKIP = new Set(['Xiaolai']);

if (!existsSync(from)) {
  console.error(`excalidraw-assets: no fonts at ${from} (run npm ci)`);
  process.exit(1);
}
rmSync(to, { recursive: true, force: true });
let files = 0;
let bytes = 0;
for (const family of readdirSync(from)) {
  if (SKIP.has(family)) continue;
  cpSync(join(from, family), join(to, family), { recursive: true });
  for (const f of readdirSync(join(to, family))) {
    files += 1;
    bytes += statSync(join(to, family, f)).size;
  }
}
console.log(`excalidraw-assets: ${files} font files, ${(bytes / 1024).toFixed(1)} KB -> dist/assets/excalidraw/fonts/`);
