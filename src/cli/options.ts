/**
 * keepalived's command line (census §1.1; keepalived core/main.c
 * parse_cmdline at v2.2.7), parsed into one typed object. Every flag keepalived
 * accepts is accepted here, including those whose subsystem arrives later; the
 * daemon reports at start-up which of them it does not act on yet.
 *
 * Differences, on purpose: `-g/--log-file` works (Debian's 2.2.7 is built
 * without it), `--diff=FILE` is ours (show what a reload to FILE would change).
 */
import { getopt, type OptionSpec } from './getopt.js';

export const DEFAULT_CONFIG_FILE = '/etc/keepalived/keepalived.conf';

export type Action =
  | { kind: 'run' }
  | { kind: 'version' }
  | { kind: 'help' }
  | { kind: 'signum'; name: string }
  | { kind: 'genhash'; argv: string[] };

export interface Options {
  configFile: string;
  /** -P/-C/-B turn children off; --all starts every child even with an empty config part. */
  children: { vrrp: boolean; checker: boolean; bfd: boolean };
  runAllChildren: boolean;
  logConsole: boolean;
  /** 0 normal, 1 with -D, 2 with -DD (keepalived's LOG_EXTRA_DETAIL). */
  logDetail: number;
  /** syslog facility number (LOG_DAEMON = 3 by default). */
  logFacility: number;
  logFile?: string;
  flushLogFile: boolean;
  noSyslog: boolean;
  umask?: number;
  releaseVips: boolean;
  dontReleaseVrrp: boolean;
  dontReleaseIpvs: boolean;
  dontRespawn: boolean;
  dontFork: boolean;
  dumpConf: boolean;
  pidFiles: { parent?: string; vrrp?: string; checker?: string; bfd?: string };
  addressMonitoring: boolean;
  snmp: boolean;
  snmpAgentSocket?: string;
  coreDump: boolean;
  coreDumpPattern?: string;
  namespace?: string;
  configId?: string;
  allConfig: boolean;
  /** -t: check the config and exit; `logFile` receives the messages instead of stderr. */
  configTest?: { logFile?: string };
  /** Ours: print what a reload to this file would change, then exit. */
  diffFile?: string;
  ignoreSigint: boolean;
  perf?: string;
  debug?: string;
  configFd?: number;
}

export interface ParsedCommandLine {
  readonly action: Action;
  readonly options: Options;
  /** keepalived prints these and exits 1 ("Unknown option -z"). */
  readonly errors: string[];
  /** Printed but not fatal, as keepalived does ("Unexpected argument(s): …"). */
  readonly warnings: string[];
}

