/**
 * Where the backup's takeover time goes: the system calls of its VRRP child
 * around one crash takeover, on a time line relative to the RFC deadline.
 *
 *   node dist/bench/vrrp-takeover-trace.js [--impl ts|ka] [--before-ms 3] [--json]
 *
 * The pair of vrrp-failover.ts (lib/vrrp-pair.ts) is built with `--impl` on
 * both sides; once r1 is master, `strace -f -ttt -T` attaches to r2's VRRP
 * child (pid from its vrrp.pid), r1 is crashed (SIGSTOP + SIGKILL), and after
 * the backup's first GARP the trace is cut to the window from
 * Master_Down_Interval − --before-ms to the GARP. Each line shows the call's
 * time relative to the deadline (t0 + Master_Down_Interval, t0 being r1's
 * last advert on the wire) and its first characters; the wire times are
 * printed alongside.
 *
 * strace stops the traced process at every system call, so everything here
 * runs slower than in vrrp-failover.ts: read the order of events and the
 * relative cost of the steps (timer, advert, log, netlink, GARP socket), not
 * the absolute numbers. This is a diagnostic, not a measurement.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Topology } from '../test/harness/index.js';
import { implementationFromShort } from './lib/daemons.js';
import { BACKUP_PRIORITY, VrrpPair } from './lib/vrrp-pair.js';
import { masterDownIntervalUs } from './lib/vrrp.js';
import type { AdvertEvent } from './lib/wire.js';

interface TraceLine {
  /** Milliseconds relative to t0 + Master_Down_Interval. */
  readonly ms: number;
  readonly text: string;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i === -1 ? undefined : argv[i + 1];
  };
  const impl = implementationFromShort(value('impl') ?? 'ts');
  const beforeMs = Number(value('before-ms') ?? 3);
  if (!(beforeMs >= 0)) throw new Error('--before-ms needs a number of milliseconds');
  const json = argv.includes('--json');

  const lab = await Topology.create();
  try {
    const pair = await VrrpPair.create(lab, 1, { master: impl, backup: impl, version: 2, advertInt: 1 });
    pair.startR1();
    await pair.waitR1Master(30_000, 1);
    pair.startR2();
    await pair.waitR1Master(30_000);
    const vrrpPid = Number(readFileSync(join(pair.r2Daemon!.directory, 'vrrp.pid'), 'utf8').trim());
    const traceFile = join(lab.directory, 'takeover.strace');
    const strace = pair.r2.spawn(['strace', '-f', '-ttt', '-T', '-s', '40', '-o', traceFile, '-p', String(vrrpPid)]);
    await strace.waitForOutput(/attached/, { stream: 'stderr', timeoutMs: 5000 });
    pair.poll();
    const mark = pair.events.length;
    await pair.r1Daemon!.crash();
    const advert = await pair.waitEvent(mark, (e): e is AdvertEvent => e.kind === 'advert' && pair.isR2(e) && e.priority > 0, 10_000);
    const garp = await pair.waitEvent(mark, (e) => pair.isR2Garp(e), 2000);
    if (!advert || !garp) throw new Error(`no takeover seen on the wire (advert ${advert ? 'seen' : 'missing'}, GARP ${garp ? 'seen' : 'missing'})`);
    let t0 = 0n;
    for (const e of pair.events) if (e.kind === 'advert' && pair.isR1(e) && e.t < advert.t) t0 = e.t;
    await new Promise((r) => setTimeout(r, 300));
    await strace.kill('SIGINT', 3000);

    const deadlineNs = t0 + BigInt(masterDownIntervalUs(2, 1, BACKUP_PRIORITY)) * 1000n;
    const rel = (ns: bigint) => Number(ns - deadlineNs) / 1e6;
    const lines: TraceLine[] = [];
    for (const raw of readFileSync(traceFile, 'utf8').split('\n')) {
      const m = /^\d+\s+(\d+)\.(\d{6}) (.*)$/.exec(raw);
      if (!m) continue;
      const ms = rel(BigInt(m[1]!) * 1_000_000_000n + BigInt(m[2]!) * 1000n);
      if (ms < -beforeMs || ms > rel(garp.t) + 1) continue;
      lines.push({ ms, text: m[3]!.slice(0, 110) });
    }
    const wire = { advertMs: rel(advert.t), garpMs: rel(garp.t) };
    if (json) {
      console.log(JSON.stringify({ benchmark: 'vrrp-takeover-trace', implementation: impl, wire, lines }, null, 2));
      return;
    }
    console.log(`${impl} backup, VRRP child ${vrrpPid} under strace; ms relative to t0 + Master_Down_Interval (0 = the RFC deadline)`);
    console.log(`wire (observer): first advert ${wire.advertMs.toFixed(3)} ms, first GARP ${wire.garpMs.toFixed(3)} ms`);
    // Runs of identical calls (a loop polling epoll with a zero timeout) are folded into one line.
    let previous = '';
    let repeats = 0;
    for (const l of lines) {
      const name = l.text.replace(/\(.*$/, '');
      const key = /^epoll_p?wait\(\d+, \[\], \d+, 0/.test(l.text) ? 'epoll-zero' : '';
      if (key && key === previous) {
        repeats++;
        continue;
      }
      if (repeats) console.log(`            ... ${repeats} more of the same`);
      repeats = 0;
      previous = key;
      console.log(`${l.ms.toFixed(3).padStart(10)}  ${key ? `${name} with a zero timeout (nothing ready; the loop is spinning)` : l.text}`);
    }
    if (repeats) console.log(`            ... ${repeats} more of the same`);
  } finally {
    await lab.destroy();
  }
}

await main();
