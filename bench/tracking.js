// The tracking section: N messages tracked at once (one waitForFinalStatus each) against the
// stand-in, which flips them all to `deliver` a few seconds in; ours with a status budget, and
// with --baseline DIR the same run on another build (e.g. one without a budget). Each run is a
// fresh process. The floor of the time to observe every delivery is N / budget, so the budget
// is large (default 2,000/s, not the option's default 20) to keep the run short. Reads are
// counted as they leave the client (undici's diagnostics channel) and as the stand-in gets them:
// a stand-in starved of CPU on a busy machine sees bursts of its own making.
import path from 'node:path';
import { BENCH_DIR, fmt, runNodeJson, table } from './lib/common.js';

export async function trackingSection({ baseUrl, log, targets, baseline, n, rate, flipMs }) {
  log(
    `\n## Tracking: ${fmt(n)} messages tracked at once, statusRequestsPerSecond ${fmt(rate)}, ` +
      `every message flipped to deliver ${fmt(flipMs)} ms in (one run each, fresh processes)\n`,
  );
  const script = path.join(BENCH_DIR, 'tracking-child.js');
  const common = ['--base-url', baseUrl, '--n', String(n), '--rate', String(rate)];
  const builds = [['ours', []]];
  if (baseline) builds.push([`build in ${baseline}`, ['--dist', path.join(baseline, 'dist')]]);
  const res = {};
  for (const [name, extra] of builds) {
    res[name] = await runNodeJson(
      script,
      [...common, '--flip-ms', String(flipMs), ...extra],
      ['--expose-gc'],
    );
  }
  const rows = Object.entries(res).map(([name, r]) => [
    name,
    r.finished ? 'yes' : `no (${fmt(r.observed)} observed, ${fmt(r.failed)} failed)`,
    fmt(r.statusReads),
    `${fmt(r.sentPeakCalendar)} / ${fmt(r.sentPeakSliding)}`,
    `${fmt(r.peakCalendar)} / ${fmt(r.peakSliding)}`,
    fmt(r.meanPerSecond),
    fmt(r.heapPerMessageBytes),
    fmt(r.cpuUsPerRead),
    r.observedAfterFlipMs === null ? 'n/a' : fmt(r.observedAfterFlipMs / r.floorMs, 2),
    fmt(r.readsAfterSettled),
  ]);
  log(
    table(
      [
        'build',
        'all observed',
        'status reads',
        'peak sent: calendar s / sliding s',
        'peak at stand-in',
        'mean/s',
        'heap B/message',
        'CPU µs/read',
        'observed after flip ÷ (N/budget)',
        'reads of settled',
      ],
      rows,
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  const ours = res.ours;
  targets.push(
    {
      target: `tracking: <= budget + 10% in any calendar second`,
      measured: `${fmt(ours.sentPeakCalendar)} sent (budget ${fmt(rate)})`,
      met: ours.sentPeakCalendar <= rate * 1.1,
    },
    {
      target: `tracking: < 1.5 x budget in any sliding second`,
      measured: `${fmt(ours.sentPeakSliding)} sent`,
      met: ours.sentPeakSliding < rate * 1.5,
    },
    {
      target: 'tracking: <= 1 KB heap per tracked message',
      measured: `${fmt(ours.heapPerMessageBytes)} B`,
      met: ours.heapPerMessageBytes <= 1024,
    },
    {
      target: 'tracking: every delivery observed within 1.2 x N/budget after the flip',
      measured:
        ours.observedAfterFlipMs === null
          ? 'unfinished'
          : `${fmt(ours.observedAfterFlipMs / ours.floorMs, 2)} x`,
      met: ours.observedAfterFlipMs !== null && ours.observedAfterFlipMs <= 1.2 * ours.floorMs,
    },
    {
      target: 'tracking: no status read of a message already settled',
      measured: `${fmt(ours.readsAfterSettled)}`,
      met: ours.readsAfterSettled === 0,
    },
  );
  return res;
}
