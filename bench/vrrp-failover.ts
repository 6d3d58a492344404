/**
 * Benchmark: how fast the backup takes over, keepalived-ts next to Debian's
 * keepalived 2.2.7 in the same run, measured on the wire.
 *
 *   node dist/bench/vrrp-failover.js [--rounds 10] [--pairs ts/ts,ka/ka] [--mixed]
 *                                    [--kinds crash,prio0] [--vrrp-version 2] [--advert-int 1] [--notify]
 *                                    [--json] [--save FILE]
 *
 * Each pair (master implementation / backup implementation; see
 * lib/vrrp-pair.ts for the topology) goes through two kinds of round:
 *
 * - crash: every process of the master is frozen (SIGSTOP) then killed
 *   (SIGKILL), as a hung or powered-off router. t0 is the master's last
 *   advert on the wire; the backup should advertise Master_Down_Interval
 *   after it (RFC 3768 §6.4.2 / RFC 5798 §6.4.2: the backup restarted its
 *   Master_Down_Timer when that advert arrived) and announce the VIP with a
 *   gratuitous ARP at once (RFC 3768 §6.4.2, "broadcast a gratuitous ARP").
 * - prio0: the master is stopped with SIGTERM, so it sends an advert of
 *   priority 0 (RFC 3768 §6.4.3); t0 is that advert, and the backup should
 *   take over Skew_Time after it (RFC 3768 §6.4.2, "set the Master_Down_Timer
 *   to Skew_Time").
 *
 * For both, the table shows the backup's first advert, the moment its VIP
 * appeared in its kernel (`ip monitor address`, lib/address-monitor.ts) and
 * its first GARP for the VIP, minus the theoretical interval: what the implementation adds to
 * the RFC (timer lateness, the send path, the address and GARP work). All
 * times come from the observer's pcap timestamps, never from JS timers.
 * After each round the master is started again, and the round ends only once
 * it is master again on the wire (plus a second), so no daemon of the lab is
 * starting up or taking over while another pair is measured. Rounds of the pairs are interleaved
 * (round 1 of every pair, then round 2...), so a change in machine load
 * touches every implementation alike.
 *
 * The goal from issue 5: backup's first GARP ≤ Master_Down_Interval + 5 ms
 * and no worse than keepalived. The verdict lines state it from the numbers;
 * nothing here fails or retries a round to make them look better: a round
 * that times out is reported as missed.
 */
import { Topology } from '../test/harness/index.js';
import { implementationFromShort } from './lib/daemons.js';
import { signal } from './lib/procfs.js';
import { fixed, machineLine, saveIfAsked, summarize, table, type Summary } from './lib/stats.js';
import { BACKUP_PRIORITY, VrrpPair } from './lib/vrrp-pair.js';
import { masterDownIntervalUs, skewTimeUs, type VrrpVersion } from './lib/vrrp.js';
import { wallClockNs, type AdvertEvent } from './lib/wire.js';

type Kind = 'crash' | 'prio0';

interface Options {
  readonly rounds: number;
  readonly pairs: readonly string[];
  readonly kinds: readonly Kind[];
  readonly version: VrrpVersion;
  readonly advertInt: number;
  /** Both routers run a notify_master script (NOTIFY_SCRIPT). */
  readonly notify: boolean;
  readonly json: boolean;
}

/**
 * `--notify`: the script both daemons run on becoming MASTER. keepalived forks it after its
 * GARPs (vrrp_state_become_master); the rounds show whether a notify script delays the
 * takeover on the wire.
 */
