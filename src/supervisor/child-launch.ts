/**
 * How a child process is started: the command that runs `node child-main.js`,
 * with its network namespace and scheduling applied before Node starts.
 *
 * keepalived forks, and the child calls setns(), setpriority(),
 * sched_setscheduler() and setrlimit() on itself. In a Node process those
 * calls would reach only the calling thread (Linux keeps the network
 * namespace, nice value and scheduling policy per thread; Node already runs
 * V8 and libuv threads), and a multi-threaded process cannot enter a new
 * mount namespace at all. So the parent starts the child through small
 * standard tools that set these up and exec the next program, keeping the
 * pid and the IPC descriptor fork() passes down:
 *
 *   ip netns exec NETNS   net_namespace / -s: network namespace, plus a
 *                         private mount namespace with /sys remounted for
 *                         that namespace and /etc/netns/NETNS/* overlaid
 *                         (iproute2);
 *   taskset -c CPUS       *_cpu_affinity: every thread Node creates after exec
 *                         inherits the mask (util-linux);
 *   nice -n N             *_priority when no realtime priority is set (as in
 *                         keepalived); inherited by every thread (coreutils).
 * The chain is computed here as a pure function, with the child's V8 options
 * (ROLE_NODE_ARGS); children.ts hands it to fork() as `execPath` + `execArgv`.
 *
 * A realtime priority is different: it is applied by the child to itself
 * once it has loaded (child.ts applyRealtime), never at exec. keepalived's
 * default RLIMIT_RTTIME of 10 ms of realtime CPU without a blocking system
 * call is far less than Node needs to compile its modules at start-up, so a
 * child exec'd under SCHED_RR is SIGKILLed by the kernel before it is ready
 * (observed: "exited due to signal SIGKILL - has rlimit_rttime been
 * exceeded?"). Once loaded, the event loop blocks in epoll_wait between
 * events and the limit does its job.
 */
import type { ChildRole } from './roles.js';

export interface ProcessTuning {
  /** *_priority: nice value, -20..19. */
  readonly nice?: number;
  /** *_rt_priority: SCHED_RR priority, 1..99. */
  readonly rtPriority?: number;
  /** *_rlimit_rttime: µs of realtime CPU without blocking; keepalived's default is 10000. */
  readonly rlimitRttimeUs?: number;
  /** *_no_swap: mlockall() in the child (native addon). */
  readonly noSwap?: boolean;
  /** *_cpu_affinity: CPU ids; empty or absent = any. */
  readonly cpuAffinity?: readonly number[];
  /** *_process_name (with process_names): the child's comm and command line. */
  readonly processName?: string;
}

export interface LaunchTools {
  readonly node: string;
  readonly ip?: string;
  readonly taskset?: string;
  readonly nice?: string;
}

export interface ChildCommand {
  /** The program fork() runs (node itself when no tool is needed). */
  readonly execPath: string;
  /** Its arguments before the child entry file. */
  readonly execArgv: readonly string[];
}

export type ChildCommandResult = { readonly ok: true; readonly command: ChildCommand } | { readonly ok: false; readonly message: string };

export const DEFAULT_RLIMIT_RTTIME_US = 10_000;

/**
 * V8 options per child, before the parent's own (which win where they clash).
 *
 * The VRRP child's takeover path — its first advert, the netlink batch of its addresses, its
 * first gratuitous ARPs — runs only when a BACKUP takes over, perhaps once in months. V8
 * compiles a function on its first call and throws away the bytecode of functions that have
 * not run for a few garbage collections, so without these a takeover would compile that path
 * while the LAN waits: 1.2–1.5 ms of a 2.2 ms first takeover, measured with
 * bench/vrrp-failover.ts (RFC 5798 §6.4.2 wants the new MASTER's advert and ARPs at once).
 * `--no-lazy` compiles every function when its module loads (about 75 ms more at start-up and
 * 2 MiB) and `--no-flush-bytecode` keeps the result. The checker and BFD children keep V8's
 * defaults.
 */
export const ROLE_NODE_ARGS: Readonly<Record<ChildRole, readonly string[]>> = {
  vrrp: ['--no-lazy', '--no-flush-bytecode'],
  checker: [],
  bfd: [],
};

/**
 * The exec chain for one child. `currentNice` is the parent's own nice value:
 * nice(1) adds to it, keepalived's setpriority() sets an absolute value.
 */
export function childCommand(
  role: ChildRole,
  tuning: ProcessTuning,
  netns: string | undefined,
  tools: LaunchTools,
  nodeArgs: readonly string[],
  currentNice = 0,
): ChildCommandResult {
  const chain: string[] = [];
  const need = (tool: keyof LaunchTools, why: string): string | { message: string } => {
    const path = tools[tool];
    return path ?? { message: `cannot start the ${role} child: ${why} needs ${tool}(1), which was not found` };
  };

  if (netns !== undefined) {
    const ip = need('ip', `net_namespace ${netns}`);
    if (typeof ip !== 'string') return { ok: false, ...ip };
    chain.push(ip, 'netns', 'exec', netns);
  }
  if (tuning.cpuAffinity !== undefined && tuning.cpuAffinity.length > 0) {
    const taskset = need('taskset', `${role}_cpu_affinity`);
    if (typeof taskset !== 'string') return { ok: false, ...taskset };
    chain.push(taskset, '-c', tuning.cpuAffinity.join(','));
  }
  if (!(tuning.rtPriority !== undefined && tuning.rtPriority > 0) && tuning.nice !== undefined && tuning.nice !== currentNice) {
    const nice = need('nice', `${role}_priority`);
    if (typeof nice !== 'string') return { ok: false, ...nice };
    chain.push(nice, '-n', String(tuning.nice - currentNice));
  }

  const v8Args = [...ROLE_NODE_ARGS[role], ...nodeArgs];
  if (chain.length === 0) return { ok: true, command: { execPath: tools.node, execArgv: v8Args } };
  const [execPath, ...rest] = chain;
  return { ok: true, command: { execPath: execPath!, execArgv: [...rest, tools.node, ...v8Args] } };
}
