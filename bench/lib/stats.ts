/**
 * Summaries and tables for benchmark output: the same numbers printed for a
 * person (aligned columns) and for a machine (--json).
 *
 * Percentiles use the nearest-rank method on the sorted samples (p90 of 10
 * samples is the 9th smallest), so every number reported is a value that was
 * actually measured, never an interpolation.
 */

export interface Summary {
  readonly n: number;
  readonly min: number;
  readonly median: number;
  readonly p90: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank summary; NaN fields when there are no samples. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const rank = (q: number) => sorted[Math.max(0, Math.ceil(q * n) - 1)] ?? NaN;
  return {
    n,
    min: sorted[0] ?? NaN,
    median: n === 0 ? NaN : n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2,
    p90: rank(0.9),
    max: sorted[n - 1] ?? NaN,
    mean: n === 0 ? NaN : sorted.reduce((s, v) => s + v, 0) / n,
  };
}

/** Right-aligned columns (the first `leftColumns` left-aligned), with a header row and a rule under it. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], leftColumns = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A number with `digits` decimals, or '-' for NaN/undefined. */
export function fixed(value: number | undefined, digits: number): string {
  return value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits);
}

/** A one-line account of the machine while the benchmark ran: load, CPUs, kernel, Node. */
export async function machineLine(): Promise<string> {
  const os = await import('node:os');
  const [l1, l5, l15] = os.loadavg();
  return `${new Date().toISOString()}  ${os.cpus().length} CPU (${os.cpus()[0]?.model.trim() ?? '?'})  ` +
    `load ${l1!.toFixed(2)} ${l5!.toFixed(2)} ${l15!.toFixed(2)}  Linux ${os.release()}  Node ${process.version}`;
}

/**
 * `--save FILE`: writes the JSON record of a run to FILE as well, so one run
 * gives both the table to read and the numbers to keep. BigInts become strings.
 */
export async function saveIfAsked(argv: readonly string[], record: unknown): Promise<void> {
  const i = argv.indexOf('--save');
  if (i === -1) return;
  const file = argv[i + 1];
  if (!file) throw new Error('--save needs a file name');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, JSON.stringify(record, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n');
}
