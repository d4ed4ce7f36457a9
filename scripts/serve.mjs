// A tiny dependency-free static server for the page and the package files.
// Serves the repository root (so www/ can import ../js/index.js, which loads
// ../pkg/), redirects / to /www/, sets MIME types incl. application/wasm, and
// sends validators (ETag, Last-Modified; 304 when unchanged).
// Usage: node scripts/serve.mjs [port]   (default 8080, or $PORT)

import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { basename, dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.wav': 'audio/wav',
  '.flac': 'audio/flac',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.m4a': 'audio/mp4',
};

/** Paths never served: build output, dependencies, dot files. */
const HIDDEN = /(^|\/)(\.|target\/|target$|node_modules)/;

/**
 * Starts serving `root`; resolves to the server once listening (port 0 picks
 * a free one). `pages` maps extra paths to in-memory HTML documents.
 */
export function serve({ root = ROOT, port = 8080, host = '127.0.0.1', index = '/www/', pages = {} } = {}) {
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end('bad request');
      return;
    }
    if (Object.hasOwn(pages, path)) {
      res.writeHead(200, { 'Content-Type': MIME['.html'], 'Cache-Control': 'no-cache' }).end(pages[path]);
      return;
    }
    if (path === '/') {
      res.writeHead(302, { Location: index }).end();
      return;
    }
    const rel = normalize(path).replace(/^([/\\])+/, '');
    let file = join(root, rel);
    if (!(file + sep).startsWith(root + sep) || HIDDEN.test(rel.split(sep).join('/'))) {
      res.writeHead(404).end('not found');
      return;
    }
    let stat;
    try {
      stat = statSync(file);
      if (stat.isDirectory()) {
        if (!path.endsWith('/')) {
          res.writeHead(301, { Location: `${path}/` }).end();
          return;
        }
        file = join(file, 'index.html');
        stat = statSync(file);
      }
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    // Validators, as static hosts send: a browser revalidates each file
    // (no-cache) and keeps its copy on a 304, with what it derived from it
    // (such as the compiled code of a WebAssembly module).
    const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { ETag: etag, 'Cache-Control': 'no-cache' }).end();
      return;
    }
    res.writeHead(200, {
      'Content-Type': MIME[extname(file).toLowerCase()] || 'application/octet-stream',
      'Content-Length': stat.size,
      'Cache-Control': 'no-cache',
      ETag: etag,
      'Last-Modified': stat.mtime.toUTCString(),
      // Lets the page's service worker (www/sw.js) control the whole site,
      // including the package's worker script in /js/.
      ...(basename(file) === 'sw.js' ? { 'Service-Worker-Allowed': '/' } : {}),
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] || process.env.PORT || 8080);
  serve({ port }).then(
    (s) => console.log(`serving ${ROOT} on http://localhost:${s.address().port}/ (page: /www/)`),
    (err) => {
      console.error(`could not serve on port ${port}: ${err.message}`);
      process.exit(1);
    },
  );
}
