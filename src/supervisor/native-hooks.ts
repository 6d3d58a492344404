/**
 * What the native addon (src/net/native.ts and its TypeScript layers) gives
 * the process model:
 *   - realtime signals (JSON = SIGRTMIN+2, STATS_CLEAR = SIGRTMAX-1,
 *     TDUMP = SIGRTMAX), which Node's process.on() cannot name
 *     (core/realtime-signals.ts);
 *   - the systemd notify socket, an AF_UNIX datagram (core/sd-notify.ts);
 *   - mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) for *_no_swap, as
 *     keepalived's set_process_dont_swap();
 *   - sched_setscheduler(SCHED_RR | SCHED_RESET_ON_FORK) for *_rt_priority
 *     on the calling (event-loop) thread.
 * The addon is loaded on demand and a failure to load it is reported, not
 * fatal: the supervisor then says which of these it cannot do (and falls
 * back to chrt(1) for the realtime priority).
 */
import type { ChildNative } from './child.js';
import type { DaemonNative } from './daemon.js';
import type { RealtimeSignals } from './signals.js';

export interface NativeHooks extends ChildNative, DaemonNative {
  readonly realtime?: RealtimeSignals;
}

export type NativeLoad = { readonly ok: true; readonly hooks: NativeHooks } | { readonly ok: false; readonly error: string; readonly hooks: NativeHooks };

export async function loadNativeHooks(): Promise<NativeLoad> {
  let native: typeof import('../net/native.js').native;
  let c: typeof import('../net/constants.js');
  let signals: typeof import('../core/realtime-signals.js');
  let sd: typeof import('../core/sd-notify.js');
  try {
    native = (await import('../net/native.js')).native;
    c = await import('../net/constants.js');
    signals = await import('../core/realtime-signals.js');
    sd = await import('../core/sd-notify.js');
  } catch (err) {
    return { ok: false, error: (err as Error).message, hooks: {} };
  }
  return {
    ok: true,
    hooks: {
      realtime: {
        watch(signum, handler) {
          const sub = signals.watchSignal(signum, () => handler(), { keepAlive: false });
          return () => sub.close();
        },
      },
      // sd_notify(3) semantics: one datagram per message on a fresh socket.
      notifyTransport: (path) => ({
        send: (message) => void sd.notify(message, { NOTIFY_SOCKET: path }),
        close: () => undefined,
      }),
      mlockall: () => native.mlockall(c.MCL_CURRENT | c.MCL_FUTURE | c.MCL_ONFAULT),
      setRealtime: (priority) => native.schedSetScheduler(c.SCHED_RR | c.SCHED_RESET_ON_FORK, priority),
    },
  };
}
