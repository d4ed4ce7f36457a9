// Static server for the end-to-end tests (placeholder until the package's
// serve script is available).

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = process.env.PAGE_ROOT || resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

async function handle(req, res) {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  let file = normalize(join(ROOT, path));
  if (!file.startsWith(ROOT)) return res.writeHead(403).end();
  try {
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    res.end(body);
  } catch {
    res.writeHead(404).end('not found');
  }
}

/** Starts the server on a free port: { origin, pageUrl, close(), listen() }. */
export async function startServer() {
  let server = null;
  let port = 0;
  const api = {
    async listen() {
      server = createServer(handle);
      await new Promise((r) => server.listen(port, '127.0.0.1', r));
      port = server.address().port;
      api.origin = `http://127.0.0.1:${port}`;
      api.pageUrl = `${api.origin}/www/`;
    },
    async close() {
      if (!server) return;
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      server = null;
    },
  };
  await api.listen();
  return api;
}
