/**
 * A DaemonConfigAdapter over JSON files, for testing the supervisor before
 * (and independently of) the keepalived.conf compiler: the supervisor only
 * sees the adapter interface, so what it does with a JSON config is what it
 * does with a compiled keepalived.conf.
 *
 *   { "global": { ...DaemonGlobals fields... },
 *     "vrrp":    { "instances": [{ "name": "VI_1", ... }], "staticBlocks": 0 },
 *     "checker": { "virtualServers": [...] },
 *     "bfd":     { "instances": [...] } }
 *
 * A syntax error is reported like a compiler error, `file:line:col: error:`.
 */
import { readFile } from 'node:fs/promises';
import { DEFAULT_GLOBALS, type DaemonConfigAdapter, type DaemonGlobals, type LoadOutcome } from '../../../src/supervisor/daemon-config.js';
import { dumpValue } from '../../../src/supervisor/config-holder.js';
import type { ChildRole, ConfigSummary } from '../../../src/supervisor/roles.js';

export interface JsonConfig {
  readonly global?: Partial<DaemonGlobals>;
  readonly vrrp?: { readonly instances?: unknown[]; readonly staticBlocks?: number; readonly [k: string]: unknown };
  readonly checker?: { readonly virtualServers?: unknown[]; readonly [k: string]: unknown };
  readonly bfd?: { readonly instances?: unknown[]; readonly [k: string]: unknown };
}

/**
 * Where JSON.parse failed. V8 says "at position N", or for an unexpected
 * token quotes up to 10 characters of context before it ("..." marks a cut).
 */
function position(text: string, message: string): { line: number; col: number } {
  let pos = text.length;
  const at = /at position (\d+)/.exec(message);
  const token = /^Unexpected token '(.)', (\.\.\.)?"([\s\S]*?)"(\.\.\.)? is not valid JSON/.exec(message);
  if (at) pos = Number(at[1]);
  else if (token) {
    const start = text.indexOf(token[3]!);
    pos = start === -1 ? text.indexOf(token[1]!) : start + (token[2] ? 10 : token[3]!.indexOf(token[1]!));
  }
  const before = text.slice(0, Math.max(0, pos)).split('\n');
  return { line: before.length, col: before.at(-1)!.length + 1 };
}

export const jsonConfigAdapter: DaemonConfigAdapter<JsonConfig> = {
  async load(path): Promise<LoadOutcome<JsonConfig>> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      return { ok: false, errors: [`${path}: error: cannot read: ${(err as NodeJS.ErrnoException).code}`] };
    }
    try {
      return { ok: true, config: JSON.parse(text) as JsonConfig, warnings: [] };
    } catch (err) {
      const { line, col } = position(text, (err as Error).message);
      return { ok: false, errors: [`${path}:${line}:${col}: error: ${(err as Error).message.replace(/\s+/g, ' ')}`] };
    }
  },
  summary(c): ConfigSummary {
    return {
      vrrpInstances: c.vrrp?.instances?.length ?? 0,
      staticBlocks: c.vrrp?.staticBlocks ?? 0,
      virtualServers: c.checker?.virtualServers?.length ?? 0,
      bfdInstances: c.bfd?.instances?.length ?? 0,
    };
  },
  globals(c): DaemonGlobals {
    return { ...DEFAULT_GLOBALS, ...c.global, tuning: { ...DEFAULT_GLOBALS.tuning, ...c.global?.tuning } };
  },
  part(c, role: ChildRole): unknown {
    return c[role] ?? {};
  },
  dumpGlobals(c): string {
    return `${dumpValue(this.globals(c)).join('\n')}\n`;
  },
};
