// Builds the WebAssembly package into pkg/: cargo (release, wasm32), then
// wasm-bindgen at exactly the version in Cargo.lock (--target web), then
// wasm-opt -Oz from the npm `binaryen` package.
// Installs the wasm32 target and wasm-bindgen-cli when they are missing.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
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

export function build() {
  ensureTools();
  sh('cargo', ['build', '--lib', '--release', '--target', TARGET]);
  const wasm = join(ROOT, 'target', TARGET, 'release', 'genre_classifier.wasm');
  rmSync(PKG, { recursive: true, force: true });
  // The generated .d.ts types js/engine.js's calls in the type check
  // (npm run types); the package ships only the .js and the .wasm.
  sh('wasm-bindgen', ['--target', 'web', '--out-dir', PKG, wasm]);
  const wasmOpt = join(ROOT, 'node_modules', '.bin', 'wasm-opt');
  if (!existsSync(wasmOpt)) throw new Error('wasm-opt is missing: run `npm ci` first');
  const out = join(PKG, 'genre_classifier_bg.wasm');
  const features = ['simd', 'bulk-memory', 'nontrapping-float-to-int', 'sign-ext', 'mutable-globals', 'reference-types', 'multivalue'];
  sh(wasmOpt, ['-Oz', ...features.map((f) => `--enable-${f}`), out, '-o', `${out}.opt`]);
  renameSync(`${out}.opt`, out);
  console.log(`built ${PKG}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    build();
  } catch (err) {
    console.error(`build failed: ${err.message}`);
    process.exit(1);
  }
}
