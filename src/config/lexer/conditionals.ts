/**
 * Conditional lines (lib/parser.c read_line, man keepalived.conf "Conditional
 * configuration"): `@ID rest` keeps `rest` only when ID equals the config id
 * (`-i`, by default the host name up to its first dot); `@^ID rest` keeps it
 * only when ID differs. The ID runs up to the first blank; a line with nothing
 * after the ID is dropped either way. The test runs again after substitution,
 * so a definition may expand to an `@ID` prefix.
 */

export type Conditional =
  /** Drop the line. */
  | { readonly keep: false }
  /** Keep the line from `rest` (an offset) on. */
  | { readonly keep: true; readonly rest: number };

/** Evaluates the `@…` prefix of `s` (which starts with '@'). */
export function evaluateConditional(s: string, configId: string): Conditional {
  const negated = s[1] === '^';
  const idAt = negated ? 2 : 1;
  let blank = idAt;
  while (blank < s.length && s[blank] !== ' ' && s[blank] !== '\t') blank++;
  if (blank >= s.length) return { keep: false };
  const matches = s.slice(idAt, blank) === configId;
  if (matches === negated) return { keep: false };
  let rest = blank;
  while (s[rest] === ' ' || s[rest] === '\t') rest++;
  return { keep: true, rest };
}
