/**
 * Config diagnostics: every problem found while compiling keepalived.conf is
 * collected here (never thrown one at a time), so one `-t` run reports all of
 * them, each with file:line:col and the keyword it concerns.
 *
 * Severities follow keepalived's own classes (lib/parser.h config_err_t), because
 * `-t` maps them to the same exit codes keepalived uses:
 *   fatal   - keepalived cannot run this config (missing file, bad interface)
 *   error   - a config error; keepalived would still run after dropping the item
 *   warning - keepalived only warns (unknown keyword, deprecated alias)
 *   security- scripts configured without enable_script_security
 *   notice  - ours, not keepalived's: e.g. "recognised, not supported yet";
 *             never changes an exit code
 */

export type Severity = 'fatal' | 'error' | 'warning' | 'security' | 'notice';

/** A place in a config file. `col` is 1-based; 0 means "the whole line". */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface Diagnostic {
  readonly severity: Severity;
  readonly message: string;
  /** The keyword the problem concerns, when there is one ("priority"). */
  readonly keyword?: string;
  readonly loc?: SourceLocation;
}

/** Thrown by value parsers; the compiler catches it and records a Diagnostic. */
export class ConfigValueError extends Error {
  readonly code = 'ECONFIGVALUE';
  constructor(message: string, readonly loc?: SourceLocation) {
    super(message);
    this.name = 'ConfigValueError';
  }
}

export class Diagnostics {
  readonly items: Diagnostic[] = [];

  add(severity: Severity, message: string, loc?: SourceLocation, keyword?: string): void {
    this.items.push(keyword === undefined ? { severity, message, loc } : { severity, message, loc, keyword });
  }
  fatal(message: string, loc?: SourceLocation, keyword?: string): void { this.add('fatal', message, loc, keyword); }
  error(message: string, loc?: SourceLocation, keyword?: string): void { this.add('error', message, loc, keyword); }
  warning(message: string, loc?: SourceLocation, keyword?: string): void { this.add('warning', message, loc, keyword); }
  security(message: string, loc?: SourceLocation, keyword?: string): void { this.add('security', message, loc, keyword); }
  notice(message: string, loc?: SourceLocation, keyword?: string): void { this.add('notice', message, loc, keyword); }

  count(severity: Severity): number {
    return this.items.filter((d) => d.severity === severity).length;
  }
  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'fatal' || d.severity === 'error');
  }
}

/** `file:line:col: severity: keyword: message`, the compiler-style line `-t` prints. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.loc ? `${d.loc.file}:${d.loc.line}${d.loc.col > 0 ? `:${d.loc.col}` : ''}: ` : '';
  const kw = d.keyword ? `${d.keyword}: ` : '';
  return `${where}${d.severity}: ${kw}${d.message}`;
}

/**
 * keepalived's `-t` exit codes, as the 2.2.7 code has them (lib/scheduler.h
 * KEEPALIVED_CHK_EXIT_*, core/main.c config_test_exit). The man page lists
 * 3/4/5; the code adds 1 "to maintain backward compatibility" and that is what
 * operators' scripts observe (checked against Debian's 2.2.7), so we follow it.
 */
export const ConfigTestExit = {
  ok: 0,
  cannotRun: 4,
  errors: 5,
  scriptSecurity: 6,
} as const;

/**
 * keepalived keeps the class with the highest number in lib/parser.h's
 * config_err_t (vreport_config_error: `config_err < err`), although the
 * header calls the order "decreasing severity": the security class beats
 * everything, any error or warning beats the "cannot run" classes. So a
 * missing interface, which comes with a "WARNING - interface … doesn't
 * exist" line, exits 5, not 4 (checked with Debian's 2.2.7); 4 is for a
 * fatal problem reported alone.
 */
export function configTestExitCode(diags: Diagnostics): number {
  if (diags.count('security') > 0) return ConfigTestExit.scriptSecurity;
  if (diags.count('error') > 0 || diags.count('warning') > 0) return ConfigTestExit.errors;
  if (diags.count('fatal') > 0) return ConfigTestExit.cannotRun;
  return ConfigTestExit.ok;
}
