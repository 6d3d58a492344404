/**
 * The interactive lab: a full-screen view redrawn every 250 ms, and keys to
 * break things.
 *
 * Plain ANSI, no library: the alternate screen (so the shell's scrollback is
 * left as it was), cursor home and clear-to-end-of-line on every line of a
 * frame (no flicker, no full clear), colours only when the terminal has them
 * and NO_COLOR is unset. stdin in raw mode delivers single keys; Ctrl-C then
 * arrives as a byte (0x03), not a signal, and quits like `q`.
 *
 * Keys are interpreted by interpretKey(), a pure function of (pending prefix,
 * key): `1`/`2` act at once (crash), `s`/`r`/`p`/`c` wait for a router number.
 * render() is pure too (a Snapshot in, lines out), so both are unit-tested.
 * One action runs at a time; keys pressed meanwhile are refused with a note,
 * except quitting, which waits for the action and then removes the lab.
 */
import type { LabAction, RouterView, Snapshot } from './lab.js';
import type { Lab } from './lab.js';
import { formatFailover } from './timeline.js';
import { LAN, type RouterName } from './topology.js';

export type Prefix = 's' | 'r' | 'p' | 'c';
const PREFIX_ACTION: Record<Prefix, LabAction['kind']> = { s: 'stop', r: 'restart', p: 'priority', c: 'cable' };
const PREFIX_NAME: Record<Prefix, string> = { s: 'stop', r: 'restart', p: 'priority', c: 'cable' };

export interface KeyResult {
  readonly pending: Prefix | null;
  readonly action?: LabAction;
  readonly quit?: boolean;
  readonly message?: string;
}

export function interpretKey(pending: Prefix | null, key: string): KeyResult {
  if (key === 'q' || key === 'Q' || key === '\x03' || key === '\x04') return { pending: null, quit: true };
  if (key === '\x1b') return { pending: null, message: pending ? 'cancelled' : undefined };
  const router: RouterName | undefined = key === '1' ? 'r1' : key === '2' ? 'r2' : undefined;
  if (pending) {
    if (!router) return { pending: null, message: `${PREFIX_NAME[pending]}: expected 1 or 2 (router number), got '${printable(key)}'` };
    return { pending: null, action: { kind: PREFIX_ACTION[pending], router } };
  }
  if (router) return { pending: null, action: { kind: 'crash', router } };
  if (key === 's' || key === 'r' || key === 'p' || key === 'c') return { pending: key, message: `${PREFIX_NAME[key]}: which router, 1 or 2?` };
  return { pending: null, message: `unknown key '${printable(key)}'` };
}

function printable(key: string): string {
  return [...key].map((c) => (c < ' ' || c === '\x7f' ? `^${String.fromCharCode((c.charCodeAt(0) + 64) & 0x7f)}` : c)).join('');
}

export interface RenderOptions {
  readonly width: number;
  readonly color: boolean;
  readonly advertInt: number;
  readonly vrrpVersion: number;
  readonly message?: string;
  readonly busy?: string;
}

const STARTING = 'starting both routers…';
const KEYS = 'keys: 1/2 crash · s1/s2 stop · r1/r2 (re)start · p1/p2 priority 0 → -100 → +100 · c1/c2 cable · q quit';
const WHY = [
  'crash = SIGSTOP, then SIGKILL, of every process of the daemon. A plain kill -9 of the parent is not',
  'a crash: the VRRP child notices, sends priority 0 and hands over at once, as keepalived does.',
  'A crashed daemon removes nothing: its VIP stays on its eth0.',
];

/** Word-wraps to `width` columns, continuation lines indented by `indent`. */
export function wrap(text: string, width: number, indent = 2): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = ' '.repeat(indent) + word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

