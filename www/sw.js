// Service worker: keeps the page, its scripts and the WebAssembly model in a
// cache so the page works offline once loaded. Network first (fresh code
// when online), cache as the fallback. The training worker and module
// (js/teach-worker.js, pkg/teach/) are not fetched ahead: they are cached as
// they load, the first time the Teach panel trains, like every other file
// the page fetches.

const CACHE = 'genre-page-v3';

/** This script's global scope (TypeScript's WebWorker types give `self` a plain worker's). */
const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

/**
 * Files the page needs, relative to this script: the page and the package (JS and WebAssembly).
 * The decoder module (../pkg/decoder/) is not precached, to keep the first visit's download
 * small: it is cached when the first file loads it (network first, below); offline before
 * that, the browser's own decoder reads the file.
 */
const PRECACHE = [
  './',
  'index.html',
  'style.css',
  'icon.svg',
  'manifest.webmanifest',
  'app.js',
  'card.js',
  'classifier.js',
  'collect.js',
  'errors.js',
  'export.js',
  'format.js',
  'mel.js',
  'mic.js',
  'mic-worklet.js',
  'modelbar.js',
  'models.js',
  'queue.js',
  'render.js',
  'table.js',
  'teach.js',
  'teachset.js',
  'estimate.js',
  'losscurve.js',
  'timeline.js',
  '../js/index.js',
  '../js/teach.js',
  '../js/errors.js',
  '../js/decode.js',
  '../js/worker.js',
  '../js/engine.js',
  '../js/stream.js',
  '../pkg/genre_classifier.js',
  '../pkg/genre_classifier_bg.wasm',
];

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== sw.location.origin) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
        }
        return response;
      })
      .catch(() =>
        caches.match(request, { ignoreSearch: true }).then((hit) => hit ?? Response.error()),
      ),
  );
});
