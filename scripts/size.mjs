// Measures what a browser downloads (the WebAssembly module with the model
// inside, the wasm-bindgen glue and the package's JavaScript), raw and
// gzipped (level 9), and writes the "Package size" section of BENCHMARKS.md.
// Usage: npm run build && node scripts/size.mjs

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from './build.mjs';
import { writeSection } from './report.mjs';

const files = [
  'pkg/genre_classifier_bg.wasm',
  'pkg/genre_classifier.js',
  ...readdirSync(join(ROOT, 'js')).filter((f) => f.endsWith('.js')).sort().map((f) => `js/${f}`),
];

const kb = (n) => (n / 1024).toFixed(1);
let raw = 0;
let gz = 0;
const rows = files.map((f) => {
  const data = readFileSync(join(ROOT, f));
  const z = gzipSync(data, { level: 9 }).length;
  raw += data.length;
  gz += z;
  return `| \`${f}\` | ${kb(data.length)} | ${kb(z)} |`;
});

const body = `
Measured by \`node scripts/size.mjs\` after \`npm run build\` (release build,
\`wasm-opt -Oz\`; gzip level 9; 1 KB = 1024 bytes). The WebAssembly module
holds the model weights. Goal: under 400 KB gzipped in all.

| File | Raw (KB) | Gzipped (KB) |
|---|---:|---:|
${rows.join('\n')}
| **Total** | **${kb(raw)}** | **${kb(gz)}** |
`;
writeSection('Package size', body);
console.log(`total ${kb(raw)} KB raw, ${kb(gz)} KB gzipped`);