const NOTIFY_SCRIPT = '/bin/true';

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i === -1 ? undefined : argv[i + 1];
  };
  const rounds = Number(value('rounds') ?? 10);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds needs a positive integer');
  const pairs = (value('pairs') ?? 'ts/ts,ka/ka').split(',').filter(Boolean);
  if (argv.includes('--mixed')) for (const p of ['ts/ka', 'ka/ts']) if (!pairs.includes(p)) pairs.push(p);
  for (const p of pairs) {
    const sides = p.split('/');
    if (sides.length !== 2) throw new Error(`--pairs: '${p}' is not MASTER/BACKUP (e.g. ts/ka)`);
    sides.forEach(implementationFromShort);
  }
  const kinds = (value('kinds') ?? 'crash,prio0').split(',') as Kind[];
  for (const k of kinds) if (k !== 'crash' && k !== 'prio0') throw new Error(`--kinds: '${k}' is not crash or prio0`);
  const version = Number(value('vrrp-version') ?? 2);
  if (version !== 2 && version !== 3) throw new Error('--vrrp-version is 2 or 3');
  const advertInt = Number(value('advert-int') ?? 1);
  if (!(advertInt > 0) || (version === 2 && !Number.isInteger(advertInt))) throw new Error('--advert-int: whole seconds for VRRPv2, > 0 for v3');
  return { rounds, pairs, kinds, version, advertInt, notify: argv.includes('--notify'), json: argv.includes('--json') };
}

interface RoundResult {
  readonly pair: string;
  readonly kind: Kind;
  readonly round: number;
  /** Nanoseconds since the epoch (pcap clock): the master's last advert, or its priority-0 advert. */
  readonly t0?: string;
  /** Milliseconds from t0. */
  readonly firstAdvertMs?: number;
  /** The VIP appeared in the backup's kernel (ip monitor's clock, see lib/address-monitor.ts). */
  readonly vipAddedMs?: number;
  readonly firstGarpMs?: number;
  readonly error?: string;
}

const ms = (from: bigint, to: bigint) => Number(to - from) / 1e6;

async function runRound(pair: VrrpPair, kind: Kind, round: number, theoryUs: number): Promise<RoundResult> {
  const base = { pair: pair.name, kind, round };
  const timeoutMs = theoryUs / 1000 + 5000;
  await pair.waitR1Master(30_000);
  pair.poll();
  const mark = pair.events.length;
  const actionAt = wallClockNs();
  if (kind === 'crash') await pair.r1Daemon!.crash();
  else signal(pair.r1Daemon!.pid, 'SIGTERM');

  let t0: bigint | undefined;
  let error: string | undefined;
  const advert = await pair.waitEvent(mark, (e): e is AdvertEvent => e.kind === 'advert' && pair.isR2(e) && e.priority > 0, timeoutMs);
  const garp = await pair.waitEvent(mark, (e) => pair.isR2Garp(e), advert ? 1000 : 0);
  if (kind === 'crash') {
    // The master's last advert before the backup spoke: its Master_Down_Timer started there.
    const limit = advert?.t ?? BigInt(Number.MAX_SAFE_INTEGER) * 1_000_000n;
    for (const e of pair.events) if (e.kind === 'advert' && pair.isR1(e) && e.priority > 0 && e.t < limit) t0 = e.t;
  } else {
    const prio0 = await pair.waitEvent(mark, (e): e is AdvertEvent => e.kind === 'advert' && pair.isR1(e) && e.priority === 0, 0);
    t0 = prio0?.t;
    if (!prio0) error = 'no priority-0 advert from the master on the wire';
  }
  if (!advert) error ??= `the backup sent no advert within ${timeoutMs} ms`;
  else if (!garp) error ??= 'the backup sent no gratuitous ARP for the VIP within 1 s of its first advert';

  // ip prints the change after reading the notification: wait a moment for the line.
  await new Promise((r) => setTimeout(r, 100));
  const vipAdded = pair.r2VipAdded(actionAt);

  // Back to the start: r1 comes up again and, with the higher priority, preempts.
  if (kind === 'prio0') await pair.r1Daemon!.stop();
  else await pair.clearR1Vip();
  pair.startR1();
  // Wait until it is master again and its first GARP burst is out, so its start-up (a Node
  // process compiling its modules, or keepalived reading its config) never overlaps the next
  // round of another pair: every round starts on an otherwise quiet lab.
  await pair.waitR1Master(30_000);
  await new Promise((r) => setTimeout(r, 1000));

  return {
    ...base,
    ...(t0 !== undefined ? { t0: t0.toString() } : {}),
    ...(t0 !== undefined && advert ? { firstAdvertMs: ms(t0, advert.t) } : {}),
    ...(t0 !== undefined && vipAdded !== undefined ? { vipAddedMs: ms(t0, vipAdded) } : {}),
    ...(t0 !== undefined && garp ? { firstGarpMs: ms(t0, garp.t) } : {}),
    ...(error ? { error } : {}),
  };
}

