// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self and inclusive time per function,
// and self time per origin (this library's dist/, each package in node_modules, node internals,
// GC). Usage as a script: node bench/lib/profile-summary.js FILE.cpuprofile [--top N]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT_DIR, fmt, parseArgs, table } from './common.js';

function originOf(url, functionName) {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(program)' || functionName === '(idle)' || functionName === '(root)') {
      return functionName;
    }
    return 'V8 builtins / native';
  }
  if (url.startsWith('node:')) return 'node internals';
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = file.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const rel = path.relative(ROOT_DIR, file);
  if (rel.startsWith('dist/')) return 'nestjs-webcom (dist)';
  if (rel.startsWith('bench/')) return 'bench harness';
  return rel;
}

function label(callFrame) {
  const name = callFrame.functionName || '(anonymous)';
  if (!callFrame.url) return name;
  const file = callFrame.url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('/node_modules/');
  const short = nm >= 0 ? file.slice(nm + '/node_modules/'.length) : path.relative(ROOT_DIR, file);
  return `${name} ${short}:${callFrame.lineNumber + 1}`;
}

/** { totalMs, byOrigin: [[origin, ms]], self: [[label, ms]], inclusive: [[label, ms]] } */
export function summarize(profile, { exclude = ['(idle)', '(program)', '(root)'] } = {}) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const { samples, timeDeltas } = profile;
  const selfById = new Map();
  for (let i = 0; i < samples.length; i++) {
    const ms = (timeDeltas[i + 1] ?? timeDeltas[i] ?? 0) / 1000;
    selfById.set(samples[i], (selfById.get(samples[i]) ?? 0) + ms);
  }
  const self = new Map();
  const origins = new Map();
  const inclusive = new Map();
  let totalMs = 0;
  for (const [id, ms] of selfById) {
    const frame = byId.get(id).callFrame;
    if (exclude.includes(frame.functionName)) continue;
    totalMs += ms;
    const key = label(frame);
    self.set(key, (self.get(key) ?? 0) + ms);
    const origin = originOf(frame.url, frame.functionName);
    origins.set(origin, (origins.get(origin) ?? 0) + ms);
    // Each function once per stack, however deep it recurses.
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const k = label(byId.get(at).callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
    }
  }
  const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]);
  return { totalMs, byOrigin: sorted(origins), self: sorted(self), inclusive: sorted(inclusive) };
}

export function report(file, top = 20) {
  const summary = summarize(JSON.parse(readFileSync(file, 'utf8')));
  const pct = (ms) => `${fmt((ms / summary.totalMs) * 100, 1)} %`;
  const rows = (list, n) => list.slice(0, n).map(([k, ms]) => [k, fmt(ms, 0), pct(ms)]);
  return [
    `Profile ${path.relative(ROOT_DIR, file)}: ${fmt(summary.totalMs)} ms on CPU (idle excluded)`,
    '',
    table(['self time by origin', 'ms', 'share'], rows(summary.byOrigin, 12)),
    '',
    table(['self time by function', 'ms', 'share'], rows(summary.self, top)),
    '',
    table(
      ['inclusive time (nestjs-webcom functions)', 'ms', 'share'],
      rows(
        summary.inclusive.filter(([k]) => k.includes(' dist/')),
        top,
      ),
    ),
  ].join('\n');
}

if (process.argv[1] && process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = parseArgs();
  const files = process.argv.slice(2).filter((a) => a.endsWith('.cpuprofile'));
  for (const file of files) console.log(`${report(path.resolve(file), Number(args.top ?? 20))}\n`);
}
