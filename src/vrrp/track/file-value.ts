/**
 * Reading a track_file's value, as keepalived does (trackers/track_file.c
 * process_track_file): the first 127 bytes of the file go through C's
 * strtol(buf, NULL, 0), so
 *   - leading white space is skipped, then an optional sign;
 *   - "0x"/"0X" followed by a hex digit reads hexadecimal, a leading "0" reads
 *     octal, anything else decimal; reading stops at the first character that
 *     is not a digit of that base ("12abc" is 12, "0x" alone is 0);
 *   - text with no number at all, and an empty or missing file, read as 0;
 *   - a number outside [-2^31, 2^31] (keepalived's bounds, the upper one
 *     inclusive) is reported and ignored: the previous value stays.
 * Pure: no file access here.
 */

/** keepalived reads at most this many bytes of the file. */
export const TRACK_FILE_READ_BYTES = 127;

const INT32_MIN = -(2n ** 31n);
/** keepalived allows INT32_MAX + 1. */
const INT32_MAX_PLUS_ONE = 2n ** 31n;
const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

export type FileValue =
  | { readonly ok: true; readonly value: number }
  /** `shown` is what keepalived's log line prints (strtol clamps to LONG_MIN/LONG_MAX). */
  | { readonly ok: false; readonly shown: string };

const SPACE = new Set([' ', '\t', '\n', '\v', '\f', '\r']);

function digitValue(c: string): number {
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 122) return code - 87;
  if (code >= 65 && code <= 90) return code - 55;
  return 99;
}

/** strtol(text, NULL, 0) as a BigInt (no clamping). */
export function strtol0(text: string): bigint {
  let i = 0;
  while (i < text.length && SPACE.has(text[i]!)) i++;
  let negative = false;
  if (text[i] === '+' || text[i] === '-') {
    negative = text[i] === '-';
    i++;
  }
  let base = 10;
  if (text[i] === '0') {
    const x = text[i + 1];
    if ((x === 'x' || x === 'X') && i + 2 < text.length && digitValue(text[i + 2]!) < 16) {
      base = 16;
      i += 2;
    } else {
      base = 8;
    }
  }
  let n = 0n;
  const b = BigInt(base);
  for (; i < text.length; i++) {
    const d = digitValue(text[i]!);
    if (d >= base) break;
    n = n * b + BigInt(d);
  }
  return negative ? -n : n;
}

/** The value a track file's contents stand for. */
export function parseTrackFileValue(contents: string): FileValue {
  const n = strtol0(contents.slice(0, TRACK_FILE_READ_BYTES));
  if (n < INT32_MIN || n > INT32_MAX_PLUS_ONE) {
    const shown = n > LONG_MAX ? LONG_MAX : n < LONG_MIN ? LONG_MIN : n;
    return { ok: false, shown: shown.toString() };
  }
  return { ok: true, value: Number(n) };
}

/** What `init_file VALUE` writes: keepalived's fprintf("%d\n"). */
export function formatTrackFileValue(value: number): string {
  return `${Math.trunc(value)}\n`;
}
