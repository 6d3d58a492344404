/**
 * The supervisor's (parent process's) share of keepalived.conf: the top-level
 * statements about the daemon as a whole (see daemon.ts).
 */
export { daemonFragment, type DaemonFragment } from './daemon.js';
