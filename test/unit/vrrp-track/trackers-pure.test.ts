import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTrackFileValue, strtol0 } from '../../../src/vrrp/track/file-value.js';
import { decodeProcEvent, encodeListen, encodeProcEvent } from '../../../src/vrrp/track/proc-connector.js';
import { matchRule, parseProcStat, processMatches, ruleWarnings, type ProcessInfo, type TrackProcessSpec } from '../../../src/vrrp/track/process-match.js';
import { RiseFallCounter } from '../../../src/vrrp/track/script.js';

/** Feeds a run of results (1 = success, 0 = failure) and lists the reported changes. */
function feed(c: RiseFallCounter, runs: string): string {
  return [...runs].map((ch) => c.record(ch === '1') ?? '.').map((s) => (s === 'up' ? 'U' : s === 'down' ? 'D' : '.')).join('');
}

test('rise/fall: the first result decides, then rise successes / fall failures are needed', () => {
  assert.equal(feed(new RiseFallCounter(3, 2, false), '1'), 'U');
  assert.equal(feed(new RiseFallCounter(3, 2, false), '0'), 'D');
  // up: two consecutive failures to go down; a success in between refills.
  assert.equal(feed(new RiseFallCounter(3, 2, false), '1' + '0' + '1' + '0' + '0'), 'U...D');
  // down: three consecutive successes to go up; a failure in between starts again.
  assert.equal(feed(new RiseFallCounter(3, 2, false), '0' + '11' + '0' + '111'), 'D.....U');
  assert.equal(feed(new RiseFallCounter(1, 1, false), '101100'), 'UDU.D.');
});

test('rise/fall: init_fail starts down and needs rise successes', () => {
  const c = new RiseFallCounter(2, 3, true);
  assert.equal(c.status, 'down');
  assert.equal(feed(c, '0' + '1' + '0' + '11'), '....U');
  assert.equal(feed(c, '001000'), '.....D');
  assert.throws(() => new RiseFallCounter(0, 1, false), RangeError);
});

test('track_file values follow strtol(…, 0)', () => {
  const v = (s: string) => {
    const r = parseTrackFileValue(s);
    return r.ok ? r.value : `invalid ${r.shown}`;
  };
  assert.equal(v('42\n'), 42);
  assert.equal(v('  -17 trailing'), -17);
  assert.equal(v('+8'), 8);
  assert.equal(v('0x1f'), 31);
  assert.equal(v('0X1F'), 31);
  assert.equal(v('010'), 8); // octal, as C reads it
  assert.equal(v('09'), 0); // "0" then a digit octal cannot have
  assert.equal(v('0x'), 0);
  assert.equal(v('0xg'), 0);
  assert.equal(v('abc'), 0);
  assert.equal(v(''), 0);
  assert.equal(v('12abc'), 12);
  assert.equal(v('2147483648'), 2147483648); // keepalived's inclusive upper bound
  assert.equal(v('-2147483648'), -2147483648);
  assert.equal(v('2147483649'), 'invalid 2147483649');
  assert.equal(v('-2147483649'), 'invalid -2147483649');
  assert.equal(v('99999999999999999999999'), 'invalid 9223372036854775807'); // strtol clamps to LONG_MAX
  // keepalived reads 127 bytes: a number starting after them is not seen.
  assert.equal(v(' '.repeat(127) + '5'), 0);
  assert.equal(strtol0('\t\n\v\f\r 7'), 7n);
});

const spec = (over: Partial<TrackProcessSpec>): TrackProcessSpec => ({
  name: 't',
  process: 'sleep',
  params: [],
  paramMatch: 'none',
  fullCommand: false,
  quorum: 1,
  forkDelayMs: 0,
  terminateDelayMs: 0,
  ...over,
});
const proc = (comm: string, argv: string[] | undefined, state = 'S'): ProcessInfo => ({
  pid: 10,
  ppid: 1,
  comm,
  state,
  startTime: 5,
  ...(argv ? { cmdline: Buffer.from(argv.map((a) => `${a}\0`).join('')) } : {}),
});

