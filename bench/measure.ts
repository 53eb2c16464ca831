import { cpus, totalmem } from 'node:os';

/** Figures mean little without the machine they ran on. */
export function printMachine(title: string): void {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const memory = `${Math.round(totalmem() / 2 ** 30)} GiB`;
  console.log(
    `\n${title}\nmachine: ${cpu}, ${cpus().length} cores, ${memory}, Node ${process.versions.node}, ${process.platform} ${process.arch}`,
  );
}

export interface Figures {
  readonly name: string;
  readonly iterations: number;
  readonly opsPerSecond: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

/** Runs `task` after a warm-up and reports latency figures. Benchmarks print; they never assert timings. */
export async function measure(
  name: string,
  task: () => Promise<unknown> | unknown,
  options: { iterations?: number; warmup?: number } = {},
): Promise<Figures> {
  const iterations = options.iterations ?? 2_000;
  for (let i = 0; i < (options.warmup ?? Math.min(200, iterations)); i += 1) await task();
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < iterations; i += 1) {
    const t0 = performance.now();
    await task();
    samples.push(performance.now() - t0);
  }
  const total = performance.now() - started;
  samples.sort((a, b) => a - b);
  return {
    name,
    iterations,
    opsPerSecond: (iterations / total) * 1000,
    meanMs: total / iterations,
    p50Ms: percentile(samples, 0.5),
    p95Ms: percentile(samples, 0.95),
    p99Ms: percentile(samples, 0.99),
    maxMs: samples[samples.length - 1] ?? Number.NaN,
  };
}

/** Figures from latencies measured elsewhere (a trace's timestamps, a span inside a task). */
export function figures(name: string, samples: readonly number[]): Figures {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  return {
    name,
    iterations: samples.length,
    opsPerSecond: 1000 / mean,
    meanMs: mean,
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.at(-1) ?? Number.NaN,
  };
}

export function printFigures(rows: readonly Figures[]): void {
  const fixed = (value: number) => value.toFixed(3);
  console.table(
    rows.map((row) => ({
      benchmark: row.name,
      n: row.iterations,
      'ops/s': Math.round(row.opsPerSecond),
      'mean ms': fixed(row.meanMs),
      'p50 ms': fixed(row.p50Ms),
      'p95 ms': fixed(row.p95Ms),
      'p99 ms': fixed(row.p99Ms),
      'max ms': fixed(row.maxMs),
    })),
  );
}
