/**
 * One lab router: its daemon (keepalived-ts or Debian's keepalived) inside the
 * router's namespace, and everything the lab reads from it.
 *
 * Control:
 *   start    writes nothing new (config, FIFO and track file exist from
 *            prepare()), spawns `ip netns exec <ns> <daemon> -n -l ...`; `ip
 *            netns exec` execs the daemon, so the pid we get is the daemon's
 *            parent process and the leader of its own process group.
 *   crash    freezes the whole group (SIGSTOP), then SIGKILLs it. Killing only
 *            the parent with -9 is not a crash for keepalived or keepalived-ts:
 *            the VRRP child sees its parent go, stops cleanly and sends a
 *            priority 0 advert, which hands over at once (Skew_Time) instead of
 *            after Master_Down_Interval. Frozen first, nobody can react — as
 *            when a machine dies. The killed daemon cleans nothing up: its VIP
 *            stays on eth0, and the kernel keeps answering for it.
 *   stop     SIGTERM: the orderly stop (priority 0 advert, VIPs removed, a
 *            STOP line on the FIFO).
 *   priority writes the tracked file; the daemon re-reads it (inotify) and
 *            adds the number to its priority.
 *
 * Reading:
 *   the notify FIFO, created by the lab before the daemon starts (the daemon
 *   uses an existing FIFO as is) and opened read-write, non-blocking: holding a
 *   write end means no EOF when a daemon dies and restarts, lines just wait;
 *   `ip -o monitor address` in the namespace, for the exact moment the kernel
 *   gains or loses the VIP; the daemon's console log, kept in a file and in a
 *   short ring for the screen and for error reports.
 */
import { closeSync, constants as fs, createWriteStream, openSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { Socket } from 'node:net';
import { daemonArgv, keepalivedConf, BASE_PRIORITY, INSTANCE_NAME, type Implementation, type RouterFiles, type VrrpSettings } from './config.js';
import { killProcessGroupSync, LineProcess, run, sleep, waitGone, type Line } from './process.js';
import type { Timeline } from './timeline.js';
import { LAN, type RouterName, type Topology } from './topology.js';

export type DaemonStatus = 'not started' | 'running' | 'stopping' | 'stopped' | 'crashed' | 'exited';

/** A notify FIFO line: `INSTANCE "VI_1" MASTER 150` (keepalived's format; GROUP lines for sync groups). */
export function parseFifoLine(line: string): { type: string; name: string; state: string; priority: number } | null {
  const match = /^(INSTANCE|GROUP) "([^"]*)" ([A-Z_]+) (\d+)$/.exec(line.trim());
  return match ? { type: match[1]!, name: match[2]!, state: match[3]!, priority: Number(match[4]) } : null;
}

/** An `ip -o monitor address` line about `address`: added or deleted, and the family. */
export function parseAddressMonitorLine(line: string, address4: string, address6: string): { added: boolean; family: 4 | 6 } | null {
  const match = /^(Deleted )?\d+: \S+\s+(inet6?) ([0-9a-fA-F.:]+)\//.exec(line);
  if (!match) return null;
  const family = match[2] === 'inet6' ? 6 : 4;
  if (match[3] !== (family === 4 ? address4 : address6)) return null;
  return { added: match[1] === undefined, family };
}

export class Router {
  readonly files: RouterFiles;
  status: DaemonStatus = 'not started';
  /** Last VRRP state from the FIFO since the daemon started (undefined: none yet). */
  vrrpState: string | undefined;
  /** Last priority from the FIFO. */
  reportedPriority: number | undefined;
  /** The number in the tracked file (added to the base priority). */
  trackValue = 0;
  holdsVip4 = false;
  holdsVip6 = false;
  exitText: string | undefined;
  /** Last lines of the daemon's log. */
  readonly logTail: string[] = [];
  /** Every pid started for this router: daemons and the monitor (for the check that none is left). */
  readonly pidsStarted: number[] = [];

  #daemon: LineProcess | null = null;
  #monitor: LineProcess | null = null;
  #fifo: Socket | null = null;
  #log: WriteStream | null = null;

  constructor(
    readonly name: RouterName,
    readonly implementation: Implementation,
    private readonly topology: Topology,
    files: RouterFiles,
    private readonly settings: VrrpSettings,
    private readonly tsBinary: string,
    private readonly timeline: Timeline,
  ) {
    this.files = files;
  }

  get basePriority(): number {
    return BASE_PRIORITY[this.name];
  }

  get pid(): number | undefined {
    return this.#daemon?.running ? this.#daemon.pid : undefined;
  }

  get running(): boolean {
    return this.#daemon?.running ?? false;
  }