const SPECS: readonly OptionSpec[] = [
  { key: 'use-file', short: 'f', long: 'use-file', arg: 'required' },
  { key: 'vrrp', short: 'P', long: 'vrrp', arg: 'none' },
  { key: 'check', short: 'C', long: 'check', arg: 'none' },
  { key: 'no_bfd', short: 'B', long: 'no_bfd', arg: 'none' },
  { key: 'all', long: 'all', arg: 'none' },
  { key: 'log-console', short: 'l', long: 'log-console', arg: 'none' },
  { key: 'log-detail', short: 'D', long: 'log-detail', arg: 'none' },
  { key: 'log-facility', short: 'S', long: 'log-facility', arg: 'required' },
  { key: 'log-file', short: 'g', long: 'log-file', arg: 'optional' },
  { key: 'flush-log-file', long: 'flush-log-file', arg: 'none' },
  { key: 'all-config', short: 'e', long: 'all-config', arg: 'none' },
  { key: 'no-syslog', short: 'G', long: 'no-syslog', arg: 'none' },
  { key: 'umask', short: 'u', long: 'umask', arg: 'required' },
  { key: 'release-vips', short: 'X', long: 'release-vips', arg: 'none' },
  { key: 'dont-release-vrrp', short: 'V', long: 'dont-release-vrrp', arg: 'none' },
  { key: 'dont-release-ipvs', short: 'I', long: 'dont-release-ipvs', arg: 'none' },
  { key: 'dont-respawn', short: 'R', long: 'dont-respawn', arg: 'none' },
  { key: 'dont-fork', short: 'n', long: 'dont-fork', arg: 'none' },
  { key: 'dump-conf', short: 'd', long: 'dump-conf', arg: 'none' },
  { key: 'pid', short: 'p', long: 'pid', arg: 'required' },
  { key: 'vrrp_pid', short: 'r', long: 'vrrp_pid', arg: 'required' },
  { key: 'genhash', short: 'T', long: 'genhash', arg: 'none' },
  { key: 'checkers_pid', short: 'c', long: 'checkers_pid', arg: 'required' },
  { key: 'address-monitoring', short: 'a', long: 'address-monitoring', arg: 'none' },
  { key: 'bfd_pid', short: 'b', long: 'bfd_pid', arg: 'required' },
  { key: 'snmp', short: 'x', long: 'snmp', arg: 'none' },
  { key: 'snmp-agent-socket', short: 'A', long: 'snmp-agent-socket', arg: 'required' },
  { key: 'core-dump', short: 'm', long: 'core-dump', arg: 'none' },
  { key: 'core-dump-pattern', short: 'M', long: 'core-dump-pattern', arg: 'optional' },
  { key: 'namespace', short: 's', long: 'namespace', arg: 'required' },
  { key: 'config-id', short: 'i', long: 'config-id', arg: 'required' },
  { key: 'signum', long: 'signum', arg: 'required' },
  { key: 'config-test', short: 't', long: 'config-test', arg: 'optional' },
  { key: 'config-fd', long: 'config-fd', arg: 'required' },
  { key: 'ignore-sigint', long: 'ignore-sigint', arg: 'none' },
  { key: 'perf', long: 'perf', arg: 'optional' },
  { key: 'debug', long: 'debug', arg: 'optional' },
  { key: 'diff', long: 'diff', arg: 'required' },
  { key: 'version', short: 'v', long: 'version', arg: 'none' },
  { key: 'help', short: 'h', long: 'help', arg: 'none' },
];

/** syslog(3) facility numbers (sys/syslog.h: LOG_USER = 1<<3 … LOG_LOCAL0 = 16<<3), as plain codes. */
const FACILITIES: Record<string, number> = { user: 1, daemon: 3 };
for (let i = 0; i <= 7; i++) FACILITIES[`local${i}`] = 16 + i;

export function parseFacility(text: string): number | undefined {
  if (/^[0-7]$/.test(text)) return 16 + Number(text);
  return FACILITIES[text];
}

/** keepalived reads the umask with strtoll(…, 0): 022, 0x12 and 18 are the same. */
export function parseUmask(text: string): number | undefined {
  const t = text.trim();
  let v: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) v = Number.parseInt(t, 16);
  else if (/^0[0-7]*$/.test(t)) v = Number.parseInt(t, 8);
  else if (/^[1-9]\d*$/.test(t)) v = Number(t);
  else return undefined;
  return v >= 0 && v <= 0o777 ? v : undefined;
}

export function defaultOptions(): Options {
  return {
    configFile: DEFAULT_CONFIG_FILE,
    children: { vrrp: true, checker: true, bfd: true },
    runAllChildren: false,
    logConsole: false,
    logDetail: 0,
    logFacility: 3,
    flushLogFile: false,
    noSyslog: false,
    releaseVips: false,
    dontReleaseVrrp: false,
    dontReleaseIpvs: false,
    dontRespawn: false,
    dontFork: false,
    dumpConf: false,
    pidFiles: {},
    addressMonitoring: false,
    snmp: false,
    coreDump: false,
    allConfig: false,
    ignoreSigint: false,
  };
}

