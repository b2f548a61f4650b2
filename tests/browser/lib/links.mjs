// Link checker: every href/src/srcset/... of every generated page must resolve
// to a file of the output (percent-decoded, relative to the page, index.html
// for folders), and #fragments to an id of the target page. External http(s)
// and mailto/tel links are only listed. file: URLs, absolute filesystem paths
// and backslashes are errors; so are root-relative URLs ('/xxgk/...') except in
// 404.html, which the web server returns at any path. Pages are parsed with
// parse5 (the HTML standard's parser), never with regular expressions.

import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'parse5';
import { attr } from './site.mjs';

/** Attributes that hold one URL, on any element (SVG's href and xlink:href included). */
const URL_ATTRS = new Set(['href', 'src', 'poster', 'action', 'formaction', 'cite', 'background', 'longdesc', 'manifest', 'xlink:href']);
const TEXT_EXT = new Set(['.html', '.htm', '.css', '.js', '.mjs', '.json', '.csv', '.svg', '.xml', '.txt', '.md']);
/** Pages the web server returns at any path: they need root-relative URLs. */
const ANY_PATH_PAGES = new Set(['404.html']);
const FS_PREFIXES = ['/home/', '/root/', '/tmp/', '/work/', '/usr/', '/var/', '/opt/', '/mnt/', '/srv/', '/etc/', '/Users/', '/private/'];

/**
 * Parses every HTML page once: ids (for fragments), URL references, and a
 * structural signature (its class names, for axe's sample).
 */
export async function readPages(root, htmlFiles) {
  const pages = new Map();
  for (const rel of htmlFiles) {
    const html = await readFile(path.join(root, rel), 'utf8');
    const doc = parse(html, { sourceCodeLocationInfo: true });
    const page = { rel, ids: new Set(), refs: [], classes: new Set(), hasBase: false };
    walk(doc, page);
    pages.set(rel, page);
  }
  return pages;
}

function walk(node, page) {
  if (node.tagName) visit(node, page);
  for (const c of node.childNodes || []) walk(c, page);
  if (node.content) walk(node.content, page); // <template>
}

