// A readable report: findings grouped by validator and rule, each with a few
// examples (page, element, message), and the full list on disk.

import { writeFile } from 'node:fs/promises';
import path from 'node:path';

const EXAMPLES = 5;

function severityOf(f) { return f.severity || 'error'; }

export function summarize(findings, { outDir }) {
  const groups = new Map();
  for (const f of findings) {
    const key = `${severityOf(f)}\u0000${f.check}\u0000${f.rule}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(f);
  }
  const order = [...groups.entries()].sort(([a, x], [b, y]) =>
    (a.startsWith('error') === b.startsWith('error') ? y.length - x.length : a.startsWith('error') ? -1 : 1));
  const out = [];
  let errors = 0;
  let warnings = 0;
  for (const [key, list] of order) {
    const [severity, check, rule] = key.split('\u0000');
    if (severity === 'error') errors += list.length; else warnings += list.length;
    const pages = new Set(list.map((f) => f.page));
    const impact = list[0].impact ? ` [${list[0].impact}]` : '';
    const mark = severity === 'error' ? '✗ ERROR' : '! warning';
    const help = list[0].help ? ` — ${list[0].help}` : '';
    out.push(`${mark} ${check} ${rule}${impact}: ${list.length} on ${pages.size} page(s)${help}`);
    for (const f of list.slice(0, EXAMPLES)) {
      out.push(`    ${f.page}${f.where ? ` @ ${f.where}` : ''}`);
      out.push(`      ${f.message}`);
      if (f.element) out.push(`      element: ${f.element}`);
    }
    if (list.length > EXAMPLES) out.push(`    … and ${list.length - EXAMPLES} more (${outDir}/findings.txt)`);
  }
  if (!findings.length) out.push('no findings');
  return { text: out.join('\n'), errors, warnings };
}

export async function writeFindings(outDir, findings, lines) {
  await writeFile(path.join(outDir, 'findings.json'), `${JSON.stringify(findings, null, 1)}\n`);
  const txt = findings.map((f) =>
    `${severityOf(f).toUpperCase()}\t${f.check}\t${f.rule}\t${f.page}${f.where ? ` @ ${f.where}` : ''}\n\t${f.message}${f.element ? `\n\telement: ${f.element}` : ''}`);
  await writeFile(path.join(outDir, 'findings.txt'), `${lines.join('\n')}\n\n${txt.join('\n')}\n`);
}