  /** Writes the config and the tracked file, makes and opens the FIFO, starts the address monitor. */
  async prepare(): Promise<void> {
    writeFileSync(this.files.config, keepalivedConf(this.name, this.files, this.settings));
    this.#writeTrackFile();
    await run(['mkfifo', '-m', '600', this.files.fifo]);
    const fd = openSync(this.files.fifo, fs.O_RDWR | fs.O_NONBLOCK);
    try {
      this.#fifo = new Socket({ fd, readable: true, writable: false });
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    let partial = '';
    this.#fifo.setEncoding('utf8');
    this.#fifo.on('data', (chunk: string) => {
      const at = performance.now();
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) this.#onFifoLine(line, at);
    });
    this.#fifo.on('error', () => undefined);
    this.#log = createWriteStream(this.files.log, { flags: 'a' });
    this.#monitor = new LineProcess(['ip', '-o', '-n', this.topology.namespaces[this.name], 'monitor', 'address'],
      (line) => this.#onMonitorLine(line));
    this.pidsStarted.push(this.#monitor.pid);
  }

  /** Starts the daemon (if not running). */
  start(): void {
    if (this.running) return;
    // A crashed daemon leaves its pid files behind (a rebooted machine would start with an empty /run).
    // They are stale, but the daemon's own check (kill(pid, 0)) would count a killed child that init
    // has not reaped yet, or a process that reused the pid, as "already running" and refuse to start.
    for (const file of [this.files.pidParent, this.files.pidVrrp, this.files.pidChecker, this.files.pidBfd]) rmSync(file, { force: true });
    this.vrrpState = undefined;
    this.reportedPriority = undefined;
    this.exitText = undefined;
    const argv = [...this.topology.exec(this.name), ...daemonArgv(this.implementation, this.files, this.tsBinary)];
    const daemon = new LineProcess(argv, (line) => this.#onLogLine(line));
    this.#daemon = daemon;
    this.pidsStarted.push(daemon.pid);
    this.status = 'running';
    this.#event('daemon', `${this.name}: ${this.implementation} started (pid ${daemon.pid})`);
    void daemon.exited.then((exit) => {
      if (this.#daemon !== daemon) return;
      if (this.status === 'running') {
        this.status = 'exited';
        this.exitText = exit.signal ? `killed by ${exit.signal}` : `exit status ${exit.code}`;
        this.#event('daemon', `${this.name}: daemon ended on its own (${this.exitText})`);
      } else if (this.status === 'stopping') {
        this.status = 'stopped';
        this.#event('daemon', `${this.name}: daemon stopped (${exit.signal ? exit.signal : `exit status ${exit.code}`})`);
      }
      this.vrrpState = undefined;
    });
  }

  /** Freezes and kills the whole daemon; see the module comment for why both. */
  async crash(): Promise<void> {
    const daemon = this.#daemon;
    if (!daemon?.running) return;
    this.status = 'crashed';
    const members = killProcessGroupSync(daemon.pid);
    this.#event('daemon', `${this.name}: daemon frozen (SIGSTOP) and killed (SIGKILL): pid ${members.join(', ')}`);
    await waitGone(members, 2000);
  }

  /** The orderly stop: SIGTERM, then (after `graceMs`) the crash path. */
  async stop(graceMs = 8000): Promise<void> {
    const daemon = this.#daemon;
    if (!daemon?.running) return;
    this.status = 'stopping';
    daemon.signal('SIGTERM');
    const stopped = await Promise.race([daemon.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!stopped) {
      this.#event('note', `${this.name}: daemon did not stop within ${graceMs / 1000} s of SIGTERM; killing it`);
      await waitGone(killProcessGroupSync(daemon.pid), 2000);
    } else {
      // A child that outlived its parent (it should not) is killed with the group.
      killProcessGroupSync(daemon.pid);
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    this.start();
  }

  /** Sets the number in the tracked file (the daemon adds it to the priority). */
  setTrackValue(value: number): void {
    this.trackValue = value;
    this.#writeTrackFile();
    this.#event('action', `${this.name}: tracked file set to ${value} (priority ${this.basePriority} ${value < 0 ? '-' : '+'} ${Math.abs(value)})`);
  }

  #writeTrackFile(): void {
    writeFileSync(this.files.trackFile, `${this.trackValue}\n`);
  }

  /** Re-reads whether the kernel holds the VIPs (`ip -j addr`). */
  async poll(): Promise<void> {
    const addresses = await this.topology.addresses(this.name);
    this.holdsVip4 = addresses.includes(LAN.vip4);
    this.holdsVip6 = addresses.includes(LAN.vip6);
  }

  /** Stops the daemon (orderly, briefly), the monitor and the FIFO reader. */
  async dispose(): Promise<void> {
    if (this.running) await this.stop(3000);
    else if (this.#daemon) killProcessGroupSync(this.#daemon.pid); // children of a crashed/exited one, if any
    await this.#monitor?.killGroup();
    this.#monitor = null;
    this.#fifo?.destroy();
    this.#fifo = null;
    await new Promise<void>((resolve) => (this.#log ? this.#log.end(resolve) : resolve()));
    this.#log = null;
  }

  #onFifoLine(text: string, at: number): void {
    const line = parseFifoLine(text);
    if (!line || line.type !== 'INSTANCE' || line.name !== INSTANCE_NAME) return;
    this.reportedPriority = line.priority;
    if (line.state === 'MASTER_PRIORITY' || line.state === 'BACKUP_PRIORITY') {
      this.timeline.push({ at, kind: 'priority', router: this.name, priority: line.priority, text: `${this.name}: priority now ${line.priority}` });
      return;
    }
    if (line.state === 'MASTER_RX_LOWER_PRI') return;
    this.vrrpState = line.state;
    this.timeline.push({ at, kind: 'state', router: this.name, state: line.state, priority: line.priority, text: `${this.name}: ${line.state} (priority ${line.priority})` });
  }

  #onMonitorLine(line: Line): void {
    const change = parseAddressMonitorLine(line.text, LAN.vip4, LAN.vip6);
    if (!change) return;
    const vip = change.family === 4 ? LAN.vip4 : LAN.vip6;
    if (change.family === 4) this.holdsVip4 = change.added;
    else this.holdsVip6 = change.added;
    this.timeline.push({
      at: line.at, kind: change.added ? 'vip-added' : 'vip-removed', router: this.name, family: change.family,
      text: `${this.name}: kernel ${change.added ? 'gained' : 'lost'} VIP ${vip}`,
    });
  }

  #onLogLine(line: Line): void {
    this.#log?.write(`${line.text}\n`);
    this.logTail.push(line.text);
    if (this.logTail.length > 200) this.logTail.splice(0, this.logTail.length - 200);
  }

  #event(kind: 'daemon' | 'action' | 'note', text: string): void {
    this.timeline.push({ at: performance.now(), kind, router: this.name, text });
  }
}
