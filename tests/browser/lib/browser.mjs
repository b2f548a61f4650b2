// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
// axe-core at WCAG 2.1 A/AA on pages served over HTTP, with the page's own
// strict CSP in force, plus everything the browser itself complains about
// (CSP violations, script errors, failed requests); and the review artifacts:
// screenshots and an A4 print PDF.

import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = require('axe-core').source;
const AXE_VERSION = require('axe-core/package.json').version;

/** WCAG 2.1 A and AA: a violation of one of these fails the run. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
/** Also run, reported as warnings: axe's best practices (landmarks, heading order, …). */
const EXTRA_TAGS = ['best-practice'];

export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * Starts Chromium. Playwright gives every launch a fresh, empty
 * --user-data-dir of its own (a temporary folder, removed on close).
 */
export async function launch() {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  return chromium.launch({
    executablePath,
    headless: true,
    chromiumSandbox: false,
    args: CHROMIUM_FLAGS,
    timeout: 60_000,
  });
}

export { AXE_VERSION };

/**
 * A deterministic sample of `size` pages: every top-level page (index.html,
 * 404.html, …), then one page of each distinct structure (the set of class
 * names it uses: computed totals, notes, blank cells, missing sections, each
 * report format…), then the rest in the order of the SHA-1 of their paths
 * (so no stride aliases with the five years of each agency).
 */
export function samplePages(pages, size) {
  const all = [...pages.keys()];
  if (size === Infinity || all.length <= size) return { sample: all, signatures: null };
  const hash = (s) => createHash('sha1').update(s).digest('hex');
  const chosen = new Set(all.filter((r) => !r.includes('/')));
  const rest = all.filter((r) => !chosen.has(r)).sort((a, b) => (hash(a) < hash(b) ? -1 : 1));
  const bySignature = new Map();
  for (const rel of rest) {
    const sig = [...pages.get(rel).classes].sort().join(' ');
    if (!bySignature.has(sig)) bySignature.set(sig, rel);
  }
  for (const rel of bySignature.values()) { if (chosen.size < size) chosen.add(rel); }
  for (const rel of rest) { if (chosen.size < size) chosen.add(rel); }
  return { sample: all.filter((r) => chosen.has(r)), signatures: bySignature.size };
}

