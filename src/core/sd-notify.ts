/**
 * systemd's notify protocol (sd_notify(3)): state lines to $NOTIFY_SOCKET.
 *
 * With Type=notify, systemd passes the path of a unix datagram socket in
 * NOTIFY_SOCKET ('/run/systemd/notify', or '@name' in the abstract namespace)
 * and waits for "READY=1". keepalived sends READY=1 with MAINPID, RELOADING=1,
 * STOPPING=1 and ERRNO=n (lib/systemd.c); helpers for those are below. As in
 * libsystemd, each notification opens a socket, sends one datagram and closes it.
 *
 * When NOTIFY_SOCKET is unset (not under systemd, or not Type=notify) every call
 * is a no-op returning false. A NOTIFY_SOCKET in a form this code does not speak
 * (systemd 254's "vsock:" addresses, a relative path) is an error, as is a
 * failed send: the caller logs it; a daemon should not die over it.
 */
import { UnixDatagramSocket } from '../net/unix-dgram.js';

export class NotifySocketError extends Error {
  readonly code = 'ERR_NOTIFY_SOCKET';
}

/**
 * Sends `state` (newline-separated KEY=VALUE assignments, e.g. "READY=1") to
 * systemd. Returns true if sent, false if NOTIFY_SOCKET is unset; throws an
 * ErrnoError or NotifySocketError otherwise.
 */
export function notify(state: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const path = env.NOTIFY_SOCKET;
  if (!path) return false;
  if (!path.startsWith('/') && !path.startsWith('@')) {
    throw new NotifySocketError(`NOTIFY_SOCKET '${path}' is neither an absolute path nor an abstract socket name`);
  }
  const socket = UnixDatagramSocket.open();
  try {
    socket.sendTo(state, path);
  } finally {
    socket.close();
  }
  return true;
}

/** READY=1 with our pid, as keepalived sends once it runs. */
export function notifyReady(pid: number = process.pid, env: NodeJS.ProcessEnv = process.env): boolean {
  return notify(`READY=1\nMAINPID=${pid}`, env);
}

export function notifyReloading(env: NodeJS.ProcessEnv = process.env): boolean {
  return notify('RELOADING=1', env);
}

export function notifyStopping(env: NodeJS.ProcessEnv = process.env): boolean {
  return notify('STOPPING=1', env);
}

/** ERRNO=n: the errno-style reason the service is failing. */
export function notifyErrno(errno: number, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!Number.isInteger(errno) || errno < 0) throw new RangeError(`errno ${errno} is not a non-negative integer`);
  return notify(`ERRNO=${errno}`, env);
}

/**
 * Removes NOTIFY_SOCKET from the environment (sd_notify's unset_environment), so
 * that scripts and children we start do not talk to systemd in our name.
 */
export function unsetNotifySocket(env: NodeJS.ProcessEnv = process.env): void {
  delete env.NOTIFY_SOCKET;
}
