// Runs every suite: formatting, lints (native and wasm32), native tests,
// the type check of the JavaScript (tsc), the browser suites in headless
// Chromium and Firefox, the npm package test and the page's end-to-end
// tests (tests/e2e/*.test.mjs).
// Usage: node scripts/test.mjs [--keep-going]

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { homedir } from 'node:os';
import { ROOT, build } from './build.mjs';

const TARGET = 'wasm32-unknown-unknown';
const keepGoing = process.argv.includes('--keep-going');

/** Absolute path of an executable on PATH (or ~/.cargo/bin), or null. */
function which(name) {
  const dirs = [...(process.env.PATH || '').split(delimiter), join(homedir(), '.cargo', 'bin')];
  for (const dir of dirs) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return null;
}

function need(name) {
  const p = which(name);
  if (!p) throw new Error(`${name} is not installed (bash .ci/run installs it)`);
  return p;
}

function run(cmd, args, env = {}) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.error) throw new Error(`${cmd} could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`exit code ${r.status}`);
}

// Browser arguments and WebDriver timeouts (script, page load) are in
// webdriver.json; WASM_BINDGEN_TEST_TIMEOUT bounds the whole suite.
const browserTest = (driverVar, driver) => () =>
  run('cargo', ['test', '--target', TARGET, '--test', 'browser'], {
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER: need('wasm-bindgen-test-runner'),
    [driverVar]: need(driver),
    WASM_BINDGEN_TEST_TIMEOUT: process.env.WASM_BINDGEN_TEST_TIMEOUT || '300',
    WASM_BINDGEN_TEST_WEBDRIVER_JSON: join(ROOT, 'webdriver.json'),
  });

/** The TypeScript compiler from devDependencies (npm ci). */
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/** The page and the package's main-thread code; the worker, service worker and audio worklet. */
const TSCONFIGS = ['tsconfig.json', 'tsconfig.worker.json'];

/** Type-checks js/ (against js/index.d.ts) and www/; needs pkg/ for the bindings' types. */
function typeCheck() {
  if (!existsSync(TSC)) throw new Error('typescript is missing: run `npm ci` first');
  if (!existsSync(join(ROOT, 'pkg', 'genre_classifier.d.ts'))) throw new Error('build the package first (npm run build)');
  for (const config of TSCONFIGS) run(process.execPath, [TSC, '-p', config]);
}

function nodeTests(dir, pattern) {
  const abs = join(ROOT, dir);
  const files = existsSync(abs) ? readdirSync(abs).filter((f) => pattern.test(f)).sort() : [];
  if (files.length === 0) {
    console.log(`(no ${dir}/*.test.mjs files)`);
    return;
  }
  run(process.execPath, ['--test', '--test-concurrency=1', ...files.map((f) => join(dir, f))]);
}

const steps = [
  ['cargo fmt --check', () => run('cargo', ['fmt', '--all', '--check'])],
  ['clippy (native)', () => run('cargo', ['clippy', '--workspace', '--all-targets', '--', '-D', 'warnings'])],
  ['clippy (wasm32)', () => {
    run('cargo', ['clippy', '--target', TARGET, '--lib', '--test', 'browser', '--', '-D', 'warnings']);
    run('cargo', ['clippy', '--target', TARGET, '--lib', '-p', 'genre-teach', '-p', 'genre-decoder', '--', '-D', 'warnings']);
  }],
  ['native tests', () => run('cargo', ['test', '--workspace'])],
  ['build the package', () => build()],
  ['types (tsc)', typeCheck],
  ['browser suite: Chromium', browserTest('CHROMEDRIVER', 'chromedriver')],
  ['browser suite: Firefox', browserTest('GECKODRIVER', 'geckodriver')],
  ['npm package test', () => nodeTests('tests/npm', /\.test\.mjs$/)],
  ['page end-to-end tests', () => nodeTests('tests/e2e', /\.test\.mjs$/)],
];

const failed = [];
for (const [name, step] of steps) {
  console.log(`\n=== ${name}`);
  const t0 = Date.now();
  try {
    await step();
    console.log(`=== ${name}: ok (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  } catch (err) {
    console.error(`=== ${name}: FAILED (${err.message})`);
    failed.push(name);
    if (!keepGoing) break;
  }
}
if (failed.length) {
  console.error(`\nfailed: ${failed.join(', ')}`);
  process.exit(1);
}
console.log('\nall suites passed');
