// CPU profiles of the library's hot paths, and where their time goes.
//   node bench/profile.js [--only percall,service,load,bulk,boot] [--top 15]
// Writes bench/profiles/<name>.cpuprofile (open them in Chrome DevTools or speedscope) and
// prints, per profile, self time by origin and by function, and the inclusive time of this
// library's functions. Needs a build (npm run build).
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { BENCH_DIR, parseArgs, runNodeJson, startStandIn } from './lib/common.js';
import { report } from './lib/profile-summary.js';

const args = parseArgs();
const top = Number(args.top ?? 15);
const outDir = path.join(BENCH_DIR, 'profiles');
mkdirSync(outDir, { recursive: true });

const PROFILES = {
  percall: () => ['lib/cpu.js', ['--path', 'ours', '--seconds', '5']],
  service: () => ['lib/cpu.js', ['--path', 'stub', '--seconds', '5']],
  load: (url) => [
    'load-child.js',
    ['--base-url', url, '--client', 'ours', '--concurrency', '16', '--seconds', '5'],
  ],
  'load-hand': (url) => [
    'load-child.js',
    ['--base-url', url, '--client', 'hand', '--concurrency', '16', '--seconds', '5'],
  ],
  bulk: (url) => ['bulk-child.js', ['--base-url', url, '--size', '100000']],
  boot: () => ['boot-child.js', ['--with-webcom']],
};
const only = args.only ? String(args.only).split(',') : Object.keys(PROFILES);

const standIn = await startStandIn();
try {
  for (const name of only) {
    const [script, scriptArgs] = PROFILES[name](standIn.baseUrl);
    const tmp = path.join(outDir, `.tmp-${name}`);
    rmSync(tmp, { recursive: true, force: true });
    const result = await runNodeJson(path.join(BENCH_DIR, script), scriptArgs, [
      '--cpu-prof',
      `--cpu-prof-dir=${tmp}`,
      '--cpu-prof-interval=200',
    ]);
    const [file] = readdirSync(tmp).filter((f) => f.endsWith('.cpuprofile'));
    const target = path.join(outDir, `${name}.cpuprofile`);
    renameSync(path.join(tmp, file), target);
    rmSync(tmp, { recursive: true, force: true });
    console.log(
      `### ${name}: node ${script} ${scriptArgs.join(' ').replace(standIn.baseUrl, 'URL')}`,
    );
    console.log(`result: ${JSON.stringify(result)}\n`);
    console.log(`${report(target, top)}\n`);
  }
} finally {
  await standIn.stop();
}
