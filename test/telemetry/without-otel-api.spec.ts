import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * An app that uses the compiled package where `@opentelemetry/api` is not installed: it imports
 * both entry points, sends an SMS to a local gateway and prints what happened.
 */
const APP = `
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
const dist = process.argv[1];
const resolvable = (() => {
  try {
    createRequire(dist + '/telemetry/otel-api.js').resolve('@opentelemetry/api');
    return true;
  } catch {
    return false;
  }
})();
const { WebcomService } = await import(dist + '/index.js');
await import(dist + '/queue/index.js');
const server = createServer((req, res) =>
  res.end(JSON.stringify({ information: [{ id_message: '1', price: '1' }], balance: '5' })),
);
await new Promise((ready) => server.listen(0, '127.0.0.1', ready));
const service = new WebcomService({
  credentials: { user: 'u', password: 'p' },
  baseUrl: 'http://127.0.0.1:' + server.address().port,
});
const result = await service.sendSms({ to: ['79991234567'], text: 'hi', from: 'Shop' });
await service.getBalance().catch(() => undefined);
service.onApplicationShutdown();
server.close();
console.log(JSON.stringify({ resolvable, result }));
`;

describe('the package without @opentelemetry/api installed', () => {
  let folder: string;

  beforeAll(async () => {
    // The compiled library beside a node_modules that holds every package but OpenTelemetry's.
    folder = join(tmpdir(), `webcom-without-otel-${process.pid}`);
    await rm(folder, { recursive: true, force: true });
    await mkdir(join(folder, 'node_modules'), { recursive: true });
    for (const entry of await readdir(join(root, 'node_modules'))) {
      if (entry === '@opentelemetry' || entry.startsWith('.')) continue;
      await symlink(join(root, 'node_modules', entry), join(folder, 'node_modules', entry));
    }
    await run(
      process.execPath,
      [
        join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        join(root, 'test', 'queue', 'fixtures', 'tsconfig.worker.json'),
        '--outDir',
        join(folder, 'dist'),
      ],
      { cwd: root },
    );
  }, 120_000);

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('imports, sends and reads as usual', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', APP, join(folder, 'dist')],
      { cwd: folder },
    );
    // The last line: Nest's logger may have written before it.
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({
      resolvable: false,
      result: { messages: [{ id: '1', price: 1, to: '79991234567' }], balance: 5 },
    });
  }, 30_000);
});
