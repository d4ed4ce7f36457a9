// Builds the WebAssembly package into pkg/: cargo (release, wasm32), then
// wasm-bindgen at exactly the version in Cargo.lock (--target web), then
// wasm-opt -Oz from the npm `binaryen` package; the same for the decoder
// module (crates/decoder: symphonia, the CLI's decoder; wasm-opt -O3) into pkg/decoder/
// with its warm-up file (crates/decoder/warm-up.mp3),
// a module of its own so that the classifier's download does not grow;
// the same for the teach module (crates/teach: personal models, the training
// core genre-trainer with candle) into pkg/teach/, loaded only to train;
// then the JavaScript steps
// (finishPackage): the glue exports where the .wasm is, and js/worker.js is
// bundled (esbuild) from js/worker-entry.js into one self-contained file.
// Installs the wasm32 target and wasm-bindgen-cli when they are missing.
// Usage: node scripts/build.mjs [--js]   (--js: only the JavaScript steps, on an existing pkg/)

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET = 'wasm32-unknown-unknown';
const PKG = join(ROOT, 'pkg');

function sh(cmd, args, opts = {}) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.error) throw new Error(`${cmd} could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status}`);
}

function output(cmd, args) {
  try {
    return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

/** The version of a package in Cargo.lock. */
export function lockedVersion(name) {
  const lock = readFileSync(join(ROOT, 'Cargo.lock'), 'utf8');
  const m = lock.match(new RegExp(`\\[\\[package\\]\\]\\nname = "${name}"\\nversion = "([^"]+)"`));
  if (!m) throw new Error(`${name} is not in Cargo.lock`);
  return m[1];
}

/** Makes sure wasm-bindgen (and its test runner) match Cargo.lock; returns the version. */
export function ensureTools() {
  const installed = output('rustup', ['target', 'list', '--installed']);
  if (installed !== null && !installed.split('\n').includes(TARGET)) {
    sh('rustup', ['target', 'add', TARGET]);
  }
  const version = lockedVersion('wasm-bindgen');
  const have = output('wasm-bindgen', ['--version']);
  if (!have || have.trim() !== `wasm-bindgen ${version}`) {
    console.log(`wasm-bindgen ${version} is needed (found: ${have ? have.trim() : 'none'}); installing it`);
    sh('cargo', ['install', 'wasm-bindgen-cli', '--version', version]);
  }
  return version;
}

const WASM_OPT_FEATURES = ['simd', 'bulk-memory', 'nontrapping-float-to-int', 'sign-ext', 'mutable-globals', 'reference-types', 'multivalue'];

/**
 * wasm-bindgen --target web of `wasm` into `outDir`, then wasm-opt of its
 * `<name>_bg.wasm` with `passes` (default -Oz).
 */
function bindAndOptimize(wasm, outDir, name, passes = ['-Oz']) {
  sh('wasm-bindgen', ['--target', 'web', '--out-dir', outDir, wasm]);
  const wasmOpt = join(ROOT, 'node_modules', '.bin', 'wasm-opt');
  if (!existsSync(wasmOpt)) throw new Error('wasm-opt is missing: run `npm ci` first');
  const out = join(outDir, `${name}_bg.wasm`);
  sh(wasmOpt, [...passes, ...WASM_OPT_FEATURES.map((f) => `--enable-${f}`), out, '-o', `${out}.opt`]);
  renameSync(`${out}.opt`, out);
}

export async function build() {
  ensureTools();
  // The classifier without the `decode` feature: no symphonia in its module.
  sh('cargo', ['build', '--lib', '--release', '--target', TARGET, '--no-default-features', '--features', 'bindings']);
  // The decoder module, optimised for speed (Cargo.toml's profile wasm-decoder says why).
  sh('cargo', ['build', '--lib', '--profile', 'wasm-decoder', '--target', TARGET, '-p', 'genre-decoder']);
  // The teach module (training), optimised for size (Cargo.toml's profile wasm-teach).
  sh('cargo', ['build', '--lib', '--profile', 'wasm-teach', '--target', TARGET, '-p', 'genre-teach']);
  rmSync(PKG, { recursive: true, force: true });
  // The generated .d.ts types js/engine.js's calls in the type check
  // (npm run types); the package ships only the .js and the .wasm.
  bindAndOptimize(join(ROOT, 'target', TARGET, 'release', 'genre_classifier.wasm'), PKG, 'genre_classifier');
  bindAndOptimize(join(ROOT, 'target', TARGET, 'wasm-decoder', 'genre_decoder.wasm'), join(PKG, 'decoder'), 'genre_decoder', ['-O3']);
  // A second of MP3 the workers decode to warm the decoder up (js/stream.js, preloadDecoder).
  copyFileSync(join(ROOT, 'crates', 'decoder', 'warm-up.mp3'), join(PKG, 'decoder', 'warm-up.mp3'));
  // Only stripped: wasm-opt -Oz took minutes on this module (candle) and
  // made its training slower (frozen: 4 s against 1.3 s for 3 x 8 songs in
  // Node.js) for a module 30% larger than cargo's opt-level "s" alone.
  bindAndOptimize(join(ROOT, 'target', TARGET, 'wasm-teach', 'genre_teach.wasm'), join(PKG, 'teach'), 'genre_teach', ['--strip-debug', '--strip-producers']);
  await finishPackage();
  console.log(`built ${PKG}`);
}

/** The glue's own default location of the module: bundlers follow this pattern. */
const WASM_URL = "new URL('genre_classifier_bg.wasm', import.meta.url)";
const GLUE_EXPORT = 'export function defaultWasmUrl()';

/**
 * The JavaScript steps, on an existing pkg/ (idempotent):
 * 1. The glue exports `defaultWasmUrl()`, so that the main thread knows where
 *    the module is (after a bundler has moved and renamed it) and can tell
 *    the worker, which may sit elsewhere (Rollup copies it as an asset).
 * 2. js/worker.js: js/worker-entry.js with the engine and the glue bundled
 *    in, so that the worker has no imports left to resolve (a bundler that
 *    copies worker.js as it is, or a user who copies it, gets a working
 *    worker), and no `new URL(..., import.meta.url)` of its own: it is
 *    always given the module's URL.
 */
export async function finishPackage() {
  const gluePath = join(PKG, 'genre_classifier.js');
  let glue = readFileSync(gluePath, 'utf8');
  if (!glue.includes(GLUE_EXPORT)) {
    const call = `module_or_path = ${WASM_URL};`;
    if (glue.split(call).length !== 2) throw new Error(`the wasm-bindgen glue no longer has exactly one \`${call}\``);
    glue = glue.replace(call, 'module_or_path = defaultWasmUrl();');
    glue += `
/** Where the WebAssembly module is (added by scripts/build.mjs). */
${GLUE_EXPORT} {
    return ${WASM_URL};
}
`;
    writeFileSync(gluePath, glue);
    const dts = join(PKG, 'genre_classifier.d.ts');
    if (existsSync(dts)) {
      writeFileSync(dts, `${readFileSync(dts, 'utf8')}
/** Where the WebAssembly module is (added by scripts/build.mjs). */
export function defaultWasmUrl(): URL;
`);
    }
  }

  const esbuild = await import('esbuild');
  await bundleWorker(esbuild, 'worker-entry.js', 'worker.js', 'genre_classifier_bg.wasm', `// genre-classifier's module worker, generated by scripts/build.mjs from
// js/worker-entry.js, js/engine.js, js/errors.js and the wasm-bindgen glue:
// self-contained, so that it works wherever a bundler (or you) copies it.
// Do not edit: edit js/worker-entry.js and run \`node scripts/build.mjs --js\`.
`);
  await bundleWorker(esbuild, 'teach-worker-entry.js', 'teach-worker.js', 'genre_teach_bg.wasm', `// genre-classifier's training worker (trainModel), generated by
// scripts/build.mjs from js/teach-worker-entry.js, js/teach-engine.js,
// js/errors.js and the teach module's wasm-bindgen glue: self-contained.
// Do not edit: edit js/teach-worker-entry.js and run \`node scripts/build.mjs --js\`.
`);
}

/**
 * Bundles js/<entry> into js/<out>: no imports left, and the glue's default
 * module URL (`new URL(wasm, import.meta.url)`) replaced by an error, as the
 * worker is always told where its module is.
 */
async function bundleWorker(esbuild, entry, out, wasm, header) {
  const result = await esbuild.build({
    entryPoints: [join(ROOT, 'js', entry)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  let code = result.outputFiles[0].text;
  const inBundle = new RegExp(`new URL\\((['"])${wasm.replace('.', '\\.')}\\1, import\\.meta\\.url\\)`, 'g');
  if ((code.match(inBundle) || []).length !== 1) throw new Error(`the ${out} bundle should hold the glue's default URL once`);
  code = code.replace(inBundle, '(() => { throw new Error("the worker was not told where the WebAssembly module is"); })()');
  if (/\bimport\.meta\b|^\s*(import|export)\b/m.test(code)) throw new Error(`the ${out} bundle is not self-contained`);
  writeFileSync(join(ROOT, 'js', out), header + code);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    if (process.argv.includes('--js')) await finishPackage();
    else await build();
  } catch (err) {
    console.error(`build failed: ${err.message}`);
    process.exit(1);
  }
}
