/**
 * Route metrics (RTA_METRICS) in the route line: `mtu [lock] N`, `rtt [lock] T`,
 * `congctl [lock] NAME`, `features ecn`, … as keepalived vrrp_iproute.c reads
 * them. One table describes every metric — its option word, whether it takes
 * `lock`, and how its value is read and written — so the parser and the
 * printer cannot drift apart.
 *
 * Times (rtt, rttvar, rto_min) are held in milliseconds. As in `ip route`, a
 * bare number is in the kernel's unit (rtt 1/8 ms, rttvar 1/4 ms, rto_min
 * 1 ms) and `s`/`ms` suffixes give seconds or milliseconds. keepalived clamps
 * values outside the kernel's [200 ms, 120 s] with a log line; here they are
 * errors. Printing uses "Nms" when the value is whole milliseconds and the
 * kernel unit otherwise, both of which keepalived reads back.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import type { Word } from '../../config/lexer/types.js';
import { readUnsigned } from './words.js';

export interface RouteMetrics {
  mtu?: number;
  hoplimit?: number;
  advmss?: number;
  /** Round-trip time estimate, ms (kernel unit 1/8 ms). */
  rttMs?: number;
  /** RTT variance, ms (kernel unit 1/4 ms). */
  rttvarMs?: number;
  reordering?: number;
  window?: number;
  cwnd?: number;
  ssthresh?: number;
  /** Minimum retransmission timeout, ms. */
  rtoMinMs?: number;
  initcwnd?: number;
  initrwnd?: number;
  quickack?: boolean;
  /** TCP congestion control algorithm name. */
  congctl?: string;
  fastopenNoCookie?: boolean;
  /** `features ecn`. */
  ecn?: boolean;
  /** Metrics given with `lock`, by option word, in table order. */
  lock?: string[];
}

const U32 = 0xffff_ffff;
const RTT_MIN_MS = 200;
const RTT_MAX_MS = 120_000;

/** `ip route` style time: bare = kernel units, or N[.N]s / Nms. Returns ms. */
function parseRttTime(w: Word, unitsPerMs: number, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|sec|secs)?$/i.exec(w.text);
  if (!m) throw new ConfigValueError(`Invalid ${what} ${w.text} for route`, w.loc);
  const [, num, unit] = m;
  let ms: number;
  if (!unit) {
    if (num!.includes('.')) throw new ConfigValueError(`Invalid ${what} ${w.text} for route (a bare value is in kernel units and must be whole)`, w.loc);
    ms = Number(num) / unitsPerMs;
  } else if (unit.toLowerCase() === 'ms') {
    if (num!.includes('.')) throw new ConfigValueError(`Invalid ${what} ${w.text} for route (milliseconds must be whole)`, w.loc);
    ms = Number(num);
  } else {
    const [whole, frac = ''] = num!.split('.');
    if (frac.length > 3) throw new ConfigValueError(`Invalid ${what} ${w.text} for route (resolution is 1 ms)`, w.loc);
    ms = Number(whole) * 1000 + Number((frac + '000').slice(0, 3));
  }
  if (ms < RTT_MIN_MS || ms > RTT_MAX_MS) {
    throw new ConfigValueError(`${what} ${w.text} outside the kernel's range [${RTT_MIN_MS}ms, ${RTT_MAX_MS / 1000}s]`, w.loc);
  }
  return ms;
}

function formatRttTime(ms: number, unitsPerMs: number): string {
  return Number.isInteger(ms) ? `${ms}ms` : String(Math.round(ms * unitsPerMs));
}

interface MetricSpec {
  readonly word: string;
  readonly key: Exclude<keyof RouteMetrics, 'lock'>;
  readonly lockable: boolean;
  parse(w: Word): RouteMetrics[MetricSpec['key']];
  format(v: NonNullable<RouteMetrics[MetricSpec['key']]>): string;
}

const u32 = (word: string, key: MetricSpec['key'], lockable: boolean): MetricSpec => ({
  word,
  key,
  lockable,
  parse: (w) => readUnsigned(w, 0, U32, { what: `route ${word}` }),
  format: (v) => String(v),
});
const time = (word: string, key: MetricSpec['key'], unitsPerMs: number): MetricSpec => ({
  word,
  key,
  lockable: true,
  parse: (w) => parseRttTime(w, unitsPerMs, word),
  format: (v) => formatRttTime(v as number, unitsPerMs),
});
const flag01 = (word: string, key: MetricSpec['key']): MetricSpec => ({
  word,
  key,
  lockable: false,
  parse: (w) => readUnsigned(w, 0, 1, { what: `route ${word}` }) === 1,
  format: (v) => (v ? '1' : '0'),
});

/** Every metric option, in the order the printer writes them. */
export const METRICS: readonly MetricSpec[] = [
  u32('mtu', 'mtu', true),
  { word: 'hoplimit', key: 'hoplimit', lockable: false, parse: (w) => readUnsigned(w, 0, 255, { what: 'route hoplimit' }), format: (v) => String(v) },
  u32('advmss', 'advmss', true),
  time('rtt', 'rttMs', 8),
  time('rttvar', 'rttvarMs', 4),
  u32('reordering', 'reordering', true),
  u32('window', 'window', false),
  u32('cwnd', 'cwnd', true),
  u32('ssthresh', 'ssthresh', true),
  time('rto_min', 'rtoMinMs', 1),
  u32('initcwnd', 'initcwnd', false),
  u32('initrwnd', 'initrwnd', false),
  flag01('quickack', 'quickack'),
  { word: 'congctl', key: 'congctl', lockable: true, parse: (w) => w.text, format: (v) => String(v) },
  flag01('fastopen_no_cookie', 'fastopenNoCookie'),
  {
    word: 'features',
    key: 'ecn',
    lockable: false,
    parse: (w) => {
      if (w.text !== 'ecn') throw new ConfigValueError(`feature ${w.text} not supported (only ecn)`, w.loc);
      return true;
    },
    format: () => 'ecn',
  },
];

const BY_WORD = new Map(METRICS.map((m) => [m.word, m]));

export function metricSpec(word: string): MetricSpec | undefined {
  return BY_WORD.get(word);
}

/** Applies one metric option whose value words follow (`lock` first where allowed). */
export function applyMetric(metrics: RouteMetrics, spec: MetricSpec, value: Word, next: () => Word): void {
  let v = value;
  let locked = false;
  if (spec.lockable && v.text === 'lock') {
    locked = true;
    v = next();
  }
  (metrics as Record<string, unknown>)[spec.key] = spec.parse(v);
  if (locked) {
    const lock = new Set(metrics.lock ?? []);
    lock.add(spec.word);
    metrics.lock = METRICS.filter((m) => lock.has(m.word)).map((m) => m.word);
  }
}

export function formatMetrics(metrics: RouteMetrics): string[] {
  const words: string[] = [];
  for (const spec of METRICS) {
    const v = metrics[spec.key];
    if (v === undefined || (spec.key === 'ecn' && v === false)) continue;
    words.push(spec.word);
    if (metrics.lock?.includes(spec.word)) words.push('lock');
    words.push(spec.format(v as NonNullable<typeof v>));
  }
  return words;
}
