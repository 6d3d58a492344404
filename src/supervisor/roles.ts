/**
 * The three children and which of them run.
 *
 * keepalived (core/main.c) keeps a "daemon mode" bit per child, all set at
 * start. `-P` clears the checker bit, `-C` the VRRP bit, `-B` the BFD bit, and
 * `--all` sets all three again plus "run all children"; the flags apply in
 * command-line order, so `-P --all` runs everything and `--all -P` does not
 * run the checker. A child then runs when its bit is set and either its part
 * of the config is non-empty or `--all` was given (running_vrrp(),
 * running_checker(), running_bfd()).
 *
 * "Non-empty" is what the parser flagged while reading: any vrrp_instance,
 * static_ipaddress, static_routes or static_rules block (even an empty one)
 * means VRRP; any virtual_server means the checker; any bfd_instance means
 * BFD. ConfigSummary carries exactly those counts so the rule stays a pure
 * function, easy to feed from the compiled Config.
 */

export const CHILD_ROLES = ['vrrp', 'checker', 'bfd'] as const;
export type ChildRole = (typeof CHILD_ROLES)[number];

export function isChildRole(x: unknown): x is ChildRole {
  return typeof x === 'string' && (CHILD_ROLES as readonly string[]).includes(x);
}

export interface RoleInfo {
  /** As keepalived names the process in log lines ("VRRP child process(…)"). */
  readonly display: string;
  /** keepalived's program name (syslog ident, report_child_status). */
  readonly progName: string;
  /** Inserted before the extension of the .data dump file name. */
  readonly dumpSuffix: string;
}

export const ROLE_INFO: Readonly<Record<ChildRole, RoleInfo>> = {
  vrrp: { display: 'VRRP', progName: 'Keepalived_vrrp', dumpSuffix: '' },
  checker: { display: 'Healthcheck', progName: 'Keepalived_healthcheckers', dumpSuffix: '_check' },
  bfd: { display: 'BFD', progName: 'Keepalived_bfd', dumpSuffix: '_bfd' },
};

/** keepalived starts the checker first, then VRRP, then BFD (start_keepalived). */
export const START_ORDER: readonly ChildRole[] = ['checker', 'vrrp', 'bfd'];
/** …and signals them in this order on stop (children_term[]). */
export const STOP_ORDER: readonly ChildRole[] = ['vrrp', 'checker', 'bfd'];

export interface DaemonMode {
  readonly vrrp: boolean;
  readonly checker: boolean;
  readonly bfd: boolean;
  /** `--all`: start a child even when its part of the config is empty. */
  readonly runAll: boolean;
}

export const DEFAULT_MODE: DaemonMode = { vrrp: true, checker: true, bfd: true, runAll: false };

export type ModeFlag = '-P' | '-C' | '-B' | '--all';

/** Applies one command-line flag, in order, as keepalived's parse_cmdline does. */
export function applyModeFlag(mode: DaemonMode, flag: ModeFlag): DaemonMode {
  switch (flag) {
    case '-P':
      return { ...mode, checker: false };
    case '-C':
      return { ...mode, vrrp: false };
    case '-B':
      return { ...mode, bfd: false };
    case '--all':
      return { vrrp: true, checker: true, bfd: true, runAll: true };
  }
}

export function modeFromFlags(flags: readonly ModeFlag[]): DaemonMode {
  return flags.reduce(applyModeFlag, DEFAULT_MODE);
}

/** What the config contains, as far as choosing children goes. */
export interface ConfigSummary {
  readonly vrrpInstances: number;
  /** static_ipaddress, static_routes and static_rules blocks present (even empty). */
  readonly staticBlocks: number;
  readonly virtualServers: number;
  readonly bfdInstances: number;
}

export const EMPTY_SUMMARY: ConfigSummary = { vrrpInstances: 0, staticBlocks: 0, virtualServers: 0, bfdInstances: 0 };

export function roleHasConfig(role: ChildRole, s: ConfigSummary): boolean {
  switch (role) {
    case 'vrrp':
      return s.vrrpInstances > 0 || s.staticBlocks > 0;
    case 'checker':
      return s.virtualServers > 0;
    case 'bfd':
      return s.bfdInstances > 0;
  }
}

/** Whether one child runs under this mode and config. */
export function shouldRun(role: ChildRole, mode: DaemonMode, s: ConfigSummary): boolean {
  return mode[role] && (mode.runAll || roleHasConfig(role, s));
}

/** The children to start, in keepalived's start order. */
export function childrenToRun(mode: DaemonMode, s: ConfigSummary): ChildRole[] {
  return START_ORDER.filter((role) => shouldRun(role, mode, s));
}
