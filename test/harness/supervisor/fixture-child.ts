/**
 * A deliberately misbehaving child for the supervisor's tests, chosen with
 * KA_FIXTURE_MODE:
 *   exit2        exits with code 2 (keepalived's CONFIG error) on `start`;
 *   ignore-stop  reports ready, then ignores `stop`, SIGTERM and its parent's death;
 *   bad-message  answers `start` with a message that is not in the protocol.
 */
process.on('SIGUSR1', () => undefined);
const mode = process.env.KA_FIXTURE_MODE;

process.on('message', (raw: unknown) => {
  const msg = raw as { type?: string; generation?: number };
  if (msg.type !== 'start') return;
  switch (mode) {
    case 'exit2':
      process.exit(2);
    case 'ignore-stop':
      process.send!({ type: 'ready', generation: msg.generation });
      return;
    case 'bad-message':
      process.send!({ type: 'bogus', detail: 'not in ChildToParent' });
      return;
    default:
      process.stderr.write(`fixture-child: unknown KA_FIXTURE_MODE ${String(mode)}\n`);
      process.exit(70);
  }
});
if (mode === 'ignore-stop') {
  process.on('SIGTERM', () => undefined);
  process.on('disconnect', () => undefined);
  setInterval(() => undefined, 1000);
}
