/**
 * The second half of every `-d` round trip in the config tests: the printed
 * text is read back with the real lexer, exactly as `keepalived -f` would read
 * a file written from `-d` (test inputs themselves may use simpleLines).
 */
import { compileText } from '../../../src/config/index.js';

export function recompilePrinted(text: string) {
  return compileText(text, 't.conf', { configId: 'roundtrip' });
}
