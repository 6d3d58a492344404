/**
 * What the native addon (src/net/native.ts) gives the process model:
 *   - realtime signals (JSON = SIGRTMIN+2, STATS_CLEAR = SIGRTMAX-1,
 *     TDUMP = SIGRTMAX), which Node's process.on() cannot name;
 *   - mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) for *_no_swap, as
 *     keepalived's set_process_dont_swap();
 *   - sched_setscheduler(SCHED_RR | SCHED_RESET_ON_FORK) for *_rt_priority
 *     on the calling (event-loop) thread.
 * The addon is loaded on demand and a failure to load it is reported, not
 * fatal: the supervisor then says which of these it cannot do (and falls
 * back to chrt(1) for the realtime priority).
 */
import type { ChildNative } from './child.js';
import type { RealtimeSignals } from './signals.js';

export interface NativeHooks extends ChildNative {
  readonly realtime?: RealtimeSignals;
}

export type NativeLoad = { readonly ok: true; readonly hooks: NativeHooks } | { readonly ok: false; readonly error: string; readonly hooks: NativeHooks };

export async function loadNativeHooks(): Promise<NativeLoad> {
  let mod: typeof import('../net/native.js');
  let c: typeof import('../net/constants.js');
  try {
    mod = await import('../net/native.js');
    c = await import('../net/constants.js');
  } catch (err) {
    return { ok: false, error: (err as Error).message, hooks: {} };
  }
  const native = mod.native;
  return {
    ok: true,
    hooks: {
      realtime: {
        watch(signum, handler) {
          const w = new native.SignalWatcher(signum, () => handler());
          w.start();
          w.unref();
          return () => w.close();
        },
      },
      mlockall: () => native.mlockall(c.MCL_CURRENT | c.MCL_FUTURE | c.MCL_ONFAULT),
      setRealtime: (priority) => native.schedSetScheduler(c.SCHED_RR | c.SCHED_RESET_ON_FORK, priority),
    },
  };
}
