// Writes a gzip copy (file.gz, level 9) next to every compressible file of the build, so the C++
// server sends compressed bytes without compressing on each request (see src/http/static_site.hpp).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const root = new URL('../dist/', import.meta.url).pathname;
const compressible = /\.(js|mjs|css|html|svg|json|txt|webmanifest)$/;
let files = 0;
let before = 0;
let after = 0;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (compressible.test(name)) {
      const body = readFileSync(path);
      if (body.length < 1024) continue; // not worth a second request path
      const gz = gzipSync(body, { level: constants.Z_BEST_COMPRESSION });
      if (gz.length >= body.length) continue;
      writeFileSync(`${path}.gz`, gz);
      files += 1;
      before += body.length;
      after += gz.length;
    }
  }
}

walk(root);
console.log(`compress: ${files} files, ${(before / 1024).toFixed(1)} KB -> ${(after / 1024).toFixed(1)} KB gzip`);