function visit(el, page) {
  const loc = el.sourceCodeLocation;
  const where = loc ? `${loc.startLine}:${loc.startCol}` : '';
  for (const a of el.attrs) {
    const name = a.prefix ? `${a.prefix}:${a.name}` : a.name;
    if (name === 'id') page.ids.add(a.value);
    if (name === 'name' && el.tagName === 'a') page.ids.add(a.value);
    if (name === 'class') for (const c of a.value.split(/\s+/)) if (c) page.classes.add(`${el.tagName}.${c}`);
    if (URL_ATTRS.has(name) || (name === 'data' && el.tagName === 'object')) {
      page.refs.push({ attr: name, value: a.value, el: snippet(el), where });
    } else if (name === 'srcset') {
      for (const candidate of a.value.split(',')) {
        const url = candidate.trim().split(/\s+/)[0];
        if (url) page.refs.push({ attr: 'srcset', value: url, el: snippet(el), where });
      }
    }
  }
  if (el.tagName === 'base') page.hasBase = { el: snippet(el), where };
  if (el.tagName === 'meta' && (attr(el, 'http-equiv') || '').toLowerCase() === 'refresh') {
    const m = /url\s*=\s*['"]?([^'"]*)/i.exec(attr(el, 'content') || '');
    if (m) page.refs.push({ attr: 'http-equiv=refresh', value: m[1], el: snippet(el), where });
  }
}

/** `<a href="…">text</a>`, shortened: enough to find the element in the page. */
export function snippet(el) {
  const attrs = el.attrs.map((a) => ` ${a.prefix ? `${a.prefix}:` : ''}${a.name}="${a.value}"`).join('');
  let text = '';
  (function collect(n) {
    for (const c of n.childNodes || []) {
      if (text.length > 40) return;
      if (c.nodeName === '#text') text += c.value;
      else collect(c);
    }
  })(el);
  text = text.replace(/\s+/g, ' ').trim();
  if (text.length > 40) text = `${text.slice(0, 40)}…`;
  const open = `<${el.tagName}${attrs}>`;
  return (open.length > 200 ? `${open.slice(0, 199)}…>` : open) + (text ? `${text}</${el.tagName}>` : '');
}

/**
 * Checks every reference of every page. Returns { findings, stats, external }:
 * findings are { check, page, where, rule, message, element }.
 */
export async function checkLinks({ root, files, pages, basePath, forbid }) {
  const fileSet = new Set(files);
  const findings = [];
  const external = new Map(); // url → pages
  const linkedPages = new Set();
  const stats = { pages: pages.size, references: 0, internal: 0, fragments: 0, external: 0 };
  const origin = 'http://site.invalid';

  const add = (page, ref, rule, message) =>
    findings.push({ check: 'links', page, where: ref.where, rule, message, element: ref.el });

  for (const [rel, page] of pages) {
    if (page.hasBase) {
      findings.push({ check: 'links', page: rel, where: page.hasBase.where, rule: 'base-element', message: 'a <base> element changes how every relative link resolves (and the CSP forbids it: base-uri \'none\')', element: page.hasBase.el });
    }
    const pageUrl = new URL(basePath + rel.split('/').map(encodeURIComponent).join('/'), origin);
    for (const ref of page.refs) {
      stats.references += 1;
      const value = ref.value.trim();
      if (value === '') { add(rel, ref, 'empty-url', `empty ${ref.attr}`); continue; }
      if (value.includes('\\')) { add(rel, ref, 'backslash', `${ref.attr} contains a backslash (a Windows path?): "${value}"`); continue; }
      if (/^[a-zA-Z]:[\\/]/.test(value)) { add(rel, ref, 'absolute-file-path', `${ref.attr} is a Windows file path: "${value}"`); continue; }
      const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(value);
      if (scheme) {
        const s = scheme[1].toLowerCase();
        if (s === 'http' || s === 'https' || s === 'mailto' || s === 'tel') {
          stats.external += 1;
          if (!external.has(value)) external.set(value, new Set());
          external.get(value).add(rel);
        } else if (s === 'file') {
          add(rel, ref, 'file-url', `${ref.attr} is a file: URL, which only works on the machine that built the site: "${value}"`);
        } else if (s === 'data' && (ref.attr === 'src' || ref.attr === 'srcset')) {
          // inline image; the CSP allows img-src data:
        } else {
          add(rel, ref, 'bad-scheme', `${ref.attr} uses the scheme "${s}:" (blocked by the CSP or not a web link): "${value}"`);
        }
        continue;
      }
      if (value.startsWith('//')) {
        stats.external += 1;
        if (!external.has(value)) external.set(value, new Set());
        external.get(value).add(rel);
        continue;
      }
      if (value.startsWith('/')) {
        if (FS_PREFIXES.some((p) => value.startsWith(p)) || forbid.some((p) => value.startsWith(p))) {
          add(rel, ref, 'absolute-file-path', `${ref.attr} is an absolute filesystem path: "${value}"`);
          continue;
        }
        if (!ANY_PATH_PAGES.has(rel)) {
          add(rel, ref, 'root-relative', `${ref.attr} is root-relative ("${value}"): pages must use relative links so the site works under any path and from a folder`);
          continue;
        }
      }
      let url;
      try { url = new URL(value, pageUrl); } catch { add(rel, ref, 'bad-url', `${ref.attr} is not a valid URL: "${value}"`); continue; }
      if (url.origin !== origin) { add(rel, ref, 'bad-url', `${ref.attr} resolves outside the site: "${value}"`); continue; }
      if (!url.pathname.startsWith(basePath)) {
        add(rel, ref, 'outside-base-path', `${ref.attr} "${value}" resolves to ${url.pathname}, outside the site's base path ${basePath}`);
        continue;
      }
      let target;
      try {
        target = url.pathname.slice(basePath.length).split('/').map(decodeURIComponent).join('/');
      } catch {
        add(rel, ref, 'bad-percent-encoding', `${ref.attr} has a malformed percent-encoding: "${value}"`);
        continue;
      }
      stats.internal += 1;
      let file = null;
      if (target === '' || target.endsWith('/')) {
        file = `${target}index.html`;
        if (!fileSet.has(file)) { add(rel, ref, 'missing-target', `${ref.attr} "${value}" → ${target || '(site root)'}: no ${file} in the output`); continue; }
      } else if (fileSet.has(target)) {
        file = target;
      } else if (fileSet.has(`${target}/index.html`)) {
        add(rel, ref, 'folder-without-slash', `${ref.attr} "${value}" names the folder ${target} without a trailing slash: static hosts without redirects answer 404`);
        continue;
      } else {
        add(rel, ref, 'missing-target', `${ref.attr} "${value}" → ${target}: no such file in the output`);
        continue;
      }
      if (file.endsWith('.html')) linkedPages.add(file);
      if (url.hash && url.hash !== '#') {
        stats.fragments += 1;
        let id;
        try { id = decodeURIComponent(url.hash.slice(1)); } catch { id = url.hash.slice(1); }
        const targetPage = pages.get(file);
        if (targetPage && !targetPage.ids.has(id) && id !== 'top') {
          add(rel, ref, 'missing-fragment', `${ref.attr} "${value}": ${file} has no element with id="${id}"`);
        }
      }
    }
  }

  // Pages nobody links to (404.html is reached by the web server, not by links).
  for (const rel of pages.keys()) {
    if (rel !== 'index.html' && !ANY_PATH_PAGES.has(rel) && !linkedPages.has(rel)) {
      findings.push({ check: 'links', page: rel, where: '', rule: 'orphan-page', severity: 'warning', message: 'no page links here', element: '' });
    }
  }

  // Assets referenced from CSS (url(...) and @import).
  for (const rel of files.filter((f) => f.endsWith('.css'))) {
    const css = await readFile(path.join(root, rel), 'utf8');
    const re = /url\(\s*(['"]?)([^'")]*)\1\s*\)|@import\s+(['"])([^'"]+)\3/g;
    for (let m; (m = re.exec(css));) {
      const value = (m[2] ?? m[4]).trim();
      if (!value || /^(data|https?):/i.test(value) || value.startsWith('#')) continue;
      stats.references += 1;
      const ref = { attr: 'url()', value, where: `offset ${m.index}`, el: m[0] };
      if (value.startsWith('/') || /^[a-z]+:/i.test(value)) { add(rel, ref, 'absolute-url-in-css', `CSS refers to "${value}": use a path relative to the stylesheet`); continue; }
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), decodeURIComponent(value.split(/[?#]/)[0])));
      stats.internal += 1;
      if (!fileSet.has(target)) add(rel, ref, 'missing-target', `CSS url "${value}" → ${target}: no such file in the output`);
    }
  }

  // No build machine's path in any text file (e.g. a source path in a page or a JSON file).
  for (const rel of files) {
    if (!TEXT_EXT.has(path.extname(rel).toLowerCase())) continue;
    const st = await stat(path.join(root, rel));
    if (st.size > 50 * 1024 * 1024) continue;
    const text = await readFile(path.join(root, rel), 'utf8');
    for (const p of forbid) {
      const i = text.indexOf(p);
      if (i >= 0) {
        findings.push({ check: 'links', page: rel, where: `offset ${i}`, rule: 'build-machine-path', message: `contains the build machine's path ${p}`, element: text.slice(Math.max(0, i - 60), i + p.length + 60).replace(/\s+/g, ' ') });
        break;
      }
    }
  }

  return { findings, stats, external };
}
