/**
 * An interface name as the kernel accepts one (net/core/dev.c dev_valid_name):
 * 1..15 bytes (IFNAMSIZ - 1), not "." or "..", no '/', ':' or whitespace.
 * A longer or odd name can never match an interface, so it is a config error
 * rather than a "no such interface" found at run time.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import type { ValueType } from '../../config/schema/types.js';
import { oneWord } from '../../config/schema/values.js';

/** IFNAMSIZ - 1. */
export const MAX_INTERFACE_NAME = 15;

export function checkInterfaceName(text: string): string | undefined {
  if (text === '') return 'empty interface name';
  if (Buffer.byteLength(text) > MAX_INTERFACE_NAME) return `interface name '${text}' is longer than ${MAX_INTERFACE_NAME} characters`;
  if (text === '.' || text === '..' || /[/:\s]/.test(text)) return `invalid interface name '${text}'`;
  return undefined;
}

export const interfaceName: ValueType<string> = {
  syntax: 'INTERFACE',
  parse(words, at) {
    const w = oneWord(words, at);
    const problem = checkInterfaceName(w.text);
    if (problem) throw new ConfigValueError(problem, w.loc);
    return w.text;
  },
  format: (v) => [v],
};
