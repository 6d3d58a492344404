/**
 * Signals the daemon answers, and the `--signum` table.
 *
 * keepalived's signal functions (lib/signals.c get_signum, Linux/glibc
 * numbers; glibc keeps 32 and 33 for its threads, so SIGRTMIN is 34 and
 * SIGRTMAX 64):
 *   STOP 15 (TERM; INT does the same), RELOAD 1 (HUP), DATA 10 (USR1),
 *   STATS 12 (USR2), STATS_CLEAR 63 (SIGRTMAX-1), JSON 36 (SIGRTMIN+2),
 *   TDUMP 64 (SIGRTMAX; only in THREAD_DUMP builds, Debian's 2.2.7 answers
 *   "Unknown sigfunc TDUMP"; ours logs the event loop's active handles).
 *
 * Node can catch HUP, INT, TERM, USR1 and USR2 with process.on(), but it maps
 * signal names through os.constants.signals, which has no realtime signals:
 * those need the native addon's watcher (RealtimeSignals below). Until it is
 * present a realtime signal keeps its default action, which terminates the
 * process, and the daemon says so at start-up.
 *
 * SIGUSR1 has a Node-specific trap: without a listener, Node starts its
 * inspector on 127.0.0.1:9229 (a root debugger anyone local can attach to).
 * A listener disables that, so every process of ours installs one first
 * thing (installEarlySignalGuards) before loading anything else.
 */

export const SIGNAL_FUNCTIONS = {
  STOP: 15,
  RELOAD: 1,
  DATA: 10,
  STATS: 12,
  STATS_CLEAR: 63,
  JSON: 36,
  TDUMP: 64,
} as const;

export type SignalFunction = keyof typeof SIGNAL_FUNCTIONS;

/** `--signum=NAME`: the number keepalived prints, or undefined ("Unknown sigfunc NAME", exit 1). */
export function signumFor(name: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(SIGNAL_FUNCTIONS, name) ? SIGNAL_FUNCTIONS[name as SignalFunction] : undefined;
}

/** What a received signal asks the daemon to do. */
export type DaemonSignal = 'stop' | 'reload' | 'data' | 'stats' | 'stats-clear' | 'json' | 'tdump';

const NODE_SIGNALS: ReadonlyArray<readonly [NodeJS.Signals, DaemonSignal]> = [
  ['SIGTERM', 'stop'],
  ['SIGINT', 'stop'],
  ['SIGHUP', 'reload'],
  ['SIGUSR1', 'data'],
  ['SIGUSR2', 'stats'],
];

const REALTIME_SIGNALS: ReadonlyArray<readonly [number, DaemonSignal, string]> = [
  [SIGNAL_FUNCTIONS.STATS_CLEAR, 'stats-clear', 'SIGRTMAX-1'],
  [SIGNAL_FUNCTIONS.JSON, 'json', 'SIGRTMIN+2'],
  [SIGNAL_FUNCTIONS.TDUMP, 'tdump', 'SIGRTMAX'],
];

/** The native addon's realtime-signal watcher, when available. */
export interface RealtimeSignals {
  /** Calls `handler` on the event loop each time `signum` arrives; returns a stop function. */
  watch(signum: number, handler: () => void): () => void;
}

/**
 * Before anything else in every process: a SIGUSR1 listener (no inspector),
 * SIGPIPE ignored (keepalived: signal_ignore(SIGPIPE)), and HUP/USR2 queued
 * until the real handlers are attached rather than killing the process.
 * Returns the signals that arrived in the meantime.
 */
export function installEarlySignalGuards(): { takeEarly(): NodeJS.Signals[]; release(): void } {
  const early: NodeJS.Signals[] = [];
  const queue = (sig: NodeJS.Signals): void => {
    early.push(sig);
  };
  const guarded: NodeJS.Signals[] = ['SIGUSR1', 'SIGUSR2', 'SIGHUP'];
  for (const sig of guarded) process.on(sig, queue);
  process.on('SIGPIPE', () => undefined);
  return {
    takeEarly: () => early.splice(0),
    release: () => {
      for (const sig of guarded) process.off(sig, queue);
    },
  };
}

export interface SignalWiring {
  /** Names of the realtime functions that cannot be caught (no addon). */
  readonly uncaught: readonly string[];
  close(): void;
}

/**
 * Routes every daemon signal to `handler`. With `ignoreSigint`
 * (--ignore-sigint, keepalived 2.3+, for running under gdb) SIGINT is
 * swallowed instead of stopping the daemon.
 */
export function wireDaemonSignals(
  handler: (sig: DaemonSignal, name: string) => void,
  realtime?: RealtimeSignals,
  opts: { readonly ignoreSigint?: boolean } = {},
): SignalWiring {
  const stops: Array<() => void> = [];
  for (const [name, what] of NODE_SIGNALS) {
    const listener = (): void => {
      if (!(name === 'SIGINT' && opts.ignoreSigint)) handler(what, name);
    };
    process.on(name, listener);
    stops.push(() => process.off(name, listener));
  }
  const uncaught: string[] = [];
  for (const [num, what, name] of REALTIME_SIGNALS) {
    if (realtime) stops.push(realtime.watch(num, () => handler(what, name)));
    else uncaught.push(`${name} (${num})`);
  }
  return {
    uncaught,
    close: () => {
      for (const stop of stops) stop();
    },
  };
}
