import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertBadCases, compile, compileClean } from './global-test-helpers.js';

test('top level: daemon defaults', () => {
  const c = compileClean('');
  assert.equal(c.netNamespace, undefined);
  assert.equal(c.netNamespaceIpvs, undefined);
  assert.equal(c.namespaceWithIpsets, false);
  assert.equal(c.instanceName, undefined);
  assert.equal(c.usePidDir, false);
  assert.equal(c.childWaitTimeMs, 5000);
});

test('top level: namespaces, instance, pid dir and child wait time', () => {
  const c = compileClean('net_namespace blue\nnet_namespace_ipvs lvs\nnamespace_with_ipsets\ninstance lb2\nchild_wait_time 30');
  assert.equal(c.netNamespace, 'blue');
  assert.equal(c.netNamespaceIpvs, 'lvs');
  assert.equal(c.namespaceWithIpsets, true);
  assert.equal(c.instanceName, 'lb2');
  assert.equal(c.usePidDir, true, 'implied by net_namespace and instance');
  assert.equal(c.childWaitTimeMs, 30_000);
});

test('top level: net_namespace_ipvs without a name means the default namespace; use_pid_dir alone', () => {
  const c = compileClean('net_namespace_ipvs\nuse_pid_dir\nchild_wait_time 0');
  assert.equal(c.netNamespaceIpvs, '');
  assert.equal(c.usePidDir, true);
  assert.equal(c.childWaitTimeMs, 0);
  assert.equal(compileClean('instance x').usePidDir, true);
});

test('top level: daemon statements, bad values and repeats', () => {
  assertBadCases([
    { text: 'net_namespace', problems: ['t.conf:1:1: error: net_namespace: net_namespace name missing'] },
    { text: 'net_namespace a/b', problems: ["t.conf:1:15: error: net_namespace: invalid net_namespace name 'a/b' (it is used as a file name)"] },
    { text: 'net_namespace a\nnet_namespace b', problems: ['t.conf:2:1: error: net_namespace: Duplicate net_namespace definition b'] },
    { text: 'net_namespace_ipvs a b', problems: ["t.conf:1:22: error: net_namespace_ipvs: unexpected extra parameter 'b'"] },
    { text: 'net_namespace_ipvs\nnet_namespace_ipvs x', problems: ['t.conf:2:1: error: net_namespace_ipvs: Duplicate net_namespace_ipvs definition x'] },
    { text: 'instance a\ninstance b', problems: ['t.conf:2:1: error: instance: Duplicate instance definition b'] },
    { text: 'instance ..', problems: ["t.conf:1:10: error: instance: invalid instance name '..' (it is used as a file name)"] },
    { text: 'use_pid_dir x', problems: ["t.conf:1:13: error: use_pid_dir: 'use_pid_dir' takes no parameter"] },
    { text: 'namespace_with_ipsets yes', problems: ["t.conf:1:23: error: namespace_with_ipsets: 'namespace_with_ipsets' takes no parameter"] },
    { text: 'child_wait_time', problems: ['t.conf:1:1: error: child_wait_time: missing parameter'] },
    { text: 'child_wait_time 1.5', problems: ["t.conf:1:17: error: child_wait_time: invalid number '1.5'"] },
  ]);
  // The first definition stands.
  assert.equal(compile('instance a\ninstance b').config.instanceName, 'a');
});
