/**
 * Notify dispatcher: turns VRRP state changes into notify scripts, FIFO lines
 * and smtp alerts, as keepalived's vrrp_notify.c does.
 *
 * For an instance or sync group entering a state, in this order
 * (send_instance_notifies / send_group_notifies):
 *   1. the state's own script: notify_master / _backup / _fault / _stop /
 *      _deleted (instances only), run with its configured arguments;
 *   2. the generic `notify` script, with TYPE NAME STATE PRIORITY appended
 *      (a group's priority is always 0);
 *   3. one line on each open FIFO: `TYPE "NAME" STATE PRIORITY`;
 *   4. an smtp alert, if smtp_alert is on for it, the state differs from the
 *      last one mailed, and it is not a FAULT under no_email_faults.
 * An instance removed by a reload is reported as FAULT unless it has
 * notify_deleted (keepalived's backward-compatible default).
 * A MASTER hearing a lower priority runs notify_master_rx_lower_pri (no extra
 * arguments) and writes MASTER_RX_LOWER_PRI; a priority change writes
 * MASTER_PRIORITY (when MASTER) or BACKUP_PRIORITY (any other state) when
 * notify_priority_changes applies — neither runs the generic script.
 *
 * Scripts are started at once and never waited for, as keepalived forks and
 * moves on: they may finish in any order (landscape A10, the reason users
 * prefer the FIFO). FIFO lines are written synchronously in the call that
 * reports the change, so they are in event order, always. Callers must
 * therefore report changes in the order they happen; keepalived reports a sync
 * group's members before the group itself (see format.ts for a capture).
 * Notify scripts have no timeout, except STOP scripts of instances and the
 * generic script's STOP call: keepalived kills those after one second, because
 * it is shutting down (vrrp_notify.c, system_call_script with TIMER_HZ).
 *
 * keepalived also skips an instance's notifies when it "is already in the
 * required state due to our sync group" (notifies_sent): that only catches
 * repeated same-state reports from its own code paths. Our callers report
 * transitions, and a deliberate repeat (re-announcing MASTER after a split
 * brain) must go out, so nothing is skipped here.
 */
import type { LogPort } from '../../core/log-port.js';
import type { ScriptResult, ScriptRunner, ScriptToRun } from '../../core/scripts/runner.js';
import { alertText, formatFifoLine, notifyArguments, type FifoState, type NotifyState, type NotifyType, type SmtpAlertSink } from './format.js';
import type { NotifyFifo } from './fifo.js';

export interface NotifyScripts {
  readonly master?: ScriptToRun;
  readonly backup?: ScriptToRun;
  readonly fault?: ScriptToRun;
  readonly stop?: ScriptToRun;
  /** Instances only. */
  readonly deleted?: ScriptToRun;
  /** Instances only. */
  readonly masterRxLowerPri?: ScriptToRun;
  /** `notify`: gets TYPE NAME STATE PRIORITY appended. */
  readonly generic?: ScriptToRun;
}

export interface NotifySpec {
  readonly type: NotifyType;
  readonly name: string;
  readonly scripts: NotifyScripts;
  /** notify_deleted: report DELETED, not FAULT, when a reload removes the instance. */
  readonly notifyDeleted?: boolean;
  /** Resolved notify_priority_changes (instance, else its group, else global). */
  readonly notifyPriorityChanges?: boolean;
  /** Resolved smtp_alert (own, else smtp_alert_vrrp, else smtp_alert). */
  readonly smtpAlert?: boolean;
}

export interface NotifyDispatcherOptions {
  readonly runner: ScriptRunner;
  readonly log: LogPort;
  readonly specs: readonly NotifySpec[];
  /** Open FIFOs (notify_fifo, vrrp_notify_fifo); each gets every line. */
  readonly fifos?: readonly NotifyFifo[];
  readonly alerts?: SmtpAlertSink;
  /** global_defs no_email_faults. */
  readonly noEmailFaults?: boolean;
  /** How long STOP scripts may run, ms (keepalived: 1 s). */
  readonly stopScriptTimeoutMs?: number;
  /** Clock for alert stamps (ms since the epoch). */
  readonly now?: () => number;
  /**
   * Where dispatches wait their turn behind the process's log lines (the vrrp child's
   * ReportQueue, which holds them while a new MASTER's first GARPs go out); default: at once.
   */
  readonly reports?: { run(report: () => void): void; idle(): Promise<void> };
}

const STATE_SCRIPT: Record<NotifyState, keyof NotifyScripts> = {
  MASTER: 'master',
  BACKUP: 'backup',
  FAULT: 'fault',
  STOP: 'stop',
  DELETED: 'deleted',
};

