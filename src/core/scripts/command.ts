/**
 * Script command lines, split into argv exactly as keepalived splits them.
 *
 * keepalived reads a script keyword twice. The config line
 *     notify "/etc/ka/notify.sh 'a b' c\tx" root
 * is first split into words (the config lexer: `notify`, the quoted string,
 * `root`); the script word is then split again into argv by
 * lib/parser.c alloc_strvec_quoted_escaped(), which is what this module
 * re-implements (our own code, same rules):
 *   - words are separated by blanks (space, \t, \f, \n, \r, \v);
 *   - "..." and '...' group blanks into a word and may appear mid-word
 *     (a"b c"d is one word `ab cd`); quotes are removed;
 *   - a backslash escapes in every context, inside single quotes too (unlike
 *     a shell): \a \b \E \f \n \r \t \v, \cX (control-X), \xHH... (all the hex
 *     digits that follow, kept modulo 256), \NNN (one to three octal digits,
 *     modulo 256), and any other character stands for itself (\" \' \\ \ );
 *   - an unterminated quote or a trailing lone backslash is an error;
 *   - escapes produce bytes: the words are built as bytes and decoded as
 *     UTF-8, so `\xc3\xa9` is "é" as it would be on the C side. A NUL byte
 *     ends its word (keepalived copies words with strndup()).
 * Nothing is ever handed to a shell: the runner execs argv directly.
 *
 * The one exception keepalived makes is a first word that starts with `<`
 * followed (after optional blanks) by `/`: `"</etc/ka/flag"` is a test that
 * the file can be opened, not a program (lib/notify.c check_script_secure).
 */

const BLANKS = new Set([0x20, 0x09, 0x0c, 0x0a, 0x0d, 0x0b]);
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const BACKSLASH = 0x5c;

export type CommandSplit =
  | { readonly ok: true; readonly argv: string[] }
  | { readonly ok: false; readonly error: string };

function isHex(b: number | undefined): b is number {
  return b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
}
function hexValue(b: number): number {
  return b <= 0x39 ? b - 0x30 : (b & 0x5f) - 0x41 + 10;
}
function isOctal(b: number | undefined): b is number {
  return b !== undefined && b >= 0x30 && b <= 0x37;
}

const SIMPLE_ESCAPES: Readonly<Record<number, number>> = {
  0x61: 0x07, // \a
  0x62: 0x08, // \b
  0x45: 0x1b, // \E
  0x66: 0x0c, // \f
  0x6e: 0x0a, // \n
  0x72: 0x0d, // \r
  0x74: 0x09, // \t
  0x76: 0x0b, // \v
};

/**
 * Decodes one escape sequence starting just after the backslash at `pos`.
 * Returns the produced byte and the position after the sequence.
 */
function decodeEscape(src: Uint8Array, pos: number): { byte: number; next: number } {
  const c = src[pos]!;
  if (c === 0x78 /* x */ && isHex(src[pos + 1])) {
    let value = 0;
    let p = pos + 1;
    while (isHex(src[p])) value = ((value << 4) | hexValue(src[p++]!)) & 0xff;
    return { byte: value, next: p };
  }
  if (c === 0x63 /* c */ && pos + 1 < src.length) {
    return { byte: src[pos + 1]! & 0x1f, next: pos + 2 };
  }
  if (isOctal(c)) {
    let value = c - 0x30;
    let p = pos + 1;
    for (let i = 0; i < 2 && isOctal(src[p]); i++) value = ((value << 3) + (src[p++]! - 0x30)) & 0xff;
    return { byte: value, next: p };
  }
  return { byte: SIMPLE_ESCAPES[c] ?? c, next: pos + 1 };
}

/** Splits a script command (the text of the script word) into argv. */
export function splitScriptCommand(text: string): CommandSplit {
  const src = Buffer.from(text, 'utf8');
  const argv: string[] = [];
  let pos = 0;

  while (pos < src.length) {
    while (pos < src.length && BLANKS.has(src[pos]!)) pos++;
    if (pos >= src.length) break;

    const word: number[] = [];
    let quote = 0;
    while (pos < src.length) {
      const c = src[pos]!;
      if (c === BACKSLASH) {
        if (pos + 1 >= src.length) {
          return { ok: false, error: `missing escape character after the final '\\' in '${text}'` };
        }
        const { byte, next } = decodeEscape(src, pos + 1);
        word.push(byte);
        pos = next;
      } else if (quote !== 0) {
        if (c === quote) quote = 0;
        else word.push(c);
        pos++;
      } else if (c === DQUOTE || c === SQUOTE) {
        quote = c;
        pos++;
      } else if (BLANKS.has(c)) {
        break;
      } else {
        word.push(c);
        pos++;
      }
    }
    if (quote !== 0) {
      return { ok: false, error: `string '${text}': missing terminating ${String.fromCharCode(quote)}` };
    }
    const nul = word.indexOf(0);
    argv.push(Buffer.from(nul === -1 ? word : word.slice(0, nul)).toString('utf8'));
  }

  if (argv.length === 0) return { ok: false, error: 'empty script command' };
  return { ok: true, argv };
}

/**
 * When argv[0] is keepalived's file-open test (`</path`, blanks allowed
 * between `<` and `/`), the path to open; otherwise undefined.
 */
export function fileTestPath(argv0: string): string | undefined {
  const m = /^<[ \t]*(\/.*)$/s.exec(argv0);
  return m ? m[1] : undefined;
}

/**
 * The command as keepalived prints it in logs (lib/notify.c cmd_str()):
 * every word in single quotes, embedded quotes written '\'' (as upstream
 * HEAD does), except a first word that is a `<`/`>` redirection.
 */
export function formatScriptCommand(argv: readonly string[]): string {
  return argv
    .map((word, i) =>
      i === 0 && (word.startsWith('<') || word.startsWith('>')) ? word : `'${word.replace(/'/g, `'\\''`)}'`,
    )
    .join(' ');
}
