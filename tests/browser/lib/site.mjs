// The generated site as the validators see it: its HTML pages, their URLs under
// the site's base path, and a static HTTP server over the output folder that
// behaves like a plain production web server (no live-reload script injected).

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'parse5';

/** Every file under `root` (relative paths with '/' separators, byte order), dotfiles skipped. */
export async function listFiles(root) {
  const out = [];
  async function walk(dir, rel) {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path.join(dir, e.name), r);
      else if (e.isFile()) out.push(r);
    }
  }
  await walk(root, '');
  return out.sort(byBytes);
}

export function byBytes(a, b) {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** The URL path of a page relative to the base path: `a/b/index.html` → `a/b/`, percent-encoded. */
export function pageUrlPath(rel) {
  const dirIndex = rel === 'index.html' || rel.endsWith('/index.html');
  const shown = dirIndex ? rel.slice(0, -'index.html'.length) : rel;
  return shown.split('/').map(encodeURIComponent).join('/');
}

/**
 * The site's base path ('/xxgk/'), from `<link rel=canonical>`: a page at
 * `a/b/index.html` whose canonical URL is `https://host/xxgk/a/b/` is served
 * under `/xxgk/`. '/' when no page has a canonical link.
 */
export async function inferBasePath(root, htmlFiles) {
  for (const rel of htmlFiles) {
    if (rel === '404.html') continue;
    const doc = parse(await readFile(path.join(root, rel), 'utf8'));
    const href = findCanonical(doc);
    if (!href) continue;
    let canonical;
    try { canonical = decodeURI(new URL(href).pathname); } catch { continue; }
    const own = decodeURI(pageUrlPath(rel));
    if (canonical.endsWith(own)) {
      const base = canonical.slice(0, canonical.length - own.length);
      return base.endsWith('/') ? base : `${base}/`;
    }
  }
  return '/';
}

function findCanonical(node) {
  if (node.tagName === 'link') {
    const rel = attr(node, 'rel');
    if (rel && rel.toLowerCase().split(/\s+/).includes('canonical')) return attr(node, 'href');
  }
  for (const c of node.childNodes || []) {
    const found = findCanonical(c);
    if (found) return found;
  }
  if (node.content) return findCanonical(node.content);
  return null;
}

export function attr(node, name) {
  const a = (node.attrs || []).find((x) => x.name === name);
  return a ? a.value : null;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.pdf': 'application/pdf',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * Serves `root` under `basePath` on 127.0.0.1 (a free port), like nginx with
 * `try_files $uri $uri/index.html` and `error_page 404 /404.html`: folders
 * without a trailing slash are redirected, unknown paths get 404.html with
 * status 404. Resolves to { origin, baseUrl, close() }.
 */
export function serve(root, basePath) {
  const absRoot = path.resolve(root);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      if (!url.pathname.startsWith(basePath)) return notFound(res);
      let segments;
      try {
        segments = url.pathname.slice(basePath.length).split('/').map(decodeURIComponent);
      } catch {
        return notFound(res, 400);
      }
      if (segments.some((s) => s === '..' || s.includes('/') || s.includes('\\') || s.includes('\0'))) {
        return notFound(res, 400);
      }
      let file = path.join(absRoot, ...segments);
      let st = await stat(file).catch(() => null);
      if (st && st.isDirectory()) {
        if (!url.pathname.endsWith('/')) {
          res.writeHead(301, { Location: `${url.pathname}/${url.search}` });
          return res.end();
        }
        file = path.join(file, 'index.html');
        st = await stat(file).catch(() => null);
      }
      if (!st || !st.isFile()) return notFound(res);
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
        'Content-Length': st.size,
        'X-Content-Type-Options': 'nosniff',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
    } catch (e) {
      res.writeHead(500);
      res.end(String(e));
    }
  });

  async function notFound(res, status = 404) {
    const body = await readFile(path.join(absRoot, '404.html')).catch(() => Buffer.from('Not found'));
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(body);
  }

  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      const origin = `http://127.0.0.1:${port}`;
      resolve({
        origin,
        baseUrl: origin + basePath,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}
