/**
 * The scripted story (`scripts/lab --demo`, and the lab whenever stdout is not
 * a terminal): every step acts, waits for what VRRP should do, and states
 * what the kernel, the FIFO and the client showed, with the measured times.
 *
 *   1. start both routers          r1 (150) MASTER, r2 (100) BACKUP, VIP on r1,
 *                                  the client's ARP on r1, ping answered;
 *   2. crash r1                    r2 MASTER within Master_Down_Interval, VIP
 *                                  on r2, client's ARP → r2;
 *   3. restart r1                  r1 preempts (150 > 100): MASTER again, r2
 *                                  BACKUP and without the VIP, ARP → r1;
 *   4. lower r1 by its tracker     track file -100: r1 50 < r2 100, r2 takes
 *      and restore it              over; back to 0: r1 preempts again;
 *   5. orderly stop of r1          priority 0 advert: r2 MASTER after about
 *                                  Skew_Time, well before Master_Down_Interval.
 *
 * A step fails when what it waits for does not happen in time; the story then
 * stops (later steps would start from an unknown state), the daemons' last log
 * lines are printed, the lab is removed and the exit status is 1. The facts
 * (who was MASTER, the times) go to a JSON report as well (`--report FILE`),
 * which the integration test reads.
 */
import { masterDownInterval } from './config.js';
import type { Lab } from './lab.js';
import { sleep } from './process.js';
import { formatFailover, type FailoverSummary } from './timeline.js';
import { LAN, ROUTER_NAMES, type RouterName } from './topology.js';

export interface StepReport {
  readonly title: string;
  readonly ok: boolean;
  readonly lines: string[];
  readonly failover?: FailoverSummary;
}

export interface DemoReport {
  readonly ok: boolean;
  readonly steps: StepReport[];
  /** Who was MASTER after each step (undefined: none). */
  readonly masters: Record<string, RouterName | undefined>;
}

class StepFailed extends Error {}

/** Checks a condition every 50 ms (re-reading the kernel every 250 ms) until it holds or time runs out. */
async function until(lab: Lab, signal: AbortSignal, what: string, timeoutMs: number, condition: () => boolean): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let lastPoll = 0;
  for (;;) {
    if (signal.aborted) throw new StepFailed('interrupted');
    if (performance.now() - lastPoll >= 250) {
      await lab.poll();
      lastPoll = performance.now();
    }
    if (condition()) return;
    for (const name of ROUTER_NAMES) {
      const r = lab.routers[name];
      if (r.status === 'exited') throw new StepFailed(`${name}'s daemon ended on its own (${r.exitText}) while waiting for ${what}`);
    }
    if (performance.now() > deadline) throw new StepFailed(`timed out after ${(timeoutMs / 1000).toFixed(1)} s waiting for ${what}`);
    await sleep(50);
  }
}