export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  // -T must come first: the rest of the line is genhash's (keepalived main.c).
  const first = argv[0];
  if (first === '-T' || (first !== undefined && first.length > 2 && '--genhash'.startsWith(first) && first.startsWith('--g'))) {
    return { action: { kind: 'genhash', argv: argv.slice(1) }, options: defaultOptions(), errors: [], warnings: [] };
  }
  const parsed = getopt(argv, SPECS);
  const o = defaultOptions();
  const errors = [...parsed.errors];
  const warnings: string[] = [];
  let action: Action = { kind: 'run' };

  for (const opt of parsed.options) {
    const v = opt.value;
    switch (opt.key) {
      case 'use-file': o.configFile = v!; break;
      case 'vrrp': o.children.checker = false; break;
      case 'check': o.children.vrrp = false; break;
      case 'no_bfd': o.children.bfd = false; break;
      case 'all':
        o.runAllChildren = true;
        o.children = { vrrp: true, checker: true, bfd: true };
        break;
      case 'log-console': o.logConsole = true; break;
      case 'log-detail': o.logDetail = Math.min(2, o.logDetail + 1); break;
      case 'log-facility': {
        const f = parseFacility(v!);
        if (f === undefined) warnings.push(`Invalid log facility '${v}'`);
        else o.logFacility = f;
        break;
      }
      case 'log-file': o.logFile = v || 'keepalived.log'; break;
      case 'flush-log-file': o.flushLogFile = true; break;
      case 'all-config': o.allConfig = true; break;
      case 'no-syslog': o.noSyslog = true; break;
      case 'umask': {
        const u = parseUmask(v!);
        if (u === undefined) warnings.push(`Invalid --umask option ${v}`);
        else o.umask = u;
        break;
      }
      case 'release-vips': o.releaseVips = true; break;
      case 'dont-release-vrrp': o.dontReleaseVrrp = true; break;
      case 'dont-release-ipvs': o.dontReleaseIpvs = true; break;
      case 'dont-respawn': o.dontRespawn = true; break;
      case 'dont-fork': o.dontFork = true; break;
      case 'dump-conf': o.dumpConf = true; break;
      case 'pid': o.pidFiles.parent = v!; break;
      case 'vrrp_pid': o.pidFiles.vrrp = v!; break;
      case 'checkers_pid': o.pidFiles.checker = v!; break;
      case 'bfd_pid': o.pidFiles.bfd = v!; break;
      case 'genhash':
        warnings.push(`Warning -- \`${opt.spelled}\` not used as first option, previous options ignored`);
        action = { kind: 'genhash', argv: argv.slice(argv.indexOf(opt.spelled) + 1) };
        break;
      case 'address-monitoring': o.addressMonitoring = true; break;
      case 'snmp': o.snmp = true; break;
      case 'snmp-agent-socket': o.snmpAgentSocket = v!; break;
      case 'core-dump': o.coreDump = true; break;
      case 'core-dump-pattern':
        o.coreDump = true;
        o.coreDumpPattern = v || 'core';
        break;
      case 'namespace': o.namespace = v!; break;
      case 'config-id': o.configId = v!; break;
      case 'signum': if (action.kind === 'run') action = { kind: 'signum', name: v! }; break;
      case 'config-test':
        // keepalived: -t also means no respawn, no fork, no syslog.
        o.configTest = v ? { logFile: v } : {};
        o.dontRespawn = true;
        o.dontFork = true;
        o.noSyslog = true;
        break;
      case 'config-fd': {
        if (!/^\d+$/.test(v!)) errors.push(`Invalid --config-fd ${v}`);
        else o.configFd = Number(v);
        break;
      }
      case 'ignore-sigint': o.ignoreSigint = true; break;
      case 'perf': o.perf = v || 'run'; break;
      case 'debug': o.debug = v ?? ''; break;
      case 'diff': o.diffFile = v!; break;
      case 'version': if (action.kind === 'run') action = { kind: 'version' }; break;
      case 'help': if (action.kind === 'run') action = { kind: 'help' }; break;
      default: errors.push(`internal: option ${opt.key} has no handler`);
    }
    if (action.kind === 'genhash') break;
  }
  if (parsed.operands.length > 0 && action.kind !== 'genhash') {
    warnings.push(`Unexpected argument(s): ${parsed.operands.join(' ')}`);
  }
  return { action, options: o, errors, warnings };
}