export function render(snap: Snapshot, opts: RenderOptions): string[] {
  const paint = (code: string, text: string) => (opts.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const stateColor: Record<string, string> = { MASTER: '1;32', BACKUP: '33', FAULT: '1;31', STOP: '2' };
  const since = (at: number) => `+${((at - snap.startedAt) / 1000).toFixed(3).padStart(8)} s`;
  const uptime = Math.floor((snap.now - snap.startedAt) / 1000);
  const lines: string[] = [];
  const w = Math.max(40, opts.width);

  lines.push(`${paint('1', 'keepalived-ts lab')}  VRRPv${opts.vrrpVersion} · VRID 42 · advert ${opts.advertInt} s · VIP ${LAN.vip4} (+${LAN.vip6})  up ${uptime} s`);
  lines.push('─'.repeat(Math.min(w, 100)));
  lines.push(`${'router'.padEnd(7)} ${'daemon'.padEnd(14)} ${'pid'.padEnd(8)} ${'state'.padEnd(9)} ${'priority'.padEnd(18)} ${'VIP'.padEnd(16)} cable`);
  for (const r of snap.routers) {
    const state = routerState(r);
    const cell = (text: string, width: number, code?: string) => (code ? paint(code, text.padEnd(width)) : text.padEnd(width));
    const tracked = r.trackValue === 0 ? '' : ` ${r.trackValue < 0 ? '-' : '+'} ${Math.abs(r.trackValue)}`;
    const priority = `${r.reportedPriority ?? '—'} (${r.basePriority}${tracked})`;
    const vip = r.holdsVip4 || r.holdsVip6 ? `● ${[r.holdsVip4 ? 'v4' : '', r.holdsVip6 ? 'v6' : ''].filter(Boolean).join('+')}` : '·';
    const stale = (r.holdsVip4 && state !== 'MASTER') ? ' (stale)' : '';
    lines.push(`${r.name.padEnd(7)} ${r.implementation.padEnd(14)} ${String(r.pid ?? '—').padEnd(8)} ${cell(state, 9, stateColor[state] ?? '2')} ${priority.padEnd(18)} ${cell(vip + stale, 16, r.holdsVip4 ? '1' : undefined)} ${r.cablePlugged ? 'plugged' : paint('1;31', 'UNPLUGGED')}`);
  }
  for (const r of snap.routers) {
    if (r.status !== 'exited') continue;
    lines.push(paint('1;31', `${r.name}: the daemon ended on its own (${r.exitText}); its last log lines:`));
    for (const l of r.logTail) lines.push(...wrap(`  ${l}`, w, 4));
  }
  lines.push('');
  const c = snap.client;
  const arp = c.arpMac ? `${c.arpMac}${c.arpRouter ? ` = ${c.arpRouter}` : ''} (${c.arpState ?? '?'})` : 'none yet';
  lines.push(`client  ${LAN.hosts.client.ipv4} pings ${LAN.vip4}: ARP entry ${arp}`);
  const answering = c.received === 0 ? 'no answer yet' : c.outageMs > 0 ? paint('1;31', `no answer for ${(c.outageMs / 1000).toFixed(2)} s`) : paint('32', 'answering');
  lines.push(`        ping: ${c.received} answered, ${c.lost} lost, ${answering}`);
  lines.push('');
  lines.push(...wrap(`last action  ${snap.failover ? formatFailover(snap.failover) : '—'}`, w, 13));
  lines.push('');
  lines.push('events');
  for (const e of snap.events) lines.push(...wrap(` ${since(e.at)}  ${e.text}`, w, 15));
  lines.push('');
  lines.push(...wrap(KEYS, w, 6));
  for (const l of wrap(WHY.join(' '), w, 0)) lines.push(paint('2', l));
  if (opts.busy) lines.push(paint('1', `… ${opts.busy}`));
  else if (opts.message) lines.push(paint('1', `> ${opts.message}`));
  return lines;
}

function routerState(r: RouterView): string {
  switch (r.status) {
    case 'running': return r.vrrpState ?? 'starting';
    case 'not started': return 'not started';
    case 'stopping': return 'stopping';
    case 'stopped': return 'stopped';
    case 'crashed': return 'crashed';
    case 'exited': return 'exited';
  }
}

/** Runs the interactive view until the user quits (or `abort` resolves). */
export async function runInteractive(lab: Lab, abort: Promise<unknown>): Promise<void> {
  const out = process.stdout;
  const input = process.stdin;
  const color = out.hasColors?.() === true && !process.env.NO_COLOR;
  let pending: Prefix | null = null;
  let message: string | undefined = STARTING;
  let busy: string | undefined;
  let quit = false;
  let wake: () => void = () => undefined;

  out.write('\x1b[?1049h\x1b[?25l'); // alternate screen, hide cursor
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  const onKey = (data: string) => {
    for (const key of data.match(/\x1b\[[0-9;]*[A-Za-z]|./gsu) ?? []) {
      if (key.length > 1) continue; // arrow keys and the like
      const result = interpretKey(pending, key);
      pending = result.pending;
      if (result.quit) {
        quit = true;
        wake();
        return;
      }
      if (result.message !== undefined) message = result.message;
      if (result.action) {
        if (busy) {
          message = `wait: ${busy}`;
          continue;
        }
        const action = result.action;
        busy = `${action.kind} ${action.router}`;
        message = undefined;
        void lab.act(action).then(
          () => { message = `done: ${action.kind} ${action.router}`; },
          (error: Error) => { message = `${action.kind} ${action.router} failed: ${error.message}`; },
        ).finally(() => { busy = undefined; });
      }
    }
    wake();
  };
  input.on('data', onKey);
  let aborted = false;
  void abort.then(() => { aborted = true; wake(); });
  try {
    lab.startRouters();
    while (!quit && !aborted) {
      await lab.poll().catch(() => undefined);
      if (message === STARTING && Object.values(lab.routers).some((r) => r.vrrpState)) message = undefined;
      const frame = render(lab.snapshot(10), {
        // A terminal that reports no size (0 columns) gets a sensible width.
        width: out.columns >= 40 ? out.columns : 100, color, advertInt: lab.options.vrrp.advertInt, vrrpVersion: lab.options.vrrp.version, message, busy,
      });
      out.write(`\x1b[H${frame.map((l) => `${l}\x1b[K`).join('\n')}\n\x1b[J`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 250);
      });
    }
    if (busy) out.write(`\x1b[H\x1b[Jwaiting for "${busy}" to finish…\n`);
    while (busy) await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    input.off('data', onKey);
    input.setRawMode(false);
    input.pause();
    out.write('\x1b[?25h\x1b[?1049l'); // cursor back, main screen
  }
}
