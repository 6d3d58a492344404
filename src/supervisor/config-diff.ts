/**
 * A structural diff of two compiled configs (or two parts of one), for
 * reloads and for `--diff NEWFILE`.
 *
 * The diff walks both values together:
 *   - objects and Maps by key: a key only on one side is added/removed;
 *   - arrays whose elements are all objects with a distinct string `name`
 *     (vrrp instances, virtual servers, scripts, groups…) are matched by that
 *     name, so a reordered block list is no change and a path reads like the
 *     config: vrrp › instances › VI_1 › priority;
 *   - any other array, and any other value, is compared as a whole.
 * Every entry carries its path, so consumers can group entries by instance
 * or virtual server (the first named segment) and a child can apply only
 * the entries of the objects it owns.
 */

export type DiffKind = 'added' | 'removed' | 'changed';

export interface DiffEntry {
  readonly path: readonly string[];
  readonly kind: DiffKind;
  readonly before?: unknown;
  readonly after?: unknown;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

function keyedByName(a: readonly unknown[]): Map<string, unknown> | undefined {
  const m = new Map<string, unknown>();
  for (const el of a) {
    if (!isPlainObject(el) || typeof el.name !== 'string' || m.has(el.name)) return undefined;
    m.set(el.name, el);
  }
  return m;
}

/** Deep equality over the value shapes a compiled config uses. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== typeof b || typeof a !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, (b as unknown[])[i]));
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !deepEqual(v, b.get(k))) return false;
    return true;
  }
  if (a instanceof Set) return b instanceof Set && a.size === b.size && [...a].every((x) => b.has(x));
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

function entries(x: Record<string, unknown> | Map<unknown, unknown>): Array<[string, unknown]> {
  return x instanceof Map
    ? [...x.entries()].map(([k, v]) => [String(k), v])
    : Object.entries(x).filter(([, v]) => v !== undefined);
}

function diffKeyed(before: Map<string, unknown>, after: Map<string, unknown>, path: readonly string[], out: DiffEntry[]): void {
  for (const [k, v] of before) {
    if (!after.has(k)) out.push({ path: [...path, k], kind: 'removed', before: v });
    else walk(v, after.get(k), [...path, k], out);
  }
  for (const [k, v] of after) if (!before.has(k)) out.push({ path: [...path, k], kind: 'added', after: v });
}

function walk(before: unknown, after: unknown, path: readonly string[], out: DiffEntry[]): void {
  if (deepEqual(before, after)) return;
  if ((isPlainObject(before) || before instanceof Map) && (isPlainObject(after) || after instanceof Map)) {
    diffKeyed(new Map(entries(before)), new Map(entries(after)), path, out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const kb = keyedByName(before);
    const ka = keyedByName(after);
    if (kb && ka && (kb.size > 0 || ka.size > 0)) {
      diffKeyed(kb, ka, path, out);
      return;
    }
  }
  out.push({ path, kind: 'changed', before, after });
}

/** Every difference between two values, in a stable order (old keys first, then new ones). */
export function diffValues(before: unknown, after: unknown): DiffEntry[] {
  const out: DiffEntry[] = [];
  walk(before, after, [], out);
  return out;
}

function show(v: unknown): string {
  let s: string;
  if (typeof v === 'string') s = JSON.stringify(v);
  else if (v instanceof Map) s = JSON.stringify(Object.fromEntries(v));
  else if (v instanceof Set) s = JSON.stringify([...v]);
  else if (typeof v === 'bigint') s = `${v}`;
  else s = JSON.stringify(v) ?? String(v);
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
}

/** One line per entry: `+ path`, `- path`, `~ path: before -> after`. */
export function formatDiff(diff: readonly DiffEntry[]): string[] {
  return diff.map((e) => {
    const where = e.path.length ? e.path.join(' ') : '(whole configuration)';
    switch (e.kind) {
      case 'added':
        return `+ ${where}${typeof e.after === 'object' && e.after !== null ? '' : ` = ${show(e.after)}`}`;
      case 'removed':
        return `- ${where}`;
      case 'changed':
        return `~ ${where}: ${show(e.before)} -> ${show(e.after)}`;
    }
  });
}
