/**
 * Helpers for the adapter tests: compile a keepalived.conf text with the real lexer and
 * compiler (compileText), and a PlanEnvironment made of literals — interfaces with their
 * addresses and VRF tables, accounts, iproute2 files held in memory — so a plan depends on
 * nothing but the test. Scripts are checked by the real checkScript against real files
 * (/bin/true …), unless a test passes its own.
 */
import assert from 'node:assert/strict';
import { compileText, formatDiagnostic, type Config } from '../../../src/config/index.js';
import type { Account, AccountLookup } from '../../../src/core/scripts/index.js';
import { planVrrp, type PlanEnvironment, type VrrpPlan, type PlanDiagnostic } from '../../../src/vrrp/adapter/index.js';

export interface FakeLink {
  readonly v4?: string;
  readonly v6?: string;
  /** A VRF device with this table. */
  readonly vrfTable?: number;
}

export interface FakeHost {
  readonly links?: Readonly<Record<string, FakeLink>>;
  readonly users?: readonly Account[];
  readonly groups?: Readonly<Record<string, number>>;
  /** Path → contents; a path ending in '/' lists a directory through its children. */
  readonly files?: Readonly<Record<string, string>>;
  readonly checkerRunning?: boolean;
  readonly self?: { uid: number; gid: number };
}

export const DEFAULT_LINKS: Readonly<Record<string, FakeLink>> = {
  eth0: { v4: '192.0.2.1', v6: 'fe80::1' },
  eth1: { v4: '198.51.100.1', v6: 'fe80::2' },
};

export function fakeEnvironment(host: FakeHost = {}): PlanEnvironment {
  const links = host.links ?? DEFAULT_LINKS;
  const users = host.users ?? [{ name: 'root', uid: 0, gid: 0 }, { name: 'nobody', uid: 65534, gid: 65534 }];
  const groups = host.groups ?? { root: 0, nogroup: 65534 };
  const files = host.files ?? {};
  const accounts: AccountLookup = {
    user: (name) => users.find((u) => u.name === name),
    group: (name) => groups[name],
  };
  return {
    interfaces: {
      exists: (name) => name in links,
      primaryAddress: (name, family) => (family === 4 ? links[name]?.v4 : links[name]?.v6),
      vrfTable: (name) => links[name]?.vrfTable,
    },
    accounts,
    self: host.self ?? { uid: 0, gid: 0 },
    files: {
      readFile: (path) => files[path],
      listDirectory(path) {
        const prefix = `${path}/`;
        const names = Object.keys(files).filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length)).filter((n) => !n.includes('/'));
        return names.length > 0 ? names : undefined;
      },
    },
    hostname: 'lb1',
    checkerRunning: host.checkerRunning ?? false,
  };
}

/** Compiles text that must have no errors (warnings are allowed). */
export function compiled(text: string): Config {
  const r = compileText(text, 'keepalived.conf');
  const errors = r.diagnostics.items.filter((d) => d.severity === 'error' || d.severity === 'fatal').map(formatDiagnostic);
  assert.deepEqual(errors, [], text);
  return r.config;
}

/** Plans a config that must plan; returns the plan and its diagnostics as text. */
export function plan(text: string | Config, host: FakeHost = {}): { plan: VrrpPlan; messages: string[] } {
  const config = typeof text === 'string' ? compiled(text) : text;
  const r = planVrrp(config, fakeEnvironment(host));
  assert.ok(r.ok, r.diagnostics.map(show).join('\n'));
  return { plan: r.plan, messages: r.diagnostics.map(show) };
}

/** Plans a config that must not plan; returns the messages. */
export function planErrors(text: string | Config, host: FakeHost = {}): string[] {
  const config = typeof text === 'string' ? compiled(text) : text;
  const r = planVrrp(config, fakeEnvironment(host));
  assert.equal(r.ok, false, 'expected the plan to fail');
  return r.diagnostics.map(show);
}

export function show(d: PlanDiagnostic): string {
  return `${d.severity}: ${d.message}`;
}

/** A minimal instance around `body`. */
export function instance(name: string, body: string): string {
  return `vrrp_instance ${name} {\n${body}\n}\n`;
}

/** Compiles text whatever the compiler says (errors included), for models the plan must still cope with. */
export function compiledAnyway(text: string): Config {
  return compileText(text, 'keepalived.conf').config;
}
