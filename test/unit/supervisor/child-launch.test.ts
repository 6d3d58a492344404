import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { ROLE_NODE_ARGS, childCommand } from '../../../src/supervisor/child-launch.js';

const tools = { node: '/usr/bin/node', ip: '/usr/sbin/ip', taskset: '/usr/bin/taskset', nice: '/usr/bin/nice' };
const nodeArgs = ['--enable-source-maps'];

const vrrpArgs = [...ROLE_NODE_ARGS.vrrp, ...nodeArgs];

test('no tuning, no namespace: node itself', () => {
  assert.deepEqual(childCommand('vrrp', {}, undefined, tools, nodeArgs), { ok: true, command: { execPath: '/usr/bin/node', execArgv: vrrpArgs } });
  assert.deepEqual(childCommand('checker', {}, undefined, tools, nodeArgs), { ok: true, command: { execPath: '/usr/bin/node', execArgv: nodeArgs } });
});

test('the VRRP child compiles everything at load and keeps it; the parent\'s options come after, so they win', () => {
  assert.deepEqual(ROLE_NODE_ARGS.vrrp, ['--no-lazy', '--no-flush-bytecode']);
  const r = childCommand('vrrp', {}, undefined, tools, ['--lazy']);
  assert.deepEqual(r.ok && r.command.execArgv, ['--no-lazy', '--no-flush-bytecode', '--lazy']);
});

test('namespace first, then nice relative to ours; a realtime priority is not applied at exec', () => {
  assert.deepEqual(childCommand('vrrp', { nice: -5, cpuAffinity: [0, 2] }, 'blue', tools, nodeArgs), {
    ok: true,
    command: {
      execPath: '/usr/sbin/ip',
      execArgv: ['netns', 'exec', 'blue', '/usr/bin/taskset', '-c', '0,2', '/usr/bin/nice', '-n', '-5', '/usr/bin/node', ...vrrpArgs],
    },
  });
  assert.deepEqual(childCommand('checker', { nice: -5 }, undefined, tools, nodeArgs, 2), {
    ok: true,
    command: { execPath: '/usr/bin/nice', execArgv: ['-n', '-7', '/usr/bin/node', ...nodeArgs] },
  });
  // keepalived ignores *_priority when *_rt_priority is set
  assert.deepEqual(childCommand('bfd', { rtPriority: 5, nice: 3 }, undefined, tools, nodeArgs), {
    ok: true,
    command: { execPath: '/usr/bin/node', execArgv: nodeArgs },
  });
});

test('a missing tool is an error naming the keyword', () => {
  const r = childCommand('vrrp', { nice: 10 }, undefined, { node: '/usr/bin/node' }, []);
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.message, /vrrp_priority needs nice/);
  const n = childCommand('vrrp', {}, 'blue', { node: '/usr/bin/node' }, []);
  assert.match(n.ok ? '' : n.message, /net_namespace blue needs ip/);
});
