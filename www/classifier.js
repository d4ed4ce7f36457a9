// The page's single shared classifier (running in a Web Worker), created on first use.

import { createClassifier } from '../js/index.js';

let pending = null;

/** The shared classifier; the first call starts its worker and loads the model. */
export function classifier() {
  if (!pending) {
    pending = createClassifier({ worker: true }).catch((err) => {
      pending = null;
      throw err;
    });
  }
  return pending;
}
