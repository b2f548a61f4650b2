#!/usr/bin/env node
// Validates a gongkai output folder the way a browser and the W3C tools see it.
//
//   node tests/browser/validate.mjs OUTPUT_DIR [options]
//
//   --name NAME         label for the report and the artifacts folder (default: the folder's name)
//   --base-path /P/     the URL path the site is served under (default: from <link rel=canonical>)
//   --axe all|N         axe on every page, or on a deterministic sample of N pages (default: all)
//   --report REL        the report page for screenshots and the PDF (default: the first page with <article class=report>)
//   --artifacts DIR     where artifacts and the full findings go (default: target/artifacts)
//   --steps LIST        any of links,vnu,axe,artifacts (default: all four)
//   --forbid PATH       a path that must not appear in any output file (repeatable; the output folder,
//                       the current folder and $HOME are always forbidden)
//
// Steps: links (every href/src of every page resolves in the output; no file: URLs or filesystem
// paths), vnu (Nu HTML Checker on every page and stylesheet, errors only), axe (axe-core at WCAG 2.1
// A/AA in headless Chromium, served over HTTP with the page's CSP, plus CSP violations, script errors
// and failed requests), artifacts (screenshots of the index and a report at 375 and 1280 px, the report
// as an A4 PDF). Exit status 1 when any error is found, 2 when a validator could not run.

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { listFiles, inferBasePath, pageUrlPath, serve } from './lib/site.mjs';
import { readPages, checkLinks } from './lib/links.mjs';
import { runVnu } from './lib/vnu.mjs';
import { launch, runAxe, samplePages, takeArtifacts, AXE_VERSION } from './lib/browser.mjs';
import { summarize, writeFindings } from './lib/report.mjs';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    'base-path': { type: 'string' },
    axe: { type: 'string', default: 'all' },
    report: { type: 'string' },
    artifacts: { type: 'string', default: 'target/artifacts' },
    steps: { type: 'string', default: 'links,vnu,axe,artifacts' },
    forbid: { type: 'string', multiple: true, default: [] },
    workers: { type: 'string', default: '2' },
  },
});

if (positionals.length !== 1) {
  console.error('usage: node tests/browser/validate.mjs OUTPUT_DIR [--name NAME] [--base-path /P/] [--axe all|N] [--report REL] [--artifacts DIR] [--steps links,vnu,axe,artifacts]');
  process.exit(2);
}
const root = path.resolve(positionals[0]);
if (!existsSync(path.join(root, 'index.html'))) {
  console.error(`validate: ${root} has no index.html: build the site first`);
  process.exit(2);
}
const name = opts.name || path.basename(root);
const steps = new Set(opts.steps.split(',').map((s) => s.trim()).filter(Boolean));
const outDir = path.resolve(opts.artifacts, name);
const axeSize = opts.axe === 'all' ? Infinity : Number(opts.axe);
if (!(axeSize > 0)) { console.error(`validate: --axe takes "all" or a number, not "${opts.axe}"`); process.exit(2); }

const forbid = [...new Set([root, realpathSync(root), process.cwd(), os.homedir(), ...opts.forbid.map((p) => path.resolve(p))])]
  .filter((p) => p.length > 5);

const findings = [];
const lines = [];
const log = (s) => { console.log(s); lines.push(s); };
const timer = () => { const t = process.hrtime.bigint(); return () => `${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(1)} s`; };

log(`== validate ${name}: ${root}`);
const files = await listFiles(root);
const htmlFiles = files.filter((f) => f.endsWith('.html'));
const cssFiles = files.filter((f) => f.endsWith('.css'));
const basePath = opts['base-path'] ? `/${opts['base-path'].replace(/^\/+|\/+$/g, '')}/`.replace('//', '/') : await inferBasePath(root, htmlFiles);
log(`${files.length} files, ${htmlFiles.length} HTML pages, ${cssFiles.length} stylesheets; served under ${basePath}`);

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });

let t = timer();
const pages = await readPages(root, htmlFiles);
const status = { failedToRun: [] };

if (steps.has('links')) {
  t = timer();
  const { findings: f, stats, external } = await checkLinks({ root, files, pages, basePath, forbid });
  findings.push(...f);
  const ext = [...external.keys()].sort();
  await writeFile(path.join(outDir, 'external-links.txt'), ext.map((u) => `${u}\t${[...external.get(u)].slice(0, 3).join(' ')}${external.get(u).size > 3 ? ` (+${external.get(u).size - 3} pages)` : ''}`).join('\n') + (ext.length ? '\n' : ''));
  log(`links: ${stats.pages} pages, ${stats.references} references (${stats.internal} internal, ${stats.fragments} with #fragment, ${stats.external} external to ${ext.length} distinct URLs, listed in external-links.txt, not fetched), ${files.length} files scanned for build paths: ${count(f)} (${t()})`);
}

