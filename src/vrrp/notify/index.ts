/**
 * VRRP notifications: notify scripts, the notify FIFOs and smtp alerts.
 *
 *   const fifo = new NotifyFifo({ keyword: 'vrrp_notify_fifo', path, uid, gid, script }, runner, log);
 *   fifo.open();
 *   const notify = new NotifyDispatcher({ runner, log, specs, fifos: [fifo], alerts });
 *   notify.instanceState('VI_1', 'MASTER', 100);   // from the FSM's transition events
 *   notify.groupState('G1', 'MASTER');
 *   ...
 *   await fifo.close();
 */
export {
  AlertRecorder,
  NOTIFY_STATES,
  alertText,
  formatFifoLine,
  notifyArguments,
  parseFifoLine,
  type FifoState,
  type NotifyState,
  type NotifyType,
  type SmtpAlert,
  type SmtpAlertSink,
} from './format.js';
export { NotifyFifo, type FifoSpec, type NotifyFifoOptions } from './fifo.js';
export { NotifyDispatcher, type NotifyDispatcherOptions, type NotifyScripts, type NotifySpec } from './dispatcher.js';