export class NotifyDispatcher {
  private readonly specs = new Map<string, NotifySpec>();
  private readonly lastMailed = new Map<string, NotifyState>();
  private readonly running = new Set<Promise<ScriptResult>>();
  private readonly fifos: readonly NotifyFifo[];

  constructor(private readonly opts: NotifyDispatcherOptions) {
    for (const s of opts.specs) this.specs.set(`${s.type}:${s.name}`, s);
    this.fifos = opts.fifos ?? [];
  }

  /** An instance entered a state. `priority` is its effective priority. */
  instanceState(name: string, state: NotifyState, priority: number): void {
    this.report(() => {
      const spec = this.spec('INSTANCE', name);
      const reported: NotifyState = state === 'DELETED' && !spec?.notifyDeleted ? 'FAULT' : state;
      this.dispatch('INSTANCE', name, spec, reported, priority);
    });
  }

  /** A sync group entered a state (groups have no DELETED; their priority is reported as 0). */
  groupState(name: string, state: Exclude<NotifyState, 'DELETED'>): void {
    this.report(() => this.dispatch('GROUP', name, this.spec('GROUP', name), state, 0));
  }

  /** A MASTER received an advert with a lower priority than its own `priority`. */
  masterRxLowerPriority(name: string, priority: number): void {
    this.report(() => {
      const script = this.spec('INSTANCE', name)?.scripts.masterRxLowerPri;
      if (script) this.start(script, []);
      this.writeFifos(formatFifoLine('INSTANCE', name, 'MASTER_RX_LOWER_PRI', priority));
    });
  }

  /** An instance's effective priority changed; written only with notify_priority_changes. */
  priorityChanged(name: string, state: string, priority: number): void {
    if (!this.spec('INSTANCE', name)?.notifyPriorityChanges) return;
    const what: FifoState = state === 'MASTER' ? 'MASTER_PRIORITY' : 'BACKUP_PRIORITY';
    this.report(() => this.writeFifos(formatFifoLine('INSTANCE', name, what, priority)));
  }

  /**
   * Writes an instance's or group's current state to the FIFOs only, running nothing:
   * global_defs fifo_write_vrrp_states_on_reload, for what a reload left unchanged.
   */
  announceState(type: NotifyType, name: string, state: NotifyState, priority: number): void {
    this.report(() => this.writeFifos(formatFifoLine(type, name, state, type === 'GROUP' ? 0 : priority)));
  }

  /** Resolves when every notify asked for so far has run and every script it started has ended. */
  async settled(): Promise<void> {
    await this.opts.reports?.idle();
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** Notify scripts still running. */
  get activeScripts(): number {
    return this.running.size;
  }

  private report(dispatch: () => void): void {
    if (this.opts.reports) this.opts.reports.run(dispatch);
    else dispatch();
  }

  private spec(type: NotifyType, name: string): NotifySpec | undefined {
    return this.specs.get(`${type}:${name}`);
  }

  private dispatch(type: NotifyType, name: string, spec: NotifySpec | undefined, state: NotifyState, priority: number): void {
    const scripts = spec?.scripts ?? {};
    // Groups have no notify_deleted script (keepalived installs it for instances only).
    const own = type === 'GROUP' && state === 'DELETED' ? undefined : scripts[STATE_SCRIPT[state]];
    const limited = state === 'STOP';
    if (own) this.start(own, [], limited && type === 'INSTANCE');
    if (scripts.generic) this.start(scripts.generic, notifyArguments(type, name, state, priority), limited);
    this.writeFifos(formatFifoLine(type, name, state, priority));
    if (spec?.smtpAlert) this.alert(type, name, state);
  }

  private writeFifos(line: string): void {
    for (const f of this.fifos) f.write(line);
  }

  private alert(type: NotifyType, name: string, state: NotifyState): void {
    const sink = this.opts.alerts;
    if (!sink) return;
    if (this.opts.noEmailFaults && state === 'FAULT') return;
    const key = `${type}:${name}`;
    if (this.lastMailed.get(key) === state) return;
    const text = alertText(type, state);
    if (!text) return;
    this.lastMailed.set(key, state);
    sink.record({ type, name, state, ...text, at: (this.opts.now ?? Date.now)() });
  }

  private start(script: ScriptToRun, extraArgs: readonly string[], limited = false): void {
    const timeoutMs = limited ? (this.opts.stopScriptTimeoutMs ?? 1000) : undefined;
    const run = this.opts.runner.run(script, { extraArgs, ...(timeoutMs ? { timeoutMs } : {}) });
    const done = run.result.then((r) => {
      this.running.delete(done);
      if (r.kind === 'error') this.opts.log.error(`notify script ${script.name}: ${r.message}`);
      return r;
    });
    this.running.add(done);
  }
}
