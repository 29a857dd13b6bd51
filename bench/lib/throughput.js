// Closed-loop load: `concurrency` workers each send one-recipient requests back to back for a
// fixed time. Rounds rotate the clients' order so that drift on a shared machine spreads evenly.
// Besides req/s and latency, each run records the client process's CPU time per request.
import { performance } from 'node:perf_hooks';
import { ONE_RECIPIENT, median, percentileSorted } from './common.js';

async function load(client, concurrency, durationMs) {
  const latencies = [];
  let errors = 0;
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const until = started + durationMs;
  const worker = async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      try {
        await client.send(ONE_RECIPIENT);
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  latencies.sort((a, b) => a - b);
  return {
    rps: (latencies.length / elapsed) * 1000,
    // The client process's CPU (user + system) per request: what the throughput would be bound
    // by on a dedicated core, and far less sensitive than req/s to other load on the machine.
    cpuUs: (cpu.user + cpu.system) / Math.max(1, latencies.length),
    p50: percentileSorted(latencies, 50),
    p99: percentileSorted(latencies, 99),
    requests: latencies.length,
    errors,
  };
}

/**
 * For each concurrency: a warm-up per client, then `runs` rounds of every client.
 * Returns { [concurrency]: { [client]: { rps, p50, p99, requests, errors, runs: [...] } } },
 * each figure the median of its runs.
 *
 * @param {any[]} clients
 * @param {{ concurrencies: number[], runs: number, durationMs: number, warmupMs: number,
 *   log?: (line: string) => void }} options
 */
export async function measureThroughput(
  clients,
  { concurrencies, runs, durationMs, warmupMs, log },
) {
  const results = {};
  for (const concurrency of concurrencies) {
    for (const client of clients) await load(client, concurrency, warmupMs);
    const samples = Object.fromEntries(clients.map((c) => [c.name, []]));
    for (let round = 0; round < runs; round++) {
      for (let i = 0; i < clients.length; i++) {
        const client = clients[(i + round) % clients.length];
        samples[client.name].push(await load(client, concurrency, durationMs));
      }
    }
    results[concurrency] = {};
    for (const client of clients) {
      const list = samples[client.name];
      results[concurrency][client.name] = {
        rps: median(list.map((s) => s.rps)),
        p50: median(list.map((s) => s.p50)),
        p99: median(list.map((s) => s.p99)),
        cpuUs: median(list.map((s) => s.cpuUs)),
        requests: list.reduce((n, s) => n + s.requests, 0),
        errors: list.reduce((n, s) => n + s.errors, 0),
        runs: list.map((s) => Math.round(s.rps)),
      };
    }
    log?.(
      `  concurrency ${concurrency}: ` +
        clients
          .map((c) => `${c.name} ${Math.round(results[concurrency][c.name].rps)} req/s`)
          .join(', '),
    );
  }
  return results;
}
