/**
 * What each lab router runs: the daemon's command line and its keepalived.conf.
 *
 * One VRRP instance per router, the same on both apart from the priority
 * (150 on r1, 100 on r2, so r1 is the preferred MASTER and preempts when it
 * comes back — keepalived's default `preempt`). Both start in BACKUP: the
 * election, not the config, decides who is MASTER. The instance carries:
 *
 *   virtual_ipaddress           the IPv4 VIP the client pings;
 *   virtual_ipaddress_excluded  an IPv6 VIP, not in the adverts (a v4 instance
 *                               can only advertise v4), moved with the v4 one;
 *   track_file lab_priority     a file holding a number added to the priority
 *                               (weight 1): the lab writes -100 or +100 there to
 *                               lower or raise a router's priority live, the
 *                               tracker demo;
 *   notify_priority_changes     so the notify FIFO reports priority changes
 *                               (MASTER_PRIORITY / BACKUP_PRIORITY lines), not
 *                               only state changes;
 *   vrrp_notify_fifo            (global) the FIFO the lab reads:
 *                               `INSTANCE "VI_LAB" MASTER 150`.
 *
 * The same text is valid for keepalived-ts and Debian's keepalived 2.2.7, so
 * either can play either router (`--peer keepalived`).
 */
import { join } from 'node:path';
import { LAN, type RouterName } from './topology.js';

export const INSTANCE_NAME = 'VI_LAB';
export const VIRTUAL_ROUTER_ID = 42;
export const BASE_PRIORITY: Record<RouterName, number> = { r1: 150, r2: 100 };

/** Which daemon plays a router. */
export type Implementation = 'keepalived-ts' | 'keepalived';

export interface VrrpSettings {
  /** VRRP version: 3 allows sub-second adverts; 2 is keepalived's default. */
  readonly version: 2 | 3;
  /** Advertisement interval, seconds (v2: whole seconds only). */
  readonly advertInt: number;
}

export const DEFAULT_VRRP: VrrpSettings = { version: 3, advertInt: 1 };

/** Files of one router inside the lab's temp directory. */
export interface RouterFiles {
  readonly config: string;
  readonly fifo: string;
  readonly trackFile: string;
  readonly log: string;
  readonly pidParent: string;
  readonly pidVrrp: string;
  readonly pidChecker: string;
  readonly pidBfd: string;
}

export function routerFiles(directory: string, router: RouterName): RouterFiles {
  const file = (suffix: string) => join(directory, `${router}.${suffix}`);
  return {
    config: file('keepalived.conf'),
    fifo: file('fifo'),
    trackFile: file('priority'),
    log: file('log'),
    pidParent: file('pid'),
    pidVrrp: file('vrrp.pid'),
    pidChecker: file('checkers.pid'),
    pidBfd: file('bfd.pid'),
  };
}

/** Master_Down_Interval (RFC 5798 §6.1, which v2 shares in whole seconds), seconds. */
export function masterDownInterval(settings: VrrpSettings, priority: number): number {
  const skew = settings.version === 3 ? ((256 - priority) * settings.advertInt) / 256 : (256 - priority) / 256;
  return 3 * settings.advertInt + skew;
}

export function checkVrrpSettings(settings: VrrpSettings): string | null {
  if (settings.version !== 2 && settings.version !== 3) return `VRRP version must be 2 or 3, not ${settings.version}`;
  if (!Number.isFinite(settings.advertInt) || settings.advertInt <= 0) return 'the advert interval must be a positive number of seconds';
  if (settings.version === 2 && !Number.isInteger(settings.advertInt)) return 'VRRPv2 adverts are in whole seconds (use --vrrp-version 3 for less)';
  if (settings.version === 3 && (settings.advertInt < 0.01 || settings.advertInt > 40.95)) return 'VRRPv3 adverts are 0.01 to 40.95 seconds';
  if (settings.version === 2 && settings.advertInt > 255) return 'VRRPv2 adverts are 1 to 255 seconds';
  return null;
}

export function keepalivedConf(router: RouterName, files: RouterFiles, settings: VrrpSettings): string {
  const eth = LAN.hostInterface;
  return `# keepalived-ts lab: router ${router} (written by src/lab/config.ts; removed when the lab exits)
global_defs {
  router_id lab-${router}
  vrrp_notify_fifo ${files.fifo}
}

# The lab writes a number into this file to move this router's priority (weight 1: added as is).
track_file lab_priority {
  file ${files.trackFile}
  weight 1
}

vrrp_instance ${INSTANCE_NAME} {
  state BACKUP
  interface ${eth}
  virtual_router_id ${VIRTUAL_ROUTER_ID}
  version ${settings.version}
  priority ${BASE_PRIORITY[router]}
  advert_int ${settings.advertInt}
  notify_priority_changes
  track_file {
    lab_priority
  }
  virtual_ipaddress {
    ${LAN.vip4}/${LAN.prefix4} dev ${eth}
  }
  virtual_ipaddress_excluded {
    ${LAN.vip6}/${LAN.prefix6} dev ${eth}
  }
}
`;
}

/** The daemon's argv: foreground, console log, detailed, no syslog, VRRP only, pid files in the lab's directory. */
export function daemonArgv(implementation: Implementation, files: RouterFiles, tsBinary: string): string[] {
  const program = implementation === 'keepalived' ? ['/usr/sbin/keepalived'] : [process.execPath, tsBinary];
  return [...program, '--dont-fork', '--log-console', '--log-detail', '--no-syslog', '--vrrp',
    '--use-file', files.config, '--pid', files.pidParent, '--vrrp_pid', files.pidVrrp,
    '--checkers_pid', files.pidChecker, '--bfd_pid', files.pidBfd];
}