/** Collects what the browser reports while a page loads: CSP violations, JS errors, failed requests. */
function watch(page, state, findings) {
  const add = (rule, message, element = '') =>
    findings.push({ check: 'browser', page: state.rel, where: '', rule, message, element });
  // Browsers ask the host for /favicon.ico by themselves: that is the web server's business, not the site's.
  const hostFavicon = (url) => new URL(url).pathname === '/favicon.ico';
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    const text = m.text();
    const loc = m.location();
    if (loc && loc.url && hostFavicon(loc.url)) return;
    const rule = /Content Security Policy/i.test(text) ? 'csp-violation' : `console-${m.type()}`;
    if (m.type() === 'warning' && rule !== 'csp-violation') return;
    add(rule, text, loc && loc.url ? `${loc.url}:${loc.lineNumber}` : '');
  });
  page.on('pageerror', (e) => add('script-error', e.message, (e.stack || '').split('\n')[1] || ''));
  page.on('requestfailed', (r) => hostFavicon(r.url()) || add('request-failed', `${r.failure()?.errorText}: ${decodeURI(r.url())}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && !hostFavicon(r.url())) add('http-error', `${r.status()} for ${decodeURI(r.url())}`);
  });
}

async function axeRun(page) {
  await page.evaluate(AXE_SOURCE); // DevTools evaluation: not subject to the page's CSP
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return { violations: r.violations, incomplete: r.incomplete.map((x) => x.id) };
  }, [...WCAG_TAGS, ...EXTRA_TAGS]);
}

function axeFindings(rel, violations, variant) {
  const out = [];
  for (const v of violations) {
    const wcag = v.tags.some((t) => WCAG_TAGS.includes(t));
    for (const n of v.nodes) {
      let html = n.html.replace(/\s+/g, ' ');
      if (html.length > 220) html = `${html.slice(0, 220)}…`;
      out.push({
        check: 'axe',
        page: rel,
        variant,
        where: n.target.join(' '),
        rule: v.id,
        impact: v.impact,
        severity: wcag ? 'error' : 'warning',
        message: `${v.help}${variant ? ` (${variant})` : ''}. ${n.failureSummary.replace(/\s*\n\s*/g, ' ')}`,
        element: html,
        help: v.helpUrl,
        tags: v.tags.filter((t) => t.startsWith('wcag') || t === 'best-practice'),
      });
    }
  }
  return out;
}

/**
 * axe on every page of `sample` (relative paths), `workers` at a time, at
 * 1280×800; then the index and `extra` pages again at 375 px and in 长辈模式
 * (elder mode: larger type, its own colours, switched on by its button).
 */
export async function runAxe(browser, { baseUrl, sample, urlOf, extra, workers = 2, onProgress }) {
  const findings = [];
  const incomplete = new Map();
  let checked = 0;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const queue = [...sample];
  async function worker() {
    const page = await context.newPage();
    const state = watched(page);
    let rel;
    while ((rel = queue.shift()) !== undefined) {
      await checkOne(page, state, rel, '');
      checked += 1;
      if (onProgress && checked % 50 === 0) onProgress(checked, sample.length);
    }
    await page.close();
  }
  function watched(page) {
    const state = { rel: '' };
    watch(page, state, findings);
    return state;
  }
  async function checkOne(page, state, rel, variant) {
    state.rel = rel;
    try {
      const response = await page.goto(baseUrl + urlOf(rel), { waitUntil: 'load', timeout: 60_000 });
      if (!response || !response.ok()) {
        findings.push({ check: 'browser', page: rel, where: '', rule: 'http-error', message: `page answered ${response ? response.status() : 'nothing'}`, element: '' });
      }
      if (variant === 'elder') await switchElder(page, rel, findings);
      const r = await axeRun(page);
      findings.push(...axeFindings(rel, r.violations, variant));
      for (const id of r.incomplete) incomplete.set(id, (incomplete.get(id) || 0) + 1);
    } catch (e) {
      findings.push({ check: 'axe', page: rel, where: '', rule: 'axe-failed', severity: 'error', message: `axe could not run: ${e.message.split('\n')[0]}`, element: '' });
    }
  }
  await Promise.all(Array.from({ length: Math.min(workers, sample.length) }, worker));
  await context.close();

  // The same pages on a phone, and in elder mode (each in a context of its own: the choice is kept in localStorage).
  for (const [variant, viewport] of [['375px', { width: 375, height: 812 }], ['elder', { width: 1280, height: 800 }]]) {
    const ctx = await browser.newContext({ viewport });
    const page = await ctx.newPage();
    const state = watched(page);
    for (const rel of extra) { await checkOne(page, state, rel, variant); checked += 1; }
    await ctx.close();
  }
  return { findings, checked, incomplete };
}

async function switchElder(page, rel, findings) {
  const button = page.locator('#elder-toggle');
  if ((await button.count()) === 0) return;
  // Once switched on (on an earlier page of this context), the choice is kept: then it must already be on.
  const kept = await page.evaluate(() => document.documentElement.classList.contains('elder'));
  if (!kept) await button.click();
  const ok = await page.evaluate(() =>
    document.documentElement.classList.contains('elder') &&
    document.getElementById('elder-toggle').getAttribute('aria-pressed') === 'true');
  if (!ok) {
    findings.push({ check: 'browser', page: rel, where: '#elder-toggle', rule: 'elder-toggle', message: 'clicking 长辈模式 did not switch elder mode on (class "elder" on <html>, aria-pressed="true")', element: '' });
  }
}

const MAX_SHOT_HEIGHT = 12000;

/**
 * Full-page screenshots of the index and of one report at 375 px and 1280 px
 * (and the report at 375 px in elder mode), and the report printed to an A4
 * PDF, into `dir`. Returns the files written.
 */
export async function takeArtifacts(browser, { baseUrl, urlOf, index, report, dir }) {
  await mkdir(dir, { recursive: true });
  const written = [];
  const shots = [
    ['index', index, 375, false], ['index', index, 1280, false],
    ['report', report, 375, false], ['report', report, 1280, false],
    ['report', report, 375, true],
  ];
  for (const [name, rel, width, elder] of shots) {
    const ctx = await browser.newContext({ viewport: { width, height: 800 }, deviceScaleFactor: 1 });
    const page = await ctx.newPage();
    await page.goto(baseUrl + urlOf(rel), { waitUntil: 'load' });
    if (elder && (await page.locator('#elder-toggle').count()) === 0) { await ctx.close(); continue; }
    if (elder) await page.locator('#elder-toggle').click();
    await page.evaluate(() => document.fonts.ready);
    const file = path.join(dir, `${name}-${width}${elder ? '-elder' : ''}.png`);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    // A page taller than MAX_SHOT_HEIGHT is cut there (the generated index lists every report).
    const clip = height > MAX_SHOT_HEIGHT ? { x: 0, y: 0, width, height: MAX_SHOT_HEIGHT } : undefined;
    await page.screenshot({ path: file, fullPage: true, clip });
    written.push(clip ? `${file} (first ${MAX_SHOT_HEIGHT} of ${height} px)` : file);
    await ctx.close();
  }
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(baseUrl + urlOf(report), { waitUntil: 'load' });
  await page.evaluate(() => document.fonts.ready);
  const pdf = path.join(dir, 'report-a4.pdf');
  const bytes = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  await writeFile(pdf, bytes);
  written.push(pdf);
  await ctx.close();
  await writeFile(path.join(dir, 'pages.txt'), `index: ${index}\nreport: ${report}\n`);
  return written;
}
