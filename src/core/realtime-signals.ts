/**
 * keepalived's realtime signals, which Node's process.on() cannot catch.
 *
 * keepalived (lib/signals.h) asks its processes for a JSON state dump with
 * SIGRTMIN+2 and clears statistics with SIGRTMAX-1 (and dumps threads with
 * SIGRTMAX in debug builds). SIGRTMIN/SIGRTMAX are computed by the C library at
 * run time (glibc: 34 and 64), so the numbers come from the addon. Node names
 * signals only up to SIGSYS (31), so these are caught with the addon's
 * SignalWatcher (a libuv signal handle); the ordinary signals (SIGHUP, SIGUSR1,
 * SIGUSR2, SIGTERM, SIGINT) stay with process.on().
 */
import { native } from '../net/native.js';

/** keepalived's SIGJSON: write the JSON state dump. */
export const SIGJSON = native.SIGRTMIN + 2;
/** keepalived's SIGSTATS_CLEAR: reset statistics. */
export const SIGSTATS_CLEAR = native.SIGRTMAX - 1;
/** keepalived's SIGTDUMP (THREAD_DUMP builds only). */
export const SIGTDUMP = native.SIGRTMAX;

export interface SignalSubscription {
  close(): void;
}

/**
 * Calls `handler` on the event loop each time `signal` arrives (any number,
 * realtime ones included). While subscribed, the signal no longer has its
 * default action (terminate, for realtime signals); close() restores it once
 * no other subscription for the signal remains. With `keepAlive: false` the
 * subscription does not by itself keep the process running.
 */
export function watchSignal(signal: number, handler: (signal: number) => void, options: { keepAlive?: boolean } = {}): SignalSubscription {
  const watcher = new native.SignalWatcher(signal, handler).start();
  if (options.keepAlive === false) watcher.unref();
  return { close: () => watcher.close() };
}