interface Row {
  readonly pair: string;
  readonly kind: Kind;
  readonly theoryMs: number;
  readonly missed: number;
  /** Milliseconds beyond the theory. */
  readonly advertOver: Summary;
  readonly vipOver: Summary;
  readonly garpOver: Summary;
}

function summarizeRows(results: readonly RoundResult[], pairs: readonly string[], kinds: readonly Kind[], theoryMs: Record<Kind, number>): Row[] {
  const rows: Row[] = [];
  for (const kind of kinds) {
    for (const pair of pairs) {
      const mine = results.filter((r) => r.pair === pair && r.kind === kind);
      const over = (xs: (number | undefined)[]) => summarize(xs.filter((x): x is number => x !== undefined).map((x) => x - theoryMs[kind]));
      rows.push({
        pair, kind, theoryMs: theoryMs[kind],
        missed: mine.filter((r) => r.error !== undefined).length,
        advertOver: over(mine.map((r) => r.firstAdvertMs)),
        vipOver: over(mine.map((r) => r.vipAddedMs)),
        garpOver: over(mine.map((r) => r.firstGarpMs)),
      });
    }
  }
  return rows;
}

function verdicts(rows: readonly Row[]): string[] {
  const out: string[] = [];
  const crash = (p: string) => rows.find((r) => r.kind === 'crash' && r.pair === p);
  const ts = crash('ts/ts');
  const ka = crash('ka/ka');
  if (ts) {
    const worst = ts.garpOver.max;
    out.push(`goal "first GARP <= Master_Down_Interval + 5 ms" (keepalived-ts backup, crash): ` +
      `${Number.isNaN(worst) ? 'NOT MEASURED' : worst <= 5 ? 'met' : 'MISSED'} ` +
      `(median +${fixed(ts.garpOver.median, 2)} ms, max +${fixed(worst, 2)} ms over ${ts.garpOver.n} rounds, ${ts.missed} missed)` +
      (ka ? `; keepalived on the same goal: median +${fixed(ka.garpOver.median, 2)} ms, max +${fixed(ka.garpOver.max, 2)} ms` : ''));
  }
  if (ts && ka) {
    const d50 = ts.garpOver.median - ka.garpOver.median;
    const d90 = ts.garpOver.p90 - ka.garpOver.p90;
    out.push(`goal "no worse than keepalived" (first GARP after a crash): ${d50 <= 0 && d90 <= 0 ? 'met' : 'MISSED'} ` +
      `(keepalived-ts - keepalived: median ${d50 >= 0 ? '+' : ''}${fixed(d50, 2)} ms, p90 ${d90 >= 0 ? '+' : ''}${fixed(d90, 2)} ms)`);
  }
  return out;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const machineBefore = await machineLine();
  const theoryUs: Record<Kind, number> = {
    crash: masterDownIntervalUs(options.version, options.advertInt, BACKUP_PRIORITY),
    prio0: skewTimeUs(options.version, options.advertInt, BACKUP_PRIORITY),
  };
  const theoryMs = { crash: theoryUs.crash / 1000, prio0: theoryUs.prio0 / 1000 };
  const lab = await Topology.create();
  const results: RoundResult[] = [];
  const drops: Record<string, number> = {};
  try {
    const pairs: VrrpPair[] = [];
    for (const [i, spec] of options.pairs.entries()) {
      const [master, backup] = spec.split('/').map(implementationFromShort) as [ReturnType<typeof implementationFromShort>, ReturnType<typeof implementationFromShort>];
      pairs.push(await VrrpPair.create(lab, i + 1, {
        master, backup, version: options.version, advertInt: options.advertInt, ...(options.notify ? { notifyMaster: NOTIFY_SCRIPT } : {}),
      }));
    }
    for (const pair of pairs) {
      pair.startR1();
      // r2 starts once r1 is master, as an operator would bring up the second box.
      await pair.waitR1Master(30_000, 1);
      pair.startR2();
    }
    for (let round = 1; round <= options.rounds; round++) {
      for (const kind of options.kinds) {
        for (const pair of pairs) {
          const result = await runRound(pair, kind, round, theoryUs[kind]);
          results.push(result);
          if (!options.json) {
            const show = (x?: number) => (x === undefined ? '-' : `${x.toFixed(3)} ms`);
            process.stderr.write(`round ${round} ${kind.padEnd(5)} ${pair.name}: advert ${show(result.firstAdvertMs)}, ` +
              `VIP ${show(result.vipAddedMs)}, GARP ${show(result.firstGarpMs)}${result.error ? ` (${result.error})` : ''}\n`);
          }
        }
      }
    }
    for (const pair of pairs) {
      await pair.waitR1Master(30_000).catch(() => undefined);
      await pair.r1Daemon?.stop();
      await pair.r2Daemon?.stop();
      drops[pair.name] = await pair.stopCapture();
    }
  } finally {
    await lab.destroy();
  }

  const rows = summarizeRows(results, options.pairs, options.kinds, theoryMs);
  const machineAfter = await machineLine();
  const record = {
    benchmark: 'vrrp-failover', command: process.argv.slice(1).join(' '), machineBefore, machineAfter,
    options, theoryMs, backupPriority: BACKUP_PRIORITY, captureDrops: drops, rows, verdicts: verdicts(rows), rounds: results,
  };
  await saveIfAsked(process.argv, record);
  if (options.json) {
    console.log(JSON.stringify(record, null, 2));
    return;
  }
  const v = `VRRPv${options.version}, advert_int ${options.advertInt} s, backup priority ${BACKUP_PRIORITY}${options.notify ? `, notify_master ${NOTIFY_SCRIPT}` : ''}`;
  console.log(`before: ${machineBefore}\nafter:  ${machineAfter}`);
  console.log(`pairs are MASTER/BACKUP (ts = keepalived-ts, ka = keepalived ${'2.2.7'}); ${v}`);
  console.log(`theory: Master_Down_Interval ${fixed(theoryMs.crash, 3)} ms, Skew_Time ${fixed(theoryMs.prio0, 3)} ms`);
  console.log('milliseconds beyond the theory: advert and GARP from the observer\'s pcap timestamps, VIP from `ip -tshort monitor address` in the backup\n');
  const cells = (s: Summary) => [fixed(s.median, 3), fixed(s.p90, 3), fixed(s.max, 3)];
  for (const kind of options.kinds) {
    const title = kind === 'crash'
      ? 'master crashed (SIGSTOP + SIGKILL): from its last advert, minus Master_Down_Interval'
      : 'master stopped (SIGTERM): from its priority-0 advert, minus Skew_Time';
    console.log(title);
    console.log(table(
      ['pair', 'rounds', 'missed', 'advert p50', 'p90', 'max', 'VIP p50', 'p90', 'max', 'GARP p50', 'p90', 'max'],
      rows.filter((r) => r.kind === kind).map((r) => [r.pair, String(r.advertOver.n), String(r.missed),
        ...cells(r.advertOver), ...cells(r.vipOver), ...cells(r.garpOver)]),
    ));
    console.log('');
  }
  for (const line of verdicts(rows)) console.log(line);
  for (const r of results.filter((x) => x.error)) console.log(`missed: round ${r.round} ${r.kind} ${r.pair}: ${r.error}`);
  const dropped = Object.entries(drops).filter(([, n]) => n > 0);
  if (dropped.length) console.log(`capture drops: ${dropped.map(([p, n]) => `${p} ${n}`).join(', ')}`);
}

await main();
