// The validators themselves are tested: on a fixture with one mistake of each
// kind they must fail, name every mistake, and let the correct links pass.
//
//   node --test tests/browser/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = path.join(here, 'fixtures', 'broken');

function validate(steps) {
  const artifacts = mkdtempSync(path.join(os.tmpdir(), 'gongkai-validate-'));
  const r = spawnSync(process.execPath, [
    path.join(here, 'validate.mjs'), fixture, '--name', 'broken', '--artifacts', artifacts,
    '--steps', steps, '--report', '机关/2021/index.html', '--forbid', '/fixture-build-root',
  ], { encoding: 'utf8' });
  const dir = path.join(artifacts, 'broken');
  const findings = JSON.parse(readFileSync(path.join(dir, 'findings.json'), 'utf8'));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, findings, dir, cleanup: () => rmSync(artifacts, { recursive: true, force: true }) };
}

const rules = (findings, check) => new Set(findings.filter((f) => f.check === check && (f.severity || 'error') === 'error').map((f) => f.rule));

test('the link checker names every broken link and passes the correct ones', () => {
  const r = validate('links');
  try {
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const got = rules(r.findings, 'links');
    for (const rule of ['missing-target', 'missing-fragment', 'folder-without-slash', 'file-url', 'absolute-file-path', 'root-relative', 'backslash', 'build-machine-path']) {
      assert.ok(got.has(rule), `${rule} not reported: ${[...got].join(', ')}`);
    }
    const missing = r.findings.filter((f) => f.rule === 'missing-target').map((f) => f.message).join('\n');
    assert.match(missing, /机关\/2022\//);
    assert.match(missing, /static\/missing\.png/, 'an asset referenced from CSS');
    const els = r.findings.map((f) => f.element).join('\n');
    assert.doesNotMatch(els, /%E6%9C%BA%E5%85%B3\/2021\//, 'a percent-encoded Chinese path that exists is fine');
    assert.doesNotMatch(els, /2021\/#t3"/, 'a fragment that exists is fine');
    assert.doesNotMatch(els, /www\.gov\.cn/, 'external links are listed, not checked');
    assert.match(readFileSync(path.join(r.dir, 'external-links.txt'), 'utf8'), /https:\/\/www\.gov\.cn\//);
  } finally { r.cleanup(); }
});

test('vnu reports invalid HTML and CSS with the page and the element', () => {
  const r = validate('vnu');
  try {
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const vnu = r.findings.filter((f) => f.check === 'vnu');
    assert.ok(vnu.some((f) => f.page === 'index.html' && /meta/.test(f.message) && /»<meta name="?Keywords"?>«/.test(f.element)), JSON.stringify(vnu, null, 1));
    assert.ok(vnu.some((f) => f.page === 'index.html' && /alt/.test(f.message)), 'img without alt');
    assert.ok(vnu.some((f) => f.page === 'static/style.css'), 'CSS is checked too');
    assert.ok(!vnu.some((f) => f.page.startsWith('机关/')), 'the valid page has no errors');
  } finally { r.cleanup(); }
});

test('axe in Chromium reports WCAG violations and the browser reports CSP violations; artifacts are written', () => {
  const r = validate('axe,artifacts');
  try {
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const axe = rules(r.findings, 'axe');
    assert.ok(axe.has('color-contrast'), [...axe].join(', '));
    assert.ok(axe.has('image-alt'), [...axe].join(', '));
    const cc = r.findings.find((f) => f.rule === 'color-contrast');
    assert.equal(cc.page, 'index.html');
    assert.match(cc.element, /class="faint"/);
    assert.ok(rules(r.findings, 'browser').has('csp-violation'), 'the inline script is blocked by the page\'s CSP');
    for (const f of ['index-375.png', 'index-1280.png', 'report-375.png', 'report-1280.png', 'report-a4.pdf']) {
      assert.ok(existsSync(path.join(r.dir, f)), f);
    }
    assert.equal(readFileSync(path.join(r.dir, 'report-a4.pdf')).subarray(0, 5).toString(), '%PDF-');
  } finally { r.cleanup(); }
});
