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
 */
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cleanupAllSync, installLastResortCleanup, removeStaleLabsSync } from './cleanup.js';
import { runDemo, type DemoReport } from './demo.js';
import { Lab } from './lab.js';
import { parseArgs, UsageError, USAGE, type Options } from './options.js';
import { LabError, tryRun } from './process.js';
import { runInteractive } from './view.js';

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

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`lab: ${error instanceof Error ? error.message : String(error)}\n`);
    cleanupAllSync();
    process.exit(1);
  },
);
