/**
 * The few logging calls the supervisor and the script runner make, as an
 * interface so they can be tested with a recording logger and connected to
 * the project's logging core (src/core/log.ts: syslog, console, -D) by the
 * entry point. Messages follow keepalived's wording where one exists, so
 * operators' grep habits keep working.
 */
export interface LogPort {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Writes `prefix: message` lines to stderr; for the foreground and tests. */
export function stderrLog(prefix: string): LogPort {
  const write = (message: string): void => {
    process.stderr.write(`${prefix}${message}\n`);
  };
  return { info: write, warn: write, error: write };
}

/** Keeps every line, for tests that assert on what was logged. */
export class RecordingLog implements LogPort {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(message);
  }
  warn(message: string): void {
    this.lines.push(message);
  }
  error(message: string): void {
    this.lines.push(message);
  }
}
