/**
 * Benchmark: resident memory of every process of the daemon, next to Debian's
 * keepalived 2.2.7 running the same configuration (issue 4: "report each
 * process's RSS with an empty config and with the examples").
 *
 *   node dist/bench/rss.js [--settle 5] [--examples] [--config FILE]... [--json] [--save FILE]
 *
 * First always an empty configuration with `--all`, so the parent and all
 * three children run. --examples adds every examples/*.conf;
 * --config (repeatable) adds the given files, run without `--all` (a child
 * runs when its part of the file is non-empty, keepalived's rule).
 *
 * Each configuration runs in a fresh network namespace this benchmark makes
 * (lib/daemons.ts starts both implementations the same way: `-n -l -f`,
 * private pid files). Every `interface NAME` the file names is created there
 * as one end of a veth pair, up, with a TEST-NET address, so VRRP instances run (they
 * reach MASTER after Master_Down_Interval, add their VIPs, and keep
 * advertising into the dummy link) instead of failing for lack of an
 * interface. After --settle seconds VmRSS (/proc/PID/status) and Pss
 * (/proc/PID/smaps_rollup) are read for the parent and each child, found by
 * the pid files both write. RSS counts pages shared with other processes
 * (the node binary, libc) in full per process; PSS shares them out, so the
 * PSS total is what the daemon really costs. A process that is not running
 * shows as "-" (keepalived's checker exits on a kernel without ip_vs, as
 * this one is).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Topology } from '../test/harness/index.js';
import { Daemon, IMPLEMENTATIONS, type Implementation } from './lib/daemons.js';
import { isAlive, readMemory, type Memory } from './lib/procfs.js';
import { fixed, machineLine, saveIfAsked, table } from './lib/stats.js';

const PROCESSES = ['parent', 'vrrp', 'checker', 'bfd'] as const;
type Proc = (typeof PROCESSES)[number];
const PID_FILE: Record<Proc, string> = { parent: 'keepalived.pid', vrrp: 'vrrp.pid', checker: 'checkers.pid', bfd: 'bfd.pid' };
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

interface Case {
  readonly name: string;
  /** undefined: the empty configuration with --all. */
  readonly file?: string;
}

type Usage = Partial<Record<Proc, Memory>>;

function parseOptions(argv: readonly string[]) {
  const i = argv.indexOf('--settle');
  const settle = i === -1 ? 5 : Number(argv[i + 1]);
  if (!Number.isFinite(settle) || settle < 0) throw new Error('--settle needs a number of seconds');
  const cases: Case[] = [];
  argv.forEach((a, j) => {
    if (a === '--config') {
      const file = resolve(argv[j + 1] ?? '');
      if (!existsSync(file)) throw new Error(`--config: no file ${file}`);
      cases.push({ name: basename(file), file });
    }
  });
  if (argv.includes('--examples')) {
    for (const f of readdirSync(EXAMPLES).filter((n) => n.endsWith('.conf')).sort()) cases.push({ name: f, file: join(EXAMPLES, f) });
  }
  cases.unshift({ name: 'empty config, --all' });
  return { settle, cases, json: argv.includes('--json') };
}