if (steps.has('vnu')) {
  t = timer();
  try {
    const { findings: f } = await runVnu(root, { htmlCount: htmlFiles.length, cssCount: cssFiles.length });
    findings.push(...f);
    log(`vnu: ${htmlFiles.length} pages and ${cssFiles.length} stylesheets (errors only, SVG and CSS included): ${count(f)} (${t()})`);
  } catch (e) {
    status.failedToRun.push('vnu');
    log(`vnu: could not run: ${e.message}`);
  }
}

let server = null;
let browser = null;
if (steps.has('axe') || steps.has('artifacts')) {
  try {
    server = await serve(root, basePath);
    browser = await launch();
    log(`browser: Chromium ${browser.version()}, axe-core ${AXE_VERSION}, pages at ${server.baseUrl}`);
  } catch (e) {
    status.failedToRun.push('browser');
    log(`browser: could not start: ${e.message.split('\n').slice(0, 3).join(' ')}`);
  }
}
const urlOf = (rel) => pageUrlPath(rel);
const reportPage = opts.report || firstReport(pages, htmlFiles);

if (browser && steps.has('axe')) {
  t = timer();
  const { sample, signatures } = samplePages(pages, axeSize);
  await writeFile(path.join(outDir, 'axe-pages.txt'), `${sample.join('\n')}\n`);
  const extra = [...new Set(['index.html', reportPage].filter(Boolean))];
  const how = sample.length === pages.size
    ? 'every page'
    : `a sample of ${sample.length} of ${pages.size} pages (every top-level page, one of each of the ${signatures} page structures, the rest by SHA-1 of the path; listed in axe-pages.txt)`;
  const r = await runAxe(browser, {
    baseUrl: server.baseUrl, sample, urlOf, extra, workers: Number(opts.workers),
    onProgress: (n, all) => console.log(`  axe: ${n}/${all} pages (${t()})`),
  });
  findings.push(...r.findings);
  const incomplete = [...r.incomplete].map(([id, n]) => `${id}×${n}`).join(', ');
  log(`axe: ${how} at 1280 px, then ${extra.join(' and ')} again at 375 px and in elder mode: ${r.checked} runs, WCAG 2.1 A/AA + best practices: ${count(r.findings)} (${t()})`);
  if (incomplete) log(`  axe could not decide (needs review, not failures): ${incomplete}`);
}

if (browser && steps.has('artifacts')) {
  t = timer();
  try {
    const written = await takeArtifacts(browser, { baseUrl: server.baseUrl, urlOf, index: 'index.html', report: reportPage, dir: outDir });
    log(`artifacts: ${written.map((f) => path.relative(process.cwd(), f)).join(', ')} (report page: ${reportPage}) (${t()})`);
  } catch (e) {
    status.failedToRun.push('artifacts');
    log(`artifacts: failed: ${e.message.split('\n')[0]}`);
  }
}

if (browser) await browser.close();
if (server) await server.close();

const summary = summarize(findings, { outDir: path.relative(process.cwd(), outDir) });
log(summary.text);
await writeFindings(outDir, findings, lines);
const errors = summary.errors;
if (status.failedToRun.length) {
  console.log(`validate ${name}: FAILED TO RUN: ${status.failedToRun.join(', ')}`);
  process.exit(2);
}
console.log(`validate ${name}: ${errors ? `FAILED, ${errors} error(s)` : 'ok'}, ${summary.warnings} warning(s); full list in ${path.relative(process.cwd(), outDir)}/findings.txt`);
process.exit(errors ? 1 : 0);

function count(f) {
  const e = f.filter((x) => (x.severity || 'error') === 'error').length;
  const w = f.length - e;
  return `${e} error(s)${w ? `, ${w} warning(s)` : ''}`;
}

/**
 * The report page for the screenshots and the PDF: the first page (in the order of its path) with
 * the default theme's report markup (<article class="report">); else the first page index.html links to.
 */
function firstReport(pagesMap, html) {
  const report = html.find((r) => pagesMap.get(r).classes.has('article.report'));
  if (report) return report;
  const index = pagesMap.get('index.html');
  const base = new URL('http://x/');
  for (const ref of index ? index.refs : []) {
    if (ref.attr !== 'href') continue;
    let u;
    try { u = new URL(ref.value, base); } catch { continue; }
    if (u.origin !== base.origin) continue;
    let p;
    try { p = decodeURIComponent(u.pathname.slice(1)); } catch { continue; }
    const rel = p === '' || p.endsWith('/') ? `${p}index.html` : p;
    if (rel !== 'index.html' && pagesMap.has(rel)) return rel;
  }
  return html.find((r) => r.includes('/')) || 'index.html';
}
