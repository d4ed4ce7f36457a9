// The page's single shared classifier, created on first use. It runs in the
// package's Web Worker; where that worker cannot start (an offline visit on a
// host whose service worker cannot serve the worker script), it runs on the
// page's own thread instead.

import { createClassifier } from '../js/index.js';

/** @import { Classifier } from '../js/index.js' */

/** @type {Promise<Classifier> | null} */
let pending = null;

/** Whether the classifier runs in a Web Worker (false after the fallback). */
export let inWorker = true;

/** The shared classifier; the first call starts its worker and loads the model. */
export function classifier() {
  if (!pending) {
    pending = createClassifier({ worker: true })
      .catch((err) => {
        if (err?.code !== 'internal') throw err;
        inWorker = false;
        return createClassifier({ worker: false });
      })
      .catch((err) => {
        pending = null;
        throw err;
      });
  }
  return pending;
}
