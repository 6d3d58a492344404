import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { childCommand } from '../../../src/supervisor/child-launch.js';

const tools = { node: '/usr/bin/node', ip: '/usr/sbin/ip', chrt: '/usr/bin/chrt', prlimit: '/usr/bin/prlimit', nice: '/usr/bin/nice' };
const nodeArgs = ['--enable-source-maps'];

test('no tuning, no namespace: node itself', () => {
  assert.deepEqual(childCommand('vrrp', {}, undefined, tools, nodeArgs), { ok: true, command: { execPath: '/usr/bin/node', execArgv: nodeArgs } });
});

test('namespace, then realtime with its rttime limit, else nice relative to ours', () => {
  assert.deepEqual(childCommand('vrrp', { rtPriority: 20, nice: -5 }, 'blue', tools, nodeArgs), {
    ok: true,
    command: {
      execPath: '/usr/sbin/ip',
      execArgv: ['netns', 'exec', 'blue', '/usr/bin/prlimit', '--rttime=5000:10000', '/usr/bin/chrt', '-r', '-R', '20', '/usr/bin/node', ...nodeArgs],
    },
  });
  assert.deepEqual(childCommand('checker', { nice: -5 }, undefined, tools, nodeArgs, 2), {
    ok: true,
    command: { execPath: '/usr/bin/nice', execArgv: ['-n', '-7', '/usr/bin/node', ...nodeArgs] },
  });
  assert.deepEqual(childCommand('bfd', { rtPriority: 5, rlimitRttimeUs: 0 }, undefined, tools, nodeArgs), {
    ok: true,
    command: { execPath: '/usr/bin/chrt', execArgv: ['-r', '-R', '5', '/usr/bin/node', ...nodeArgs] },
  });
});

test('a missing tool is an error naming the keyword', () => {
  const r = childCommand('vrrp', { rtPriority: 10 }, undefined, { node: '/usr/bin/node' }, []);
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.message, /vrrp_rt_priority needs chrt/);
});
