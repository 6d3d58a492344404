/**
 * `scripts/lab`: two VRRP routers and a client in network namespaces on this
 * machine, to watch failover happen.
 *
 *   scripts/lab                 interactive (a terminal on stdin and stdout)
 *   scripts/lab --demo          the scripted story (also without a terminal)
 *   scripts/lab --peer keepalived   router 2 is Debian's keepalived 2.2.7
 *   scripts/lab --clean         remove what killed labs left, and exit
 *
 * Order of things: refuse early what cannot work (not root, no `ip`, an
 * unknown option); remove stale labs; build the lab; run the view or the
 * story; remove the lab. Removal happens on every path: normal end, `q`,
 * Ctrl-C / SIGTERM / SIGHUP (the orderly teardown; a second signal skips to
 * the synchronous last resort), an error, an exception nothing caught
 * (cleanup.ts). The exit status is 0 when the story passed (or the user quit
 * and everything was removed), 1 when a step failed or the cleanup could not
 * remove everything, 2 for a usage error, 130/143/129 after a signal.
 *
 * Options are checked before anything is built (an unknown option, a VRRP
 * version other than 2 or 3, an advert interval that version cannot carry).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cleanupAllSync, installLastResortCleanup, removeStaleLabsSync } from './cleanup.js';
import { runDemo, type DemoReport } from './demo.js';
import { Lab } from './lab.js';
import { LabError, tryRun } from './process.js';
import { checkVrrpSettings, DEFAULT_VRRP, type Implementation, type VrrpSettings } from './config.js';
import { runInteractive } from './view.js';

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

async function preflight(options: Options, tsBinary: string): Promise<void> {
  if (process.getuid?.() !== 0) throw new LabError('the lab needs root: it creates network namespaces (run it with sudo)');
  const ip = await tryRun(['ip', '-V']);
  if (ip.status !== 0) throw new LabError("iproute2's 'ip' is missing (./scripts/setup installs it)");
  const impls = Object.values(options.implementations);
  if (impls.includes('keepalived') && !existsSync('/usr/sbin/keepalived')) {
    throw new LabError("Debian's keepalived is not installed (/usr/sbin/keepalived; ./scripts/setup installs it)");
  }
  if (impls.includes('keepalived-ts') && !existsSync(fileURLToPath(new URL('../cli/keepalived.js', import.meta.url)))) {
    throw new LabError(`keepalived-ts is not built (run ./scripts/setup); looked for it next to ${tsBinary}`);
  }
}

async function main(): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`lab: ${error.message}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const tsBinary = fileURLToPath(new URL('../../../bin/keepalived', import.meta.url));
  installLastResortCleanup();
  await preflight(options, tsBinary);
  const stale = removeStaleLabsSync();
  if (stale.namespaces.length || stale.directories.length) {
    process.stderr.write(`lab: removed what killed labs left: ${[...stale.namespaces, ...stale.directories].join(', ')}\n`);
  }
  if (options.clean) return 0;

  const interactive = !options.demo && process.stdout.isTTY === true && process.stdin.isTTY === true;
  const print = (line: string) => process.stdout.write(`${line}\n`);
  let signalled: NodeJS.Signals | null = null;
  let onSignal: () => void = () => undefined;
  const interrupted = new Promise<void>((resolve) => (onSignal = resolve));
  const abort = new AbortController();
  void interrupted.then(() => abort.abort());
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const handler = (signal: NodeJS.Signals) => {
    if (signalled) {
      // A second signal: no more waiting.
      cleanupAllSync();
      process.exit(128 + signalNumber(signal));
    }
    signalled = signal;
    if (!interactive) print(`lab: ${signal}: stopping and removing the lab…`);
    onSignal();
  };
  for (const s of signals) process.on(s, handler);

  if (!interactive) print('lab: building the network…');
  // Not raced with the signal: a half-built lab must finish building before it can be removed in order.
  const lab = await Lab.create({ implementations: options.implementations, vrrp: options.vrrp, tsBinary });
  let report: DemoReport | null = null;
  if (!signalled) {
    if (interactive) await runInteractive(lab, interrupted);
    else report = await runDemo(lab, print, abort.signal);
  }
  let cleanupError: string | undefined;
  if (!interactive) print('lab: removing the lab (daemons, namespaces, temp directory)…');
  await lab.destroy().catch((error: Error) => { cleanupError = error.message; });
  if (cleanupError) process.stderr.write(`lab: ${cleanupError}\n`);
  else print(`lab: removed namespaces ${Object.values(lab.topology.namespaces).join(', ')}; no process left`);
  if (options.report) {
    writeFileSync(options.report, `${JSON.stringify({
      ...(report ?? { ok: false, steps: [], masters: {} }),
      interrupted: signalled,
      implementations: options.implementations,
      vrrp: options.vrrp,
      namespaces: Object.values(lab.topology.namespaces),
      pids: lab.pids(),
      cleanup: { ok: cleanupError === undefined, error: cleanupError },
    }, null, 2)}\n`);
  }
  if (signalled) return 128 + signalNumber(signalled);
  if (report) print(report.ok ? 'lab: every step passed' : 'lab: a step failed (see above)');
  return cleanupError || (report && !report.ok) ? 1 : 0;
}

function signalNumber(signal: NodeJS.Signals): number {
  return signal === 'SIGHUP' ? 1 : signal === 'SIGINT' ? 2 : 15;
}

// Run only as the program (the unit tests import parseArgs).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`lab: ${error instanceof Error ? error.message : String(error)}\n`);
      cleanupAllSync();
      process.exit(1);
    },
  );
}
