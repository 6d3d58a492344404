// The harness itself: it builds what it says, runs things inside namespaces,
// captures traffic, and leaves nothing behind - also when the test process is
// killed halfway.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Topology, waitUntil } from '../../harness/index.js';
import { native } from '../../../src/net/native.js';

function namespaceExists(name: string): boolean {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').some((line) => line.split(' ')[0] === name);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('two hosts on a bridge: addresses, ping, capture, processes, scripts, setns', async (t) => {
  const lab = await Topology.create(t);
  const a = await lab.namespace('a');
  const b = await lab.namespace('b');
  const sw = await lab.namespace('sw');
  await lab.bridge(sw, 'br0');
  await lab.attach(a, 'eth0', sw, 'br0', 'pa', { mac: '02:00:00:00:0a:01' });
  await lab.attach(b, 'eth0', sw, 'br0', 'pb');
  await a.addAddress('eth0', '192.0.2.1/24');
  await b.addAddress('eth0', '192.0.2.2/24');
  await a.addAddress('eth0', '2001:db8::1/64', { nodad: true });
  await b.addAddress('eth0', '2001:db8::2/64');

  assert.equal(await a.mac('eth0'), '02:00:00:00:0a:01');
  assert.match(a.name, new RegExp(`^${lab.id}-a$`));
  // The interfaces exist only inside the lab, not in the test's own namespace.
  assert.throws(() => native.ifNameToIndex('pa'), { code: 'ENODEV' });

  const capture = await b.capture('eth0', 'icmp or icmp6');
  await a.exec(['ping', '-c', '2', '-i', '0.2', '-W', '2', '192.0.2.2']);
  // DAD is off by default, so the IPv6 address works at once.
  await a.exec(['ping', '-c', '1', '-W', '2', '2001:db8::2']);
  const rows = await capture.fields(['ip.src', 'ip.dst', 'icmp.type'], 'icmp');
  assert.deepEqual(rows.filter((r) => r[2] === '8').map((r) => [r[0], r[1]]), [['192.0.2.1', '192.0.2.2'], ['192.0.2.1', '192.0.2.2']]);
  const decoded = await capture.decode('icmpv6.type == 128');
  assert.equal(decoded.length, 1);
  assert.equal((decoded[0]!.layers.ipv6 as Record<string, string>)['ipv6.src'], '2001:db8::1');

  const sleeper = b.spawn(['sleep', '60']);
  assert.ok(processAlive(sleeper.pid));

  const result = await a.runScript(async (arg: { ifname: string }, ctx) => {
    const { native: addon } = await ctx.load('src/net/native.js');
    return { ifindex: addon.ifNameToIndex(arg.ifname), pid: process.pid };
  }, { ifname: 'eth0' });
  assert.equal(result.ifindex, await a.ifindex('eth0'));

  const echo = b.spawnScript(async (_arg: null, ctx) => {
    await new Promise<void>((resolve) => {
      ctx.onMessage((m) => {
        if (m === 'stop') resolve();
        else ctx.send({ echo: m });
      });
      ctx.send('ready');
    });
    return 'stopped';
  }, null);
  assert.equal(await echo.nextMessage(), 'ready');
  echo.send({ n: 1 });
  assert.deepEqual(await echo.nextMessage(), { echo: { n: 1 } });
  echo.send('stop');
  assert.equal(await echo.result(), 'stopped');

  // 'pa' exists only in the switch namespace: visible inside enter(), not after it.
  const ifindexInside = sw.enter(() => native.ifNameToIndex('pa'));
  assert.equal(ifindexInside, await sw.ifindex('pa'));
  assert.throws(() => native.ifNameToIndex('pa'), { code: 'ENODEV' }, 'enter() must switch back');

  await lab.destroy();
  for (const ns of [a, b, sw]) assert.equal(namespaceExists(ns.name), false);
  assert.equal(processAlive(sleeper.pid), false);
  assert.equal(existsSync(lab.directory), false);
  await lab.destroy();
});

test('a failing script reports its error and exit', async (t) => {
  const lab = await Topology.create(t);
  const a = await lab.namespace('a');
  await assert.rejects(a.runScript(() => { throw new Error('deliberate'); }, null), /deliberate/);
  await assert.rejects(a.exec(['ip', 'link', 'show', 'dev', 'nosuch0']), /command failed.*nosuch0/s);
});

test('SIGTERM to the test process still removes its namespaces and processes', async () => {
  const fixture = fileURLToPath(new URL('./fixtures/interrupted-lab.js', import.meta.url));
  const child = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
  const ready = await waitUntil('the fixture to build its lab', () => {
    const line = out.split('\n').find((l) => l.startsWith('{'));
    return line ? (JSON.parse(line) as { namespaces: string[]; pid: number; directory: string }) : undefined;
  }, { timeoutMs: 20_000 });
  assert.ok(ready.namespaces.every(namespaceExists));
  assert.ok(processAlive(ready.pid));
  child.kill('SIGTERM');
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  assert.equal(signal, 'SIGTERM', `fixture exited with code ${code}`);
  for (const name of ready.namespaces) assert.equal(namespaceExists(name), false, `${name} left behind`);
  await waitUntil('the daemon started in the lab to die', () => !processAlive(ready.pid), { timeoutMs: 2000 });
  assert.equal(existsSync(ready.directory), false);
});
