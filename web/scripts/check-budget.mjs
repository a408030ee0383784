// The first-load budget of issue 7: the JavaScript a browser must download before the first page
// works (the entry chunk and everything it imports statically; lazily loaded pages excluded) stays
// under 300 KB gzipped. Fails the build when it does not, and prints what the load is made of.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 300;
const dist = new URL('../dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'), 'utf8');

const entries = [...html.matchAll(/<script[^>]+src="\/([^"]+\.js)"/g)].map((m) => m[1]);
const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+\.js)"/g)].map((m) => m[1]);
if (entries.length === 0) {
  console.error('check-budget: no entry script in dist/index.html');
  process.exit(1);
}

// Static imports only: `import{a}from"./x.js"`, `import"./x.js"`, `export{a}from"./x.js"`;
// never `import("./x.js")`, which is a lazily loaded chunk.
const staticImport = /(?:^|[;\n}])\s*(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.\/[^"']+\.js)["']/g;
const seen = new Set();
const queue = [...entries, ...preloads];
while (queue.length) {
  const file = queue.shift();
  if (seen.has(file)) continue;
  seen.add(file);
  const code = readFileSync(join(dist, file), 'utf8');
  const dir = file.slice(0, file.lastIndexOf('/') + 1);
  for (const m of code.matchAll(staticImport)) queue.push(dir + m[1].slice(2));
}

let total = 0;
const rows = [];
for (const file of seen) {
  const gz = gzipSync(readFileSync(join(dist, file))).length;
  total += gz;
  rows.push(`  ${(gz / 1024).toFixed(1).padStart(7)} KB  ${file}`);
}
console.log(`check-budget: first load ${(total / 1024).toFixed(1)} KB gzipped JavaScript (budget ${BUDGET_KB} KB)`);
console.log(rows.join('\n'));
if (total > BUDGET_KB * 1024) {
  console.error(`check-budget: over budget by ${((total - BUDGET_KB * 1024) / 1024).toFixed(1)} KB; split a heavy page out with React.lazy`);
  process.exit(1);
}
