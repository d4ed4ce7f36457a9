// Writes crates/decoder/warm-up.mp3 (copied into pkg/decoder/ by
// scripts/build.mjs): one second of a synthetic tune
// (scripts/tune.mjs), stereo at 44.1 kHz, encoded by lame at 64 kbit/s
// (8.6 KB). The page's workers decode it once when they load the decoder
// module ahead of a file (js/stream.js, preloadDecoder), so that the
// browser optimises the MP3 decoder's code before the first real file
// rather than during it. Usage: node scripts/decoder_warm_up.mjs (needs lame).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './build.mjs';
import { tuneWav } from './tune.mjs';

const dir = mkdtempSync(join(tmpdir(), 'warm-up-'));
try {
  const wav = join(dir, 'tune.wav');
  writeFileSync(wav, tuneWav(1, 44100, 2));
  const out = join(ROOT, 'crates', 'decoder', 'warm-up.mp3');
  execFileSync('lame', ['--quiet', '-b', '64', wav, out]);
  console.log(`wrote ${out}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
