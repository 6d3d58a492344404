/**
 * A child entry for the supervisor's tests with the JSON config adapter: every role runs
 * the ConfigHolder, whose dumps and answers show exactly the part and reload diff it got.
 * The real entry (child-main.ts) runs the VRRP stack for 'vrrp', which needs a compiled
 * keepalived.conf and acts on the network; the supervisor's own tests need neither.
 */
import { installEarlySignalGuards } from '../../../src/supervisor/signals.js';

const guards = installEarlySignalGuards();

const { runChildProcess } = await import('../../../src/supervisor/child-entry.js');
const { ConfigHolder } = await import('../../../src/supervisor/config-holder.js');

await runChildProcess({ vrrp: () => new ConfigHolder(), checker: () => new ConfigHolder(), bfd: () => new ConfigHolder() }, guards);
