/**
 * The pure half of a reload: what changed between two compiled configs,
 * and whether the change can be applied without a restart.
 *
 * keepalived refuses a reload that changes the network namespace, the
 * instance name (and a few more, which the adapter lists): it logs
 * "Cannot change network namespace at a reload - please restart keepalived"
 * and keeps running on the old configuration. The same rule applies here.
 *
 * A diff report has one section for the parent's globals and one per child,
 * computed on exactly the values that go to each child, so the reload
 * message a child receives carries the entries of its own section. The same
 * report is what `--diff NEWFILE` prints.
 */
import type { LogPort } from '../core/log-port.js';
import { diffValues, formatDiff, type DiffEntry } from './config-diff.js';
import { writeFileSafely } from './dumpfiles.js';
import type { DaemonConfigAdapter } from './daemon-config.js';
import { CHILD_ROLES, type ChildRole } from './roles.js';

export interface EffectiveIdentity {
  /** net_namespace after the -s override. */
  readonly netns?: string;
  readonly instance?: string;
}

export function restartOnlyChanges<C>(
  adapter: DaemonConfigAdapter<C>,
  before: C,
  after: C,
  idBefore: EffectiveIdentity,
  idAfter: EffectiveIdentity,
): string[] {
  const out: string[] = [];
  if (idBefore.netns !== idAfter.netns) out.push('Cannot change network namespace at a reload - please restart keepalived');
  if (idBefore.instance !== idAfter.instance) out.push('Cannot change instance name at a reload - please restart keepalived');
  return [...out, ...(adapter.restartOnlyChanges?.(before, after) ?? [])];
}

export type DiffSectionName = 'global' | ChildRole;

export interface ConfigDiffReport {
  readonly sections: ReadonlyArray<{ readonly name: DiffSectionName; readonly entries: readonly DiffEntry[] }>;
}

export function diffConfigs<C>(adapter: DaemonConfigAdapter<C>, before: C, after: C): ConfigDiffReport {
  return {
    sections: [
      { name: 'global', entries: diffValues(adapter.globals(before), adapter.globals(after)) },
      ...CHILD_ROLES.map((role) => ({ name: role, entries: diffValues(adapter.part(before, role), adapter.part(after, role)) })),
    ],
  };
}

export function sectionEntries(report: ConfigDiffReport, name: DiffSectionName): readonly DiffEntry[] {
  return report.sections.find((s) => s.name === name)?.entries ?? [];
}

export function changeCount(report: ConfigDiffReport): number {
  return report.sections.reduce((n, s) => n + s.entries.length, 0);
}

/** Text for `--diff` and for the reload log: one header per section that changed. */
export function formatConfigDiff(report: ConfigDiffReport): string[] {
  const lines: string[] = [];
  for (const s of report.sections) {
    if (s.entries.length === 0) continue;
    lines.push(`${s.name}:`, ...formatDiff(s.entries).map((l) => `  ${l}`));
  }
  return lines.length ? lines : ['no changes'];
}

export type FileDiffOutcome =
  | { readonly ok: true; readonly report: ConfigDiffReport; readonly lines: readonly string[] }
  | { readonly ok: false; readonly errors: readonly string[] };

/**
 * `--diff NEWFILE`: compiles the current and the new file and reports what a
 * reload from one to the other would change, applying nothing. (It compares
 * files; once the control socket exists it can also ask the running daemon
 * for the configuration it actually holds.)
 */
export async function diffConfigFiles<C>(adapter: DaemonConfigAdapter<C>, currentFile: string, newFile: string): Promise<FileDiffOutcome> {
  const [a, b] = await Promise.all([adapter.load(currentFile), adapter.load(newFile)]);
  const errors = [...(a.ok ? [] : a.errors), ...(b.ok ? [] : b.errors)];
  if (!a.ok || !b.ok) return { ok: false, errors };
  const report = diffConfigs(adapter, a.config, b.config);
  const blocked = restartOnlyChanges(
    adapter,
    a.config,
    b.config,
    { netns: adapter.globals(a.config).netns, instance: adapter.globals(a.config).instance },
    { netns: adapter.globals(b.config).netns, instance: adapter.globals(b.config).instance },
  );
  return { ok: true, report, lines: [...formatConfigDiff(report), ...blocked.map((m) => `! ${m}`)] };
}

/**
 * reload_check_config FILE: keepalived runs `keepalived -t` before a reload
 * and logs its output to FILE. We always check before applying; the
 * keyword still gets its file, with the check's diagnostics (empty: clean).
 */
export async function writeReloadCheckLog(file: string | undefined, lines: readonly string[], umask: number, log: LogPort): Promise<void> {
  if (file === undefined || file === '/dev/null') return;
  try {
    await writeFileSafely(file, lines.map((l) => `${l}\n`).join(''), umask);
  } catch (err) {
    log.info(`truncate of config check log ${file} failed (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}
