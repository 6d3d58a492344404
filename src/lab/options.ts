/**
 * The lab's command line: options, their checks, and the help text. Values
 * are checked here (an unknown option, a VRRP version other than 2 or 3, an
 * advert interval the version cannot carry) so that nothing is built before a
 * usage error is reported.
 */
import { checkVrrpSettings, DEFAULT_VRRP, type Implementation, type VrrpSettings } from './config.js';

export const USAGE = `Usage: scripts/lab [--demo] [--peer keepalived] [--r1 IMPL] [--r2 IMPL]
                  [--vrrp-version 2|3] [--advert-int SECONDS] [--report FILE] [--clean]

Builds two VRRP routers (r1 priority 150, r2 priority 100) and a client in network
namespaces on this machine (nothing outside them is touched), runs a keepalived on each
router with the VIP 192.0.2.254, and shows who is MASTER and how the VIP moves when you
crash, stop, restart or re-prioritise a router. Everything is removed on exit.

  --demo               run the scripted story and exit (default when not on a terminal)
  --peer keepalived    router 2 runs Debian's keepalived 2.2.7 (same as --r2 keepalived)
  --r1 IMPL, --r2 IMPL keepalived-ts (default) or keepalived (/usr/sbin/keepalived)
  --vrrp-version N     2 or 3 (default 3)
  --advert-int S       advertisement interval in seconds (default 1; v3 allows 0.01-40.95)
  --report FILE        write the story's facts as JSON to FILE (with --demo)
  --clean              remove namespaces and temp directories left by killed labs, then exit
  -h, --help           this text
`;

export interface Options {
  demo: boolean;
  clean: boolean;
  implementations: Record<'r1' | 'r2', Implementation>;
  vrrp: VrrpSettings;
  report?: string;
}

export class UsageError extends Error {}

function parseImplementation(value: string | undefined, option: string): Implementation {
  if (value === 'keepalived-ts' || value === 'ts') return 'keepalived-ts';
  if (value === 'keepalived') return 'keepalived';
  throw new UsageError(`${option}: expected keepalived-ts or keepalived, got '${value ?? ''}'`);
}

export function parseArgs(argv: readonly string[]): Options | 'help' {
  const options: Options = { demo: false, clean: false, implementations: { r1: 'keepalived-ts', r2: 'keepalived-ts' }, vrrp: { ...DEFAULT_VRRP } };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i]!.startsWith('--') && argv[i]!.includes('=') ? argv[i]!.split(/=(.*)/s, 2) as [string, string] : [argv[i]!, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '-h': case '--help': return 'help';
      case '--demo': options.demo = true; break;
      case '--clean': options.clean = true; break;
      case '--peer': options.implementations.r2 = parseImplementation(value(), name); break;
      case '--r1': options.implementations.r1 = parseImplementation(value(), name); break;
      case '--r2': options.implementations.r2 = parseImplementation(value(), name); break;
      case '--report': options.report = value(); break;
      case '--vrrp-version': {
        const v = value();
        if (v !== '2' && v !== '3') throw new UsageError(`--vrrp-version: expected 2 or 3, got '${v}'`);
        options.vrrp = { ...options.vrrp, version: Number(v) as 2 | 3 };
        break;
      }
      case '--advert-int': {
        const v = value();
        if (!/^\d+(\.\d+)?$/.test(v)) throw new UsageError(`--advert-int: expected seconds, got '${v}'`);
        options.vrrp = { ...options.vrrp, advertInt: Number(v) };
        break;
      }
      default: throw new UsageError(`unknown option '${argv[i]}' (scripts/lab --help lists them)`);
    }
  }
  const problem = checkVrrpSettings(options.vrrp);
  if (problem) throw new UsageError(problem);
  return options;
}

