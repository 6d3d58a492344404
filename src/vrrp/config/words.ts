/**
 * Small parsing helpers shared by the VRRP-side line grammars (addresses,
 * routes, rules, tracker lists, unicast peers).
 *
 * Those lines are not keyword/value pairs but little command languages in
 * the style of `ip address add` / `ip route add`: options in any order, some
 * taking a value. A `WordCursor` walks such a line, and a missing value is
 * reported at the option that needed it. Numbers are read the way keepalived's
 * helpers read them (strtoul base 10 for most, base 0 — decimal, 0x hex or
 * leading-0 octal — where keepalived uses strtoul(…, 0)).
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import type { Word } from '../../config/lexer/types.js';
import { checkInterfaceName, MAX_INTERFACE_NAME } from './interface-name.js';

/** Walks the words of one line left to right. */
export class WordCursor {
  private i = 0;
  constructor(readonly words: readonly Word[]) {}

  get done(): boolean {
    return this.i >= this.words.length;
  }
  /** The next word without consuming it. */
  peek(): Word | undefined {
    return this.words[this.i];
  }
  /** Consumes the next word; `at` is the option that needs it (for "missing …" errors). */
  next(at: Word, what: string): Word {
    const w = this.words[this.i];
    if (!w) throw new ConfigValueError(`missing ${what} after '${at.text}'`, at.loc);
    this.i++;
    return w;
  }
  /** Consumes and returns the next word when it is one of `choices`. */
  take(...choices: string[]): Word | undefined {
    const w = this.words[this.i];
    if (w && choices.includes(w.text)) {
      this.i++;
      return w;
    }
    return undefined;
  }
  /** Puts the last consumed word back. */
  back(): void {
    if (this.i > 0) this.i--;
  }
}

const DEC = /^\d+$/;
const HEX = /^0[xX][0-9a-fA-F]+$/;
const OCT = /^0[0-7]+$/;

/** strtoul(…, 0): decimal, 0x hex or leading-0 octal; undefined when not a number. */
export function parseCNumber(text: string): number | undefined {
  if (HEX.test(text)) return Number.parseInt(text.slice(2), 16);
  if (OCT.test(text)) return Number.parseInt(text.slice(1), 8);
  if (DEC.test(text)) return Number(text);
  return undefined;
}

/** An unsigned integer in [min, max], decimal only unless `base0`. */
export function readUnsigned(w: Word, min: number, max: number, opts: { base0?: boolean; what?: string } = {}): number {
  const text = w.text;
  if (text.startsWith('-')) throw new ConfigValueError(`negative number '${text}'${opts.what ? ` for ${opts.what}` : ''}`, w.loc);
  const v = opts.base0 ? parseCNumber(text) : DEC.test(text) ? Number(text) : undefined;
  if (v === undefined || !Number.isSafeInteger(v)) throw new ConfigValueError(`invalid number '${text}'${opts.what ? ` for ${opts.what}` : ''}`, w.loc);
  if (v < min || v > max) throw new ConfigValueError(`number '${text}' outside range [${min}, ${max}]${opts.what ? ` for ${opts.what}` : ''}`, w.loc);
  return v;
}

/** A signed decimal integer in [min, max]. */
export function readInt(w: Word, min: number, max: number): number {
  if (!/^[+-]?\d+$/.test(w.text)) throw new ConfigValueError(`invalid number '${w.text}'`, w.loc);
  const v = Number(w.text);
  if (v < min || v > max) throw new ConfigValueError(`number '${w.text}' outside range [${min}, ${max}]`, w.loc);
  return v;
}

/** An unsigned 64-bit decimal number, kept as a decimal string (JSON has no u64). */
export function readU64(w: Word, what: string): string {
  if (!/^\d+$/.test(w.text)) throw new ConfigValueError(`invalid ${what} '${w.text}'`, w.loc);
  const v = BigInt(w.text);
  if (v > 0xffff_ffff_ffff_ffffn) throw new ConfigValueError(`${what} '${w.text}' outside unsigned 64 bit range`, w.loc);
  return v.toString();
}

/** Linux IFNAMSIZ is 16 including the NUL: names are at most 15 bytes. */
export const IFNAME_MAX = MAX_INTERFACE_NAME;

/**
 * An interface name (`interface`, `dev`, `iif`, VMAC names, …) as the kernel
 * accepts one (interface-name.ts): keepalived itself only checks the length,
 * but a name the kernel refuses can never match an interface.
 */
export function readIfName(w: Word): string {
  const problem = checkInterfaceName(w.text);
  if (problem) throw new ConfigValueError(problem, w.loc);
  return w.text;
}

/** Rejects words after the last one a line or keyword accepts. */
export function noMoreWords(c: WordCursor, what: string): void {
  const w = c.peek();
  if (w) throw new ConfigValueError(`unexpected '${w.text}' in ${what}`, w.loc);
}