/** Interface names a configuration refers to with `interface NAME`. */
function interfacesOf(text: string): string[] {
  return [...new Set([...text.matchAll(/^\s*interface\s+(\S+)/gm)].map((m) => m[1]!))];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(lab: Topology, index: number, implementation: Implementation, c: Case, settle: number, extraArgs: string[] = []): Promise<Usage | string> {
  const ns = await lab.namespace(`m${index}`);
  const text = c.file ? readFileSync(c.file, 'utf8') : '# empty\n';
  for (const [k, name] of interfacesOf(text).entries()) {
    // No dummy driver on every kernel (not on this CI's): a veth whose peer stays in the namespace does as well.
    await ns.ip('link', 'add', name, 'type', 'veth', 'peer', 'name', `peer${k}`);
    await ns.ip('address', 'add', `192.0.2.${k + 1}/24`, 'dev', name);
    await ns.up(`peer${k}`);
    await ns.up(name);
  }
  const daemon = Daemon.start(implementation, ns, lab.directory, text, { args: c.file ? extraArgs : ['--all', ...extraArgs] });
  const pidOf = (p: Proc) => {
    const f = join(daemon.directory, PID_FILE[p]);
    return existsSync(f) ? Number(readFileSync(f, 'utf8').trim()) : undefined;
  };
  try {
    const deadline = Date.now() + 20_000;
    while (pidOf('parent') === undefined) {
      if (!daemon.running) return `exited during start-up: ${daemon.output.split('\n').slice(-3).join(' | ')}`;
      if (Date.now() > deadline) return 'no pid file after 20 s';
      await sleep(50);
    }
    await sleep(settle * 1000);
    if (!daemon.running) return `exited: ${daemon.output.split('\n').slice(-3).join(' | ')}`;
    const usage: Usage = {};
    for (const p of PROCESSES) {
      const pid = pidOf(p);
      const memory = pid !== undefined && isAlive(pid) ? readMemory(pid) : undefined;
      if (memory) usage[p] = memory;
    }
    return usage;
  } finally {
    await daemon.stop();
  }
}

async function main(): Promise<void> {
  const { settle, cases, json } = parseOptions(process.argv.slice(2));
  const before = await machineLine();
  const lab = await Topology.create();
  const results: Array<{ case: string; file?: string; usage: Record<Implementation, Usage | string>; notes: string[] }> = [];
  let index = 0;
  try {
    for (const c of cases) {
      const usage = {} as Record<Implementation, Usage | string>;
      const notes: string[] = [];
      for (const impl of IMPLEMENTATIONS) {
        usage[impl] = await measure(lab, ++index, impl, c, settle);
        if (impl === 'keepalived' && typeof usage[impl] === 'string' && c.file && /^\s*virtual_server\b/m.test(readFileSync(c.file, 'utf8'))) {
          // Its checker needs the ip_vs module and takes the whole daemon down without it: measure the rest.
          notes.push(`keepalived ${usage[impl]}`, 'keepalived run again with -P (no checker): without ip_vs its checker ends the whole daemon');
          usage[impl] = await measure(lab, ++index, impl, c, settle, ['-P']);
        }
      }
      results.push({ case: c.name, ...(c.file ? { file: c.file } : {}), usage, notes });
    }
  } finally {
    await lab.destroy();
  }
  const after = await machineLine();
  const record = { benchmark: 'rss', command: process.argv.slice(1).join(' '), before, after, settleSeconds: settle, results };
  await saveIfAsked(process.argv, record);
  if (json) {
    console.log(JSON.stringify(record, null, 2));
    return;
  }
  console.log(`before: ${before}\nafter:  ${after}`);
  console.log(`memory ${settle} s after start-up, MiB (RSS counts shared pages in full in every process, PSS shares them out)\n`);
  const mib = (k: number | undefined) => fixed(k === undefined ? undefined : k / 1024, 1);
  const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(1)}x` : '-');
  for (const r of results) {
    console.log(r.case);
    const ts = r.usage['keepalived-ts'];
    const ka = r.usage.keepalived;
    for (const note of r.notes) console.log(`  ${note}`);
    for (const [name, u] of [['keepalived-ts', ts], ['keepalived', ka]] as const) if (typeof u === 'string') console.log(`  ${name}: ${u}`);
    const get = (u: Usage | string, p: Proc) => (typeof u === 'string' ? undefined : u[p]);
    const total = (u: Usage | string, f: (m: Memory) => number) =>
      typeof u === 'string' || Object.keys(u).length === 0 ? undefined : Object.values(u).reduce((s, m) => s + f(m!), 0);
    const rows = PROCESSES.map((p) => {
      const a = get(ts, p);
      const b = get(ka, p);
      return [p, mib(a?.rssKiB), mib(b?.rssKiB), ratio(a?.rssKiB, b?.rssKiB), mib(a?.pssKiB), mib(b?.pssKiB), ratio(a?.pssKiB, b?.pssKiB)];
    });
    const [tr, kr, tp, kp] = [total(ts, (m) => m.rssKiB), total(ka, (m) => m.rssKiB), total(ts, (m) => m.pssKiB), total(ka, (m) => m.pssKiB)];
    rows.push(['total', mib(tr), mib(kr), ratio(tr, kr), mib(tp), mib(kp), ratio(tp, kp)]);
    console.log(table(['process', 'ts RSS', 'ka RSS', 'ratio', 'ts PSS', 'ka PSS', 'ratio'], rows).replace(/^/gm, '  '));
    console.log('');
  }
}

await main();
