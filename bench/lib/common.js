// Helpers shared by the benchmark's scripts: statistics, formatting, recipients, child processes.
import { fork, spawn } from 'node:child_process';
import http from 'node:http';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const ROOT_DIR = path.dirname(BENCH_DIR);
export const DIST_INDEX = path.join(ROOT_DIR, 'dist', 'index.js');

/** The credentials, sender and text every client sends; identical on every path. */
export const CREDENTIALS = { user: 'bench', password: 'p@ss w0rd&=' };
export const SENDER = 'Bench';
export const TEXT = 'Your code is 4321. Do not share it.';
export const ONE_RECIPIENT = '79991234567';

// ---------------------------------------------------------------- statistics

export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile of an already sorted array (`p` in 0..100). */
export function percentileSorted(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

// ---------------------------------------------------------------- formatting

export const fmt = (value, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      })
    : 'n/a';

export const mb = (bytes) => fmt(bytes / (1024 * 1024), 1);

/** A Markdown table (readable as plain text too). `align` per column: 'l' or 'r'. */
export function table(headers, rows, align = headers.map((_, i) => (i === 0 ? 'l' : 'r'))) {
  const cells = [headers, ...rows].map((row) => row.map(String));
  const widths = headers.map((_, c) => Math.max(3, ...cells.map((row) => row[c].length)));
  const line = (row) =>
    `| ${row.map((cell, c) => (align[c] === 'l' ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, c) => (align[c] === 'l' ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

export const verdict = (met) => (met ? 'met' : 'NOT met');

// ---------------------------------------------------------------- inputs

/** `count` distinct valid Russian mobile numbers, 7999xxxxxxx, in international digits. */
export function russianMobiles(count) {
  const numbers = new Array(count);
  for (let i = 0; i < count; i++) numbers[i] = `7999${String(i % 10_000_000).padStart(7, '0')}`;
  return numbers;
}

// ---------------------------------------------------------------- command line

/** `--name value`, `--name=value` and bare `--flag` (true). */
export function parseArgs(argv = process.argv.slice(2)) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    if (eq > 0) args[arg.slice(2, eq)] = arg.slice(eq + 1);
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--'))
      args[arg.slice(2)] = argv[++i];
    else args[arg.slice(2)] = true;
  }
  return args;
}

// ---------------------------------------------------------------- processes

/** Starts the stand-in in a child process; resolves once it listens. */
export function startStandIn() {
  const child = fork(path.join(BENCH_DIR, 'stand-in.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('stand-in did not start within 10 s')), 10_000);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`stand-in exited early (${code})`)));
    child.once('message', (/** @type {{ port: number }} */ { port }) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const baseUrl = `http://127.0.0.1:${port}`;
      resolve({
        pid: child.pid,
        baseUrl,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
            // A stand-in stuck on open sockets is killed outright.
            setTimeout(() => child.kill('SIGKILL'), 2_000).unref();
          }),
      });
    });
  });
}

/** The stand-in's counters: { requests, recipients } since it started. */
export function standInStats(baseUrl) {
  return new Promise((resolve, reject) => {
    http
      .get(`${baseUrl}/__stats`, { agent: false }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve(JSON.parse(body)));
      })
      .on('error', reject);
  });
}

/**
 * Runs `node [nodeArgs] script [args]` in a fresh process and resolves with the JSON object its
 * last stdout line carries. Rejects on a non-zero exit.
 */
export function runNodeJson(script, args = [], nodeArgs = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
      cwd: ROOT_DIR,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code !== 0)
        return reject(
          new Error(`${path.basename(script)} ${args.join(' ')} exited with ${code ?? signal}`),
        );
      const last = out.trim().split('\n').pop();
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${path.basename(script)} printed no JSON result: ${last}`));
      }
    });
  });
}