test('process matching: comm, argv[0] and keepalived param_match rules', () => {
  const byName = matchRule(spec({}));
  assert.equal(processMatches(byName, proc('sleep', undefined)), true);
  assert.equal(processMatches(byName, proc('sleepy', undefined)), false);
  assert.equal(processMatches(byName, proc('sleep', undefined, 'Z')), false, 'zombies are not counted');

  const full = matchRule(spec({ process: '/bin/sleep', fullCommand: true }));
  assert.equal(processMatches(full, proc('sleep', ['/bin/sleep', '100'])), true);
  assert.equal(processMatches(full, proc('sleep', ['sleep', '100'])), false);
  assert.equal(processMatches(full, proc('sleep', [])), false, 'kernel threads have no command line');

  const exact = matchRule(spec({ process: 'sleep', params: ['10', 'x'] }));
  assert.equal(exact.fullCommand, true);
  assert.equal(exact.paramMatch, 'exact');
  assert.equal(processMatches(exact, proc('sleep', ['sleep', '10', 'x'])), true);
  assert.equal(processMatches(exact, proc('sleep', ['sleep', '10', 'x', 'y'])), false);
  assert.equal(processMatches(exact, proc('sleep', ['sleep', '10', 'xx'])), false);

  const none = matchRule(spec({ process: 'sleep', paramMatch: 'exact' }));
  assert.equal(processMatches(none, proc('sleep', ['sleep'])), true, 'param_match with no params: no parameters allowed');
  assert.equal(processMatches(none, proc('sleep', ['sleep', '1'])), false);

  const partial = matchRule(spec({ process: 'sleep', params: ['10'], paramMatch: 'partial' }));
  assert.equal(processMatches(partial, proc('sleep', ['sleep', '10', 'more'])), true);
  assert.equal(processMatches(partial, proc('sleep', ['sleep', '100'])), false);

  const initial = matchRule(spec({ process: 'sleep', params: ['a', '10'], paramMatch: 'initial' }));
  assert.equal(processMatches(initial, proc('sleep', ['sleep', 'a', '100', 'z'])), true);
  assert.equal(processMatches(initial, proc('sleep', ['sleep', 'a', '10'])), true);
  assert.equal(processMatches(initial, proc('sleep', ['sleep', 'ab', '10'])), false);
  assert.equal(processMatches(initial, proc('sleep', ['sleep', 'a', '1'])), false);

  assert.equal(ruleWarnings(spec({ process: 'a-very-long-daemon-name' })).length, 1);
  assert.equal(ruleWarnings(spec({ process: 'a-very-long-daemon-name', fullCommand: true })).length, 0);
});

test('/proc/PID/stat parsing copes with spaces and parentheses in comm', () => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i));
  fields[0] = 'S';
  fields[1] = '4242';
  fields[19] = '987654';
  assert.deepEqual(parseProcStat(`1234 (we(ird) n)ame) ${fields.join(' ')}\n`), {
    pid: 1234,
    ppid: 4242,
    comm: 'we(ird) n)ame',
    state: 'S',
    startTime: 987654,
  });
  assert.equal(parseProcStat('garbage'), undefined);
  assert.equal(parseProcStat('12 (x) S'), undefined);
});

test('proc connector: subscribe message and event decoding', () => {
  const listen = encodeListen(true, 77);
  assert.equal(listen.length, 40);
  assert.equal(listen.readUInt32LE(0), 40); // this machine is little endian
  assert.equal(listen.readUInt16LE(4), 3); // NLMSG_DONE
  assert.equal(listen.readUInt32LE(12), 77);
  assert.deepEqual([listen.readUInt32LE(16), listen.readUInt32LE(20)], [1, 1]); // CN_IDX_PROC, CN_VAL_PROC
  assert.equal(listen.readUInt16LE(32), 4);
  assert.equal(listen.readUInt32LE(36), 1); // PROC_CN_MCAST_LISTEN
  assert.equal(encodeListen(false).readUInt32LE(36), 2);

  for (const ev of [
    { type: 'ack', error: 0 },
    { type: 'fork', parentTgid: 100, childPid: 200, childTgid: 200 },
    { type: 'exec', pid: 200, tgid: 200 },
    { type: 'comm', pid: 200, tgid: 200, comm: 'renamed' },
    { type: 'exit', pid: 200, tgid: 200, exitCode: 9, exitSignal: 17 },
  ] as const) {
    const d = decodeProcEvent(encodeProcEvent(ev, { cpu: 1, seq: 5 }));
    assert.deepEqual(d, { ok: true, event: ev, cpu: 1, seq: 5 });
  }
  // A kernel fork message, byte by byte: 16 + 20 + 16 + 16 bytes.
  const raw = Buffer.alloc(68);
  raw.writeUInt32LE(68, 0);
  raw.writeUInt16LE(3, 4);
  raw.writeUInt32LE(1, 16);
  raw.writeUInt32LE(1, 20);
  raw.writeUInt32LE(9, 24);
  raw.writeUInt16LE(32, 32);
  raw.writeUInt32LE(1, 36); // PROC_EVENT_FORK
  raw.writeUInt32LE(3, 40); // cpu
  raw.writeUInt32LE(10, 52); // parent pid
  raw.writeUInt32LE(11, 56); // parent tgid
  raw.writeUInt32LE(12, 60); // child pid
  raw.writeUInt32LE(13, 64); // child tgid
  assert.deepEqual(decodeProcEvent(raw), { ok: true, event: { type: 'fork', parentTgid: 11, childPid: 12, childTgid: 13 }, cpu: 3, seq: 9 });
  // Damage: short, bad length, wrong connector, ack flag on a real event.
  assert.equal(decodeProcEvent(raw.subarray(0, 10)).ok, false);
  const bad = Buffer.from(raw);
  bad.writeUInt32LE(500, 0);
  assert.equal(decodeProcEvent(bad).ok, false);
  const other = Buffer.from(raw);
  other.writeUInt32LE(2, 16);
  assert.equal(decodeProcEvent(other).ok, false);
  const acked = Buffer.from(raw);
  acked.writeUInt32LE(1, 28);
  assert.equal(decodeProcEvent(acked).ok, false);
  const truncated = Buffer.from(raw);
  truncated.writeUInt16LE(20, 32);
  assert.equal(decodeProcEvent(truncated).ok, false);
});
