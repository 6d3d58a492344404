/**
 * The DaemonConfigAdapter for keepalived.conf: what the supervisor needs
 * from the compiled Config (config/model.ts).
 *
 *   load     lexer + compiler; the config is refused (a failed start, or a
 *            reload that keeps the running config) when a file is missing or
 *            a diagnostic is fatal, and by default also when one is an error.
 *            keepalived runs with the offending items dropped (its user-guide
 *            example userguide-vrrp-director1.conf has two such errors); we do
 *            not apply a configuration we know to be wrong unless told to
 *            (`refuse: 'fatal'`). Other diagnostics are passed on to be logged.
 *   summary  which children have work: vrrp_instance or static_* lines for
 *            VRRP, virtual_server for the checker, bfd_instance for BFD.
 *            (keepalived also counts an empty `static_ipaddress {}` block; the
 *            model keeps lines only, so an empty block does not count here.)
 *   part     the whole Config for every child: the model is one plain-JSON
 *            object each subsystem reads its fragments from (model.ts).
 *   globals  config-globals.ts.
 *   restartOnlyChanges  what keepalived refuses to change at a reload besides
 *            net_namespace and instance: net_namespace_ipvs, the nftables
 *            table names and disable_local_igmp.
 *
 * The compile step is injectable so the compiler's own entry point (with its
 * checks against the running system) can replace lexer+compiler here.
 */
import { Diagnostics, formatDiagnostic } from '../config/diagnostics.js';
import { checkEnvironment } from '../config/environment.js';
import { systemHost } from '../config/host.js';
import { compileFile, printConfig } from '../config/index.js';
import type { Config } from '../config/model.js';
import type { Locations } from '../config/schema/types.js';
import { dumpValue } from './config-holder.js';
import { daemonGlobals } from './config-globals.js';
import type { DaemonConfigAdapter, LoadOutcome } from './daemon-config.js';
import type { ConfigSummary } from './roles.js';

export interface CompiledFile {
  readonly config: Config;
  readonly diagnostics: Diagnostics;
  /** A file (the root or a required include) could not be read. */
  readonly fileError: boolean;
  /** Where model objects came from (for the host checks' messages). */
  readonly locations?: Locations;
}

export interface KeepalivedConfigOptions {
  /** -i; the short host name by default. */
  readonly configId: string;
  /** -e */
  readonly allConfig?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** Which diagnostics make the config unusable: 'error' (default: errors and fatals) or 'fatal' (keepalived's tolerance). */
  readonly refuse?: 'error' | 'fatal';
  /** -s: the daemon runs in this network namespace (the host checks then belong to the children). */
  readonly namespace?: string;
  /** Check interfaces, users and scripts on this host (default true; tests of pure loading turn it off). */
  readonly checkHost?: boolean;
  /** -d: log the configuration as canonical keepalived.conf text after each load. */
  readonly dumpConf?: boolean;
}

export type CompileFile = (path: string, opts: KeepalivedConfigOptions) => CompiledFile;

export const lexAndCompile: CompileFile = (path, opts) => {
  const r = compileFile(path, { configId: opts.configId, allConfig: opts.allConfig ?? false, ...(opts.env ? { env: opts.env } : {}) });
  return { config: r.config, diagnostics: r.diagnostics, fileError: r.fileError, locations: r.locations };
};

export function configSummary(c: Config): ConfigSummary {
  return {
    vrrpInstances: c.vrrpInstances.length,
    staticBlocks: [c.staticAddresses, c.staticRoutes, c.staticRules].filter((lines) => lines.length > 0).length,
    virtualServers: c.virtualServers.length,
    bfdInstances: c.bfdInstances.length,
  };
}

function restartOnly(before: Config, after: Config): string[] {
  const out: string[] = [];
  const changed = (a: unknown, b: unknown): boolean => a !== b;
  if (changed(before.netNamespaceIpvs, after.netNamespaceIpvs)) out.push('Cannot change IPVS network namespace at a reload - please restart keepalived');
  if (changed(before.global.nftables, after.global.nftables)) out.push('Cannot change nftables table name at a reload - please restart keepalived');
  if (changed(before.global.nftablesIpvs, after.global.nftablesIpvs)) out.push('Cannot change IPVS nftables table name at a reload - please restart keepalived');
  if (changed(before.global.disableLocalIgmp, after.global.disableLocalIgmp)) out.push('Cannot change disable_local_igmp at a reload - please restart keepalived');
  return out;
}

/**
 * What the daemon logs about its config: every problem on its own line, and
 * the keywords it does not act on yet in one line (`keepalived -t` lists
 * each one with its location).
 */
export function daemonLogLines(diags: Diagnostics): string[] {
  const unsupported = new Set<string>();
  const lines: string[] = [];
  for (const d of diags.items) {
    if (d.severity === 'notice' && d.message === 'recognised, not supported yet' && d.keyword !== undefined) unsupported.add(d.keyword);
    else lines.push(formatDiagnostic(d));
  }
  if (unsupported.size > 0) lines.push(`recognised but not acted on yet (keepalived -t lists where): ${[...unsupported].join(', ')}`);
  return lines;
}

export function keepalivedConfigAdapter(opts: KeepalivedConfigOptions, compile: CompileFile = lexAndCompile): DaemonConfigAdapter<Config> {
  return {
    async load(path): Promise<LoadOutcome<Config>> {
      const r = compile(path, opts);
      // Interfaces, users and script files are checked on this host; inside a
      // net_namespace the parent cannot see the namespace's interfaces, so
      // that part is left to the children, which run in it.
      const hostVisible = r.config.netNamespace === undefined && opts.namespace === undefined;
      if (opts.checkHost !== false && hostVisible && !r.fileError && !r.diagnostics.hasErrors && r.locations) {
        checkEnvironment({ config: r.config, diagnostics: r.diagnostics, locations: r.locations }, systemHost());
      }
      const lines = daemonLogLines(r.diagnostics);
      const refused = r.fileError || (opts.refuse === 'fatal' ? r.diagnostics.count('fatal') > 0 : r.diagnostics.hasErrors);
      if (refused) return { ok: false, errors: lines.length ? lines : [`${path}: error: cannot read the configuration`] };
      return {
        ok: true,
        config: r.config,
        warnings: lines,
        ...(opts.dumpConf ? { dump: printConfig(r.config).trimEnd().split('\n') } : {}),
      };
    },
    summary: configSummary,
    globals: daemonGlobals,
    part: (c) => c,
    dumpGlobals: (c) => `${dumpValue({ ...c.global }).join('\n')}\n`,
    restartOnlyChanges: restartOnly,
  };
}
