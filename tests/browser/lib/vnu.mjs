// The Nu HTML Checker (vnu.jar from the npm package vnu-jar) on every page of
// the output folder, on the machine's Java: errors only, SVG and CSS included.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** Runs vnu over `root`; resolves to { findings, checked } (checked: files vnu was given). */
export async function runVnu(root, { java = 'java', htmlCount, cssCount }) {
  const jar = String(require('vnu-jar')); // the package's main export is the jar's path (a String object)
  const absRoot = path.resolve(root);
  const args = [
    '-Xss4m', '-jar', jar,
    '--errors-only', '--skip-non-html', '--also-check-svg', '--also-check-css',
    '--format', 'json', '--exit-zero-always',
    absRoot,
  ];
  // Non-ASCII file names (every agency folder) need a UTF-8 locale for Java.
  const env = { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' };
  const { code, stdout, stderr } = await run(java, args, env);
  let messages;
  try {
    messages = JSON.parse(stderr || stdout).messages;
  } catch {
    throw new Error(`vnu (exit ${code}) printed no JSON report:\n${stderr.slice(0, 4000)}${stdout.slice(0, 2000)}`);
  }
  const findings = [];
  for (const m of messages) {
    if (m.type === 'info' && m.subType !== 'warning') continue;
    let page = '(vnu)';
    if (m.url) {
      try { page = path.relative(absRoot, fileURLToPath(m.url)).split(path.sep).join('/'); } catch { page = m.url; }
    }
    const severity = m.type === 'error' || m.type === 'non-document-error' ? 'error' : 'warning';
    let element = '';
    if (m.extract) {
      // The flagged part of the extract between » and «.
      const e = m.extract;
      const a = m.hiliteStart ?? 0;
      const b = a + (m.hiliteLength ?? 0);
      element = `${e.slice(0, a)}»${e.slice(a, b)}«${e.slice(b)}`.replace(/\s+/g, ' ').trim();
      if (element.length > 220) element = `${element.slice(0, 220)}…`;
    }
    // vnu counts the lines of a file without a newline (every minified page) from 0.
    const line = Math.max(1, m.firstLine ?? m.lastLine ?? 1);
    findings.push({
      check: 'vnu',
      page,
      where: m.lastLine !== undefined ? `line ${line}, column ${m.firstColumn ?? m.lastColumn}${m.lastColumn && m.lastColumn !== m.firstColumn ? `–${m.lastColumn}` : ''}` : '',
      rule: m.type === 'non-document-error' ? 'non-document-error' : ruleOf(m.message),
      message: m.message,
      element,
      severity,
    });
  }
  return { findings, checked: { html: htmlCount, css: cssCount } };
}

/** vnu has no rule ids: the message with its quoted names generalised groups repeats. */
function ruleOf(message) {
  return message.replace(/“[^”]*”/g, '“…”').replace(/\d+/g, 'N').slice(0, 120);
}

function run(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('error', (e) => reject(new Error(`cannot start ${cmd}: ${e.message} (is Java installed?)`)));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
