import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { REDIS_URL } from './redis.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const fixtures = resolve(here, '../fixtures');

/**
 * Compiles the library for the worker processes into a folder of this run's own, inside
 * node_modules so that the compiled files find their packages, and apart from `dist/`, which
 * other runs may be building at the same time.
 */
export async function buildWorkerDist(): Promise<string> {
  const outDir = join(root, 'node_modules', '.cache', 'webcom-queue-test', String(process.pid));
  await promisify(execFile)(
    process.execPath,
    [
      join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      join(fixtures, 'tsconfig.worker.json'),
      '--outDir',
      outDir,
    ],
    { cwd: root },
  );
  return outDir;
}

export async function removeWorkerDist(outDir: string): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
}

export interface WorkerConfig {
  baseUrl: string;
  credentials: { user: string; password: string };
  timeoutMs?: number;
  queue: Record<string, unknown>;
  /** Import WebcomQueueModule before WebcomModule. */
  queueFirst?: boolean;
  /** After a graceful close, leave the process to end by itself rather than exit(). */
  exitByItself?: boolean;
  /** Modules (paths) the process imports before the app, with `node --import`. */
  preload?: string[];
}

/** A worker process: an app with `WebcomModule` and `WebcomQueueModule` running its worker. */
export class WorkerProcess {
  private output = '';

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  /** Starts one and resolves once its worker is taking jobs. */
  static async start(dist: string, config: WorkerConfig): Promise<WorkerProcess> {
    const preload = (config.preload ?? []).flatMap((file) => [
      '--import',
      pathToFileURL(file).href,
    ]);
    const child = spawn(process.execPath, [...preload, join(fixtures, 'queue-worker.mjs')], {
      cwd: root,
      env: {
        ...process.env,
        WEBCOM_DIST: dist,
        WEBCOM_WORKER_CONFIG: JSON.stringify({ ...config, redisUrl: REDIS_URL }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const worker = new WorkerProcess(child);
    await new Promise<void>((ready, failed) => {
      const onData = () => {
        if (worker.output.includes('ready\n')) {
          child.stdout.off('data', onData);
          child.off('exit', onExit);
          ready();
        }
      };
      const onExit = (code: number | null) =>
        failed(new Error(`worker exited (${code}) before it was ready:\n${worker.output}`));
      child.stdout.on('data', onData);
      child.once('exit', onExit);
    });
    return worker;
  }

  /** What it printed: Nest's warnings and errors. */
  get log(): string {
    return this.output;
  }

  /** How it ended: its exit code, or null while it runs (or if a signal ended it). */
  get exitCode(): number | null {
    return this.child.exitCode;
  }

  /** Kills it at once, as an OOM killer or a lost node would: no shutdown code runs. */
  kill(): Promise<void> {
    return this.stop('SIGKILL');
  }

  /** Asks it to shut down gracefully and waits until it has. */
  close(): Promise<void> {
    return this.stop('SIGTERM');
  }

  private stop(signal: NodeJS.Signals): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((exited) => {
      this.child.once('exit', () => exited());
      this.child.kill(signal);
    });
  }
}
