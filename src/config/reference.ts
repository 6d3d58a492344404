/**
 * Generates docs/configuration.md from the keyword tables, so the reference
 * can never disagree with what the compiler accepts. A unit test fails when
 * the committed file is stale (`npm run docs` rewrites it).
 */
import { rootBlock } from './root.js';
import type { BlockInfo, KeywordInfo } from './schema/types.js';
import { isSupported } from './support.js';

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function keywordRow(kw: KeywordInfo, blockName: string): string {
  const names = [kw.name, ...kw.aliases.map((a) => (a.deprecated ? `${a.name} (deprecated)` : a.name))].map((n) => `\`${n}\``).join(', ');
  const since = kw.since ? ` (keepalived ${kw.since}+)` : '';
  const status = isSupported(blockName, kw) ? 'supported' : 'recognised';
  return `| ${names} | ${escapeCell(kw.syntax ? `\`${kw.syntax}\`` : '')} | ${escapeCell(kw.default ?? '')} | ${kw.tag} | ${status} | ${escapeCell(kw.doc + since)} |`;
}

interface Section {
  readonly path: string;
  readonly block: BlockInfo;
}

/** Blocks in depth-first order, each once (a block reused in several places is listed at its first path). */
function sections(root: BlockInfo): Section[] {
  const out: Section[] = [];
  const seen = new Set<BlockInfo>();
  const walk = (block: BlockInfo, path: string) => {
    if (seen.has(block)) return;
    seen.add(block);
    out.push({ path, block });
    for (const kw of block.keywords) if (kw.block) walk(kw.block, path ? `${path} › ${kw.name}` : kw.name);
  };
  walk(root, '');
  return out;
}

export function countKeywords(root: BlockInfo = rootBlock): { total: number; supported: number } {
  let total = 0;
  let supported = 0;
  for (const { block } of sections(root)) {
    for (const kw of block.keywords) {
      total++;
      if (isSupported(block.name, kw)) supported++;
    }
  }
  return { total, supported };
}

export function configurationReference(root: BlockInfo = rootBlock): string {
  const { total, supported } = countKeywords(root);
  let out = `# keepalived.conf reference (generated)

Generated from the compiler's keyword tables by \`npm run docs\`; do not edit by hand.
Every keyword of keepalived 2.2.7 (and a few later ones, marked) is accepted and checked.
**supported** means keepalived-ts acts on it; **recognised** means it is parsed and range-checked
but no subsystem acts on it yet — \`keepalived -t\` lists each such use.

${supported} of ${total} keywords are supported.

Tags follow the keyword census: CORE (in most real configs), COMMON, RARE.
`;
  for (const { path, block } of sections(root)) {
    out += `\n## ${path || 'Top level'}\n\n${block.doc}\n`;
    if (block.lineSyntax) out += `\nEach line: \`${block.lineSyntax}\`\n`;
    if (block.keywords.length === 0) continue;
    out += '\n| keyword | syntax | default | tag | status | description |\n|---|---|---|---|---|---|\n';
    out += block.keywords.map((kw) => keywordRow(kw, block.name)).join('\n') + '\n';
  }
  return out;
}
