// Measures what a browser downloads to classify (the WebAssembly module with
// the model inside, the wasm-bindgen glue and the package's JavaScript for
// the browser; js/engine.js only with `worker: false`), raw and gzipped
// (level 9), what it downloads more to train a personal model (the teach
// module and its worker, loaded only then), and the npm tarball, and writes
// the "Package size" section of BENCHMARKS.md.
// Usage: npm run build && node scripts/size.mjs

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from './build.mjs';
import { writeSection } from './report.mjs';

const files = [
  'pkg/genre_classifier_bg.wasm',
  'pkg/genre_classifier.js',
  ...['decode.js', 'engine.js', 'errors.js', 'index.js', 'stream.js', 'teach.js', 'worker.js'].map((f) => `js/${f}`),
];
/** The teach module (trainModel): fetched only when a user trains. */
const teachFiles = ['pkg/teach/genre_teach_bg.wasm', 'js/teach-worker.js'];
/** The Node.js entry and its WAV reader: in the tarball, never in a browser. */
const nodeOnly = ['js/node.js', 'js/wav.js'];

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

const nodeGz = nodeOnly.reduce((sum, f) => sum + gzipSync(readFileSync(join(ROOT, f)), { level: 9 }).length, 0);
/** The decoder module (Node.js's FLAC/MP3/Ogg decoder): in the tarball, never in the classify-only download. */
const decoderFiles = ['pkg/decoder/genre_decoder_bg.wasm', 'pkg/decoder/genre_decoder.js'].map((f) => readFileSync(join(ROOT, f)));
const decoderRaw = decoderFiles.reduce((sum, d) => sum + d.length, 0);
const decoderGz = decoderFiles.reduce((sum, d) => sum + gzipSync(d, { level: 9 }).length, 0);
let teachRaw = 0;
let teachGz = 0;
const teachRows = teachFiles.map((f) => {
  const data = readFileSync(join(ROOT, f));
  const z = gzipSync(data, { level: 9 }).length;
  teachRaw += data.length;
  teachGz += z;
  return `| \`${f}\` | ${kb(data.length)} | ${kb(z)} |`;
});
if (gz >= 400 * 1024) console.error(`the classify-only download is ${kb(gz)} KB gzipped: over the 400 KB budget`);
const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))[0];

const body = `
Measured by \`node scripts/size.mjs\` after \`npm run build\` (release build,
\`wasm-opt -Oz\`; gzip level 9; 1 KB = 1024 bytes). The WebAssembly module
holds the model weights; \`js/worker.js\` holds the worker's own copy of the
engine and the glue (it is self-contained); \`js/engine.js\` and \`js/stream.js\` are
loaded only with \`worker: false\`. Goal: under 400 KB gzipped in all.

| File | Raw (KB) | Gzipped (KB) |
|---|---:|---:|
${rows.join('\n')}
| **Total** | **${kb(raw)}** | **${kb(gz)}** |

The decoder module \`pkg/decoder/\` (${kb(decoderRaw)} KB raw, ${kb(decoderGz)} KB
gzipped: symphonia, built for speed, see Cargo.toml's profile \`wasm-decoder\`) is not part of
this first-visit download: the page's worker loads it on the first file it streams (WAV, FLAC,
MP3, Ogg Vorbis), or ahead of it when the browser already holds it from an earlier visit (then
with \`pkg/decoder/warm-up.mp3\`, 8.6 KB, decoded once to warm it up), and Node.js for FLAC,
MP3 and Ogg Vorbis.

Training a personal model (\`trainModel\`) loads more, only then: the teach
module (\`crates/teach\`: the training core \`genre-trainer\` with candle and
the embedded model as the base; cargo \`opt-level = "s"\`, stripped) and its
worker (\`js/teach-worker.js\`, self-contained with the module's glue).

| File | Raw (KB) | Gzipped (KB) |
|---|---:|---:|
${teachRows.join('\n')}
| **Total** | **${kb(teachRaw)}** | **${kb(teachGz)}** |

The npm tarball (\`npm pack\`: these files, the Node.js entry \`js/node.js\`
and \`js/wav.js\` (${kb(nodeGz)} KB gzipped), the decoder module, the teach
module and its worker, the types and the README) is ${kb(packed.size)} KB.
`;
writeSection('Package size', body);
if (gz >= 400 * 1024) process.exitCode = 1;
console.log(`total ${kb(raw)} KB raw, ${kb(gz)} KB gzipped; teach module ${kb(teachRaw)} KB raw, ${kb(teachGz)} KB gzipped; decoder module ${kb(decoderRaw)} KB raw, ${kb(decoderGz)} KB gzipped; tarball ${kb(packed.size)} KB`);