const s = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(3)} s`);

export async function runDemo(lab: Lab, print: (line: string) => void, signal: AbortSignal): Promise<DemoReport> {
  const { r1, r2 } = lab.routers;
  const settings = lab.options.vrrp;
  const advertMs = settings.advertInt * 1000;
  const downMs = (name: RouterName) => masterDownInterval(settings, lab.routers[name].basePriority) * 1000;
  // A daemon start (node loading the compiler) can take a few seconds on a busy machine.
  const startupMs = 15_000;
  const steps: StepReport[] = [];
  const masters: Record<string, RouterName | undefined> = {};
  const elapsed = () => `[${((performance.now() - lab.startedAt) / 1000).toFixed(1).padStart(5)} s]`;

  const say = (lines: string[], text: string) => {
    lines.push(text);
    print(`          ${text}`);
  };
  const step = async (key: string, title: string, body: (lines: string[]) => Promise<FailoverSummary | void>) => {
    if (signal.aborted) throw new StepFailed('interrupted');
    print(`${elapsed()} ${steps.length + 1}. ${title}`);
    const lines: string[] = [];
    try {
      const failover = (await body(lines)) ?? undefined;
      masters[key] = lab.master();
      steps.push({ title, ok: true, lines, failover });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      say(lines, `FAILED: ${reason}`);
      masters[key] = lab.master();
      steps.push({ title, ok: false, lines });
      throw error;
    }
  };
  /** The client follows `name`: its ARP entry has name's MAC and ping is answered. */
  const clientFollows = (name: RouterName) => () =>
    lab.client.arpRouter === name && lab.client.ping.outageMs(performance.now()) === 0 && lab.client.ping.received > 0;
  const settled = (master: RouterName, backup: RouterName) => () =>
    lab.routers[master].vrrpState === 'MASTER' && lab.routers[master].holdsVip4
    && (!lab.routers[backup].running || lab.routers[backup].vrrpState === 'BACKUP');
  const describeFailover = (lines: string[], f: FailoverSummary) => say(lines, formatFailover(f));

  print(`keepalived-ts lab — the scripted story`);
  print(`  network: namespaces ${lab.topology.namespaces.sw.replace(/sw$/, '')}{sw,r1,r2,client}; LAN 192.0.2.0/24 and 2001:db8::/64 on bridge br0`);
  print(`  VRRP instance VI_LAB, VRID 42, VRRPv${settings.version}, advert every ${settings.advertInt} s; VIP ${LAN.vip4} (and ${LAN.vip6})`);
  for (const name of ROUTER_NAMES) {
    const r = lab.routers[name];
    print(`  ${name}: ${r.implementation}, priority ${r.basePriority}, ${LAN.hosts[name].ipv4}, MAC ${LAN.hosts[name].mac}, Master_Down_Interval ${s(downMs(name))}`);
  }
  print(`  client: ${LAN.hosts.client.ipv4} pings ${LAN.vip4} every 20 ms`);

  try {
    await step('start', 'Start both routers (both configured BACKUP: the election decides)', async (lines) => {
      const t0 = performance.now();
      lab.startRouters();
      await until(lab, signal, 'r1 MASTER with the VIP and r2 BACKUP', startupMs + downMs('r2') + 2 * advertMs, settled('r1', 'r2'));
      const first = lab.timeline.since(t0).find((e) => e.kind === 'state' && e.state === 'MASTER');
      if (first && first.router !== 'r1') say(lines, `${first.router} was MASTER first (its daemon was up sooner); r1 then preempted it`);
      say(lines, `r1 MASTER ${s(lab.timeline.since(t0).find((e) => e.kind === 'state' && e.router === 'r1' && e.state === 'MASTER')!.at - t0)} after the start, r2 BACKUP`);
      await until(lab, signal, "the client's ARP entry on r1 and ping answered", 5000, clientFollows('r1'));
      say(lines, `VIP ${LAN.vip4} on r1's eth0; the client's ARP entry: ${lab.client.arpMac} (r1); ping answered`);
      if (r2.holdsVip4) throw new StepFailed('r2 holds the VIP too');
    });

    await step('crash', 'Crash r1: freeze its whole daemon (SIGSTOP), then SIGKILL it', async (lines) => {
      say(lines, 'Why freeze first: after a plain kill -9 of the parent, the VRRP child (keepalived\'s and ours) notices');
      say(lines, 'and sends a priority 0 advert: an orderly handover. A frozen daemon says nothing, like a dead machine.');
      const t0 = await lab.act({ kind: 'crash', router: 'r1' });
      await until(lab, signal, 'r2 MASTER with the VIP', downMs('r2') + 3 * advertMs, settled('r2', 'r1'));
      await until(lab, signal, "the client's ARP entry on r2", 3000, clientFollows('r2'));
      const f = lab.failover(t0, 'crash r1', 'r1')!;
      describeFailover(lines, f);
      say(lines, `Master_Down_Interval of r2 is ${s(downMs('r2'))}: r2 waited ${s(f.masterAfterMs)} after the crash`);
      await r1.poll();
      if (r1.holdsVip4) {
        say(lines, "r1's kernel still has the VIP: a killed daemon removes nothing. The client follows r2's gratuitous ARP;");
        if (f.pingGapMs === 0) say(lines, "until then r1's kernel kept answering its pings, which is why none were lost");
      }
      return f;
    });

    await step('restart', 'Restart r1: it preempts r2 (priority 150 > 100)', async (lines) => {
      const staleVip = r1.holdsVip4;
      const t0 = await lab.act({ kind: 'restart', router: 'r1' });
      await until(lab, signal, 'r1 MASTER with the VIP and r2 BACKUP', startupMs + downMs('r1') + 2 * advertMs, settled('r1', 'r2'));
      await until(lab, signal, 'r2 to release the VIP', 3 * advertMs, () => !r2.holdsVip4);
      await until(lab, signal, "the client's ARP entry on r1", 3000, clientFollows('r1'));
      const f = lab.failover(t0, 'restart r1', 'r2')!;
      const cleared = lab.timeline.since(t0).find((e) => e.kind === 'vip-removed' && e.family === 4 && e.router === 'r1');
      const master = lab.timeline.since(t0).find((e) => e.kind === 'state' && e.state === 'MASTER' && e.router === 'r1');
      if (cleared && master && cleared.at < master.at) {
        say(lines, `r1's new daemon removed the VIP the crash had left, ${s(cleared.at - t0)} after the restart, before it was MASTER`);
      } else if (staleVip) {
        say(lines, "r1's new daemon kept the VIP the crash had left on eth0 while it was BACKUP");
      }
      describeFailover(lines, f);
      return f;
    });

    await step('tracker', "Lower r1's priority through its tracked file (-100), then restore it", async (lines) => {
      let t0 = await lab.act({ kind: 'priority', router: 'r1' });
      await until(lab, signal, 'r2 MASTER with the VIP', downMs('r2') + 3 * advertMs, settled('r2', 'r1'));
      await until(lab, signal, "the client's ARP entry on r2", 3000, clientFollows('r2'));
      const lowered = lab.timeline.since(t0).find((e) => e.kind === 'priority' && e.router === 'r1');
      say(lines, lowered ? `r1 reported priority ${lowered.priority} ${s(lowered.at - t0)} after the file changed` : 'r1 reported no priority change on its FIFO');
      describeFailover(lines, lab.failover(t0, 'r1 priority 150 → 50', 'r1')!);
      // Back to 0 (the cycle is 0 → -100 → +100 → 0: two steps).
      r1.setTrackValue(0);
      t0 = performance.now();
      await until(lab, signal, 'r1 MASTER again', downMs('r1') + 3 * advertMs, settled('r1', 'r2'));
      await until(lab, signal, "the client's ARP entry on r1", 3000, clientFollows('r1'));
      const f = lab.failover(t0, 'r1 priority 50 → 150', 'r2')!;
      describeFailover(lines, f);
      return f;
    });

    await step('stop', 'Orderly stop of r1 (SIGTERM): it sends priority 0', async (lines) => {
      const t0 = await lab.act({ kind: 'stop', router: 'r1' });
      await until(lab, signal, 'r2 MASTER with the VIP', downMs('r2') + 3 * advertMs, settled('r2', 'r1'));
      await until(lab, signal, "the client's ARP entry on r2", 3000, clientFollows('r2'));
      const f = lab.failover(t0, 'stop r1', 'r1')!;
      describeFailover(lines, f);
      const stopLine = lab.timeline.since(t0).find((e) => e.kind === 'state' && e.router === 'r1' && e.state === 'STOP');
      if (stopLine) say(lines, `r1 wrote STOP on its FIFO ${s(stopLine.at - t0)} after SIGTERM`);
      if (r1.holdsVip4) throw new StepFailed('r1 kept the VIP after an orderly stop');
      if ((f.masterAfterMs ?? Infinity) >= 2 * advertMs) {
        throw new StepFailed(`r2 took ${s(f.masterAfterMs)}: a priority 0 advert should hand over after Skew_Time, before 2 advert intervals`);
      }
      say(lines, `handover in ${s(f.masterAfterMs)}, against ${s(downMs('r2'))} when the master dies silently`);
      return f;
    });
  } catch (error) {
    if (!(error instanceof StepFailed)) print(`          (${error instanceof Error ? error.stack ?? error.message : String(error)})`);
    for (const name of ROUTER_NAMES) {
      const r = lab.routers[name];
      print(`  last lines of ${name}'s daemon log (${r.implementation}, ${r.status}${r.exitText ? `, ${r.exitText}` : ''}):`);
      for (const line of r.logTail.slice(-15)) print(`    ${line}`);
    }
    return { ok: false, steps, masters };
  }
  return { ok: true, steps, masters };
}
