/**
 * What keepalived tells the outside world about VRRP state changes: the notify
 * FIFO line, the four arguments of the generic `notify` script, and the
 * subject and body of an smtp_alert (vrrp/vrrp_notify.c). Pure.
 *
 * Captured from Debian's keepalived 2.2.7 (a sync group G1 of VI_1 and VI_2,
 * vrrp_notify_priority_changes, a weighted vrrp_script failing once, then
 * SIGTERM), the FIFO read:
 *   GROUP "G1" BACKUP 0
 *   INSTANCE "VI_1" BACKUP 100
 *   INSTANCE "VI_2" BACKUP 100
 *   INSTANCE "VI_2" MASTER 100
 *   INSTANCE "VI_1" MASTER 100
 *   GROUP "G1" MASTER 0
 *   INSTANCE "VI_1" MASTER_PRIORITY 80
 *   INSTANCE "VI_1" MASTER_PRIORITY 100
 *   INSTANCE "VI_1" STOP 100
 *   INSTANCE "VI_2" STOP 100
 *   GROUP "G1" STOP 0
 * and the generic notify script got `INSTANCE VI_1 MASTER 100`,
 * `GROUP G1 MASTER 0`: the same words without the quotes. A group's priority
 * is always 0; a group does get STOP (the man page says otherwise; the code
 * and the capture agree); DELETED exists for instances only.
 */

export const NOTIFY_STATES = ['MASTER', 'BACKUP', 'FAULT', 'STOP', 'DELETED'] as const;
export type NotifyState = (typeof NOTIFY_STATES)[number];
export type NotifyType = 'INSTANCE' | 'GROUP';

/** Everything a FIFO line can say in its STATE field. */
export type FifoState = NotifyState | 'MASTER_RX_LOWER_PRI' | 'MASTER_PRIORITY' | 'BACKUP_PRIORITY';

/** `TYPE "NAME" STATE PRIO\n` (vrrp_notify.c notify_fifo). */
export function formatFifoLine(type: NotifyType, name: string, state: FifoState, priority: number): string {
  return `${type} "${name}" ${state} ${Math.trunc(priority)}\n`;
}

/** The four words appended to the generic notify script's own arguments. */
export function notifyArguments(type: NotifyType, name: string, state: NotifyState, priority: number): [string, string, string, string] {
  return [type, name, state, String(Math.trunc(priority))];
}

/** Parses a FIFO line back (for readers and tests); undefined if it is not one. */
export function parseFifoLine(line: string): { type: NotifyType; name: string; state: FifoState; priority: number } | undefined {
  const m = /^(INSTANCE|GROUP) "(.*)" (MASTER_RX_LOWER_PRI|MASTER_PRIORITY|BACKUP_PRIORITY|MASTER|BACKUP|FAULT|STOP|DELETED) (\d+)\n?$/.exec(line);
  if (!m) return undefined;
  return { type: m[1] as NotifyType, name: m[2]!, state: m[3] as FifoState, priority: Number(m[4]) };
}

/** An e-mail keepalived would send (core/smtp.c builds the message; SMTP is not ours yet). */
export interface SmtpAlert {
  readonly type: NotifyType;
  readonly name: string;
  readonly state: NotifyState;
  /** keepalived's subject tail, e.g. "Entering MASTER state". */
  readonly subject: string;
  readonly body: string;
  /** When it was recorded (ms since the epoch). */
  readonly at: number;
}

/** Where alerts go until the SMTP client exists. */
export interface SmtpAlertSink {
  record(alert: SmtpAlert): void;
}

const INSTANCE_TEXT: Record<NotifyState, [string, string]> = {
  MASTER: ['Entering MASTER state', '=> VRRP Instance is now owning VRRP VIPs <='],
  BACKUP: ['Entering BACKUP state', '=> VRRP Instance is no longer owning VRRP VIPs <='],
  FAULT: ['Entering FAULT state', '=> VRRP Instance is no longer owning VRRP VIPs <='],
  STOP: ['Stopping', '=> VRRP Instance stopping <='],
  DELETED: ['Deleted', '=> VRRP Deleted at reload <='],
};

const GROUP_TEXT: Partial<Record<NotifyState, [string, string]>> = {
  MASTER: ['Entering MASTER state', '=> All VRRP group instances are now in MASTER state <='],
  BACKUP: ['Entering BACKUP state', '=> All VRRP group instances are now in BACKUP state <='],
  FAULT: ['Entering FAULT state', '=> All VRRP group instances are now in FAULT state <='],
  STOP: ['Stopping', '=> All VRRP group instances are now stopping <='],
};

/** Subject and body of the alert for a state, or undefined when keepalived sends none. */
export function alertText(type: NotifyType, state: NotifyState): { subject: string; body: string } | undefined {
  const t = type === 'INSTANCE' ? INSTANCE_TEXT[state] : GROUP_TEXT[state];
  return t ? { subject: t[0], body: t[1] } : undefined;
}

/** Keeps the latest alerts in memory (for the status API and tests) until SMTP sending exists. */
export class AlertRecorder implements SmtpAlertSink {
  private readonly kept: SmtpAlert[] = [];
  private _total = 0;

  constructor(private readonly limit = 100) {}

  record(alert: SmtpAlert): void {
    this._total++;
    this.kept.push(alert);
    if (this.kept.length > this.limit) this.kept.shift();
  }

  /** The latest alerts, oldest first. */
  get alerts(): readonly SmtpAlert[] {
    return this.kept;
  }

  /** Every alert recorded since start. */
  get total(): number {
    return this._total;
  }
}
