/**
 * `virtual_server_group NAME { … }`: a set of addresses, address ranges and
 * firewall marks that one `virtual_server group NAME` serves together
 * (check_parser.c vsg_handler, check_data.c alloc_vsg_entry).
 *
 * The block holds lines, not keywords:
 *   IP [PORT]                     10.0.0.1 80
 *   IP-LASTOCTET [PORT]           192.168.200.1-10 80   (IPv6: last group, hex)
 *   IP-IP [PORT]                  192.168.200.250-192.168.201.10 80
 *   IP/PREFIX [PORT]              192.168.202.8/29 80   (host bits must be 0)
 *   fwmark N [inet|inet6]
 * Every address form becomes a first..last range; `prefixLen` remembers the
 * CIDR spelling so the printer writes back what was written. A group with no
 * entries, or with IPv4, IPv6 and a fwmark without family, is dropped with an
 * error as keepalived does.
 */
import { ConfigValueError, type SourceLocation } from '../../config/diagnostics.js';
import type { Word } from '../../config/lexer/types.js';
import { guarded } from '../../config/schema/engine.js';
import { defineBlock } from '../../config/schema/define.js';
import type { CompileContext, PrintStmt } from '../../config/schema/types.js';
import type { Stmt } from '../../config/tree.js';
import { canonicalIp } from '../../config/schema/net-values.js';
import { bigIntToIp, ipToBigInt, parseOptionalPort, type Family } from './values.js';

export interface VsgRange {
  kind: 'range';
  family: Family;
  /** First and last address of the range (equal for a single address). */
  first: string;
  last: string;
  /** Set when written as IP/PREFIX. */
  prefixLen?: number;
  /** Absent: no port (only valid for persistent services). */
  port?: number;
}

export interface VsgFwmark {
  kind: 'fwmark';
  fwmark: number;
  /** Needed only when every real server is tunnelled and the group mixes families. */
  family?: Family;
}

export type VsgEntry = VsgRange | VsgFwmark;

export interface VirtualServerGroup {
  name: string;
  entries: VsgEntry[];
}

const LINE_SYNTAX = 'IP[-LAST|/PREFIX] [PORT] | fwmark N [inet|inet6]';

function parseFwmark(words: readonly Word[]): VsgFwmark {
  const [kw, value, fam, extra] = words;
  if (!value) throw new ConfigValueError('missing fwmark value', kw!.loc);
  if (!/^\d+$/.test(value.text) || Number(value.text) > 0xffffffff) {
    throw new ConfigValueError(`fwmark '${value.text}' must be in [0, 4294967295]`, value.loc);
  }
  if (extra) throw new ConfigValueError(`unexpected extra parameter '${extra.text}'`, extra.loc);
  const fwmark = Number(value.text);
  if (!fam) return { kind: 'fwmark', fwmark };
  if (fam.text !== 'inet' && fam.text !== 'inet6') throw new ConfigValueError(`fwmark '${fwmark}' family ${fam.text} unknown (expected inet|inet6)`, fam.loc);
  return { kind: 'fwmark', fwmark, family: fam.text === 'inet' ? 4 : 6 };
}

function parseRange(words: readonly Word[]): VsgRange {
  const [w, portWord, extra] = words as [Word, Word?, Word?];
  if (extra) throw new ConfigValueError(`unexpected extra parameter '${extra.text}'`, extra.loc);
  const port = portWord ? parseOptionalPort(portWord) : undefined;
  const text = w.text;
  const cut = text.search(/[-/]/);
  const start = canonicalIp(cut < 0 ? text : text.slice(0, cut));
  if (!start) throw new ConfigValueError(`Invalid virtual server group IP address ${text}`, w.loc);
  const { family } = start;
  const bits = family === 4 ? 32 : 128;
  const first = ipToBigInt(start.address, family);
  const entry = (last: bigint, prefixLen?: number): VsgRange => ({
    kind: 'range',
    family,
    first: start.address,
    last: bigIntToIp(last, family),
    ...(prefixLen !== undefined ? { prefixLen } : {}),
    ...(port !== undefined ? { port } : {}),
  });
  if (cut < 0) return entry(first);

  const rest = text.slice(cut + 1);
  if (text[cut] === '/') {
    if (!/^\d+$/.test(rest) || Number(rest) < 1 || Number(rest) > bits) throw new ConfigValueError(`Invalid netmask - ${text} (1..${bits})`, w.loc);
    const prefixLen = Number(rest);
    const hostMask = (1n << BigInt(bits - prefixLen)) - 1n;
    if ((first & hostMask) !== 0n) throw new ConfigValueError(`Address mask bits not empty - ${text}`, w.loc);
    return entry(first | hostMask, prefixLen);
  }

  // A range: a whole end address, or only the last octet (IPv4, decimal) / group (IPv6, hex).
  const fullEnd = family === 4 ? rest.includes('.') : rest.includes(':');
  if (fullEnd) {
    const end = canonicalIp(rest);
    if (!end) throw new ConfigValueError(`Invalid range end ${text}`, w.loc);
    if (end.family !== family) throw new ConfigValueError(`Range address families do not match ${text}`, w.loc);
    const last = ipToBigInt(end.address, family);
    if (last < first) throw new ConfigValueError(`Address range end is less than address range start - ${text}`, w.loc);
    return entry(last);
  }
  const digits = family === 4 ? /^\d+$/ : /^[0-9a-fA-F]+$/;
  if (!digits.test(rest)) throw new ConfigValueError(`Virtual server group range '${text}' has extra characters at end`, w.loc);
  const endPart = family === 4 ? Number(rest) : Number.parseInt(rest, 16);
  const partBits = family === 4 ? 8 : 16;
  if (endPart >= 1 << partBits) throw new ConfigValueError(`Virtual server group range '${text}' end '${rest}' too large`, w.loc);
  const partMask = BigInt((1 << partBits) - 1);
  if (BigInt(endPart) <= (first & partMask)) throw new ConfigValueError(`Address range end is not greater than address range start - ${text}`, w.loc);
  return entry((first & ~partMask) | BigInt(endPart));
}

export function parseVsgEntry(words: readonly Word[]): VsgEntry {
  return words[0]!.text === 'fwmark' ? parseFwmark(words) : parseRange(words);
}

export function formatVsgEntry(e: VsgEntry): string[] {
  if (e.kind === 'fwmark') return e.family === undefined ? ['fwmark', String(e.fwmark)] : ['fwmark', String(e.fwmark), e.family === 4 ? 'inet' : 'inet6'];
  let addr: string;
  if (e.prefixLen !== undefined) addr = `${e.first}/${e.prefixLen}`;
  else if (e.first === e.last) addr = e.first;
  else {
    const partBits = e.family === 4 ? 8n : 16n;
    const first = ipToBigInt(e.first, e.family);
    const last = ipToBigInt(e.last, e.family);
    // The short form when only the last octet/group differs, as configs usually write it.
    if (first >> partBits === last >> partBits) {
      const end = last & ((1n << partBits) - 1n);
      addr = `${e.first}-${e.family === 4 ? end.toString(10) : end.toString(16)}`;
    } else addr = `${e.first}-${e.last}`;
  }
  return e.port === undefined ? [addr] : [addr, String(e.port)];
}

/** The group's address family when its addresses agree (fwmark families count too). */
export function groupFamilies(g: VirtualServerGroup): { v4: boolean; v6: boolean; fwmarkWithoutFamily: boolean } {
  let v4 = false;
  let v6 = false;
  let fwmarkWithoutFamily = false;
  for (const e of g.entries) {
    if (e.kind === 'fwmark' && e.family === undefined) fwmarkWithoutFamily = true;
    else if (e.family === 4) v4 = true;
    else v6 = true;
  }
  return { v4, v6, fwmarkWithoutFamily };
}

/** For the reference docs: the block's lines are entries, not keywords. */
export const virtualServerGroupBlock = defineBlock<VirtualServerGroup>({
  name: 'virtual_server_group',
  doc: 'Addresses, address ranges and firewall marks served together by a `virtual_server group NAME`.',
  lineSyntax: LINE_SYNTAX,
  keywords: [],
  create: () => ({ name: '', entries: [] }),
});

/**
 * Applies one `virtual_server_group NAME { … }` statement to `groups`.
 * Returns nothing: problems become diagnostics; an unusable group is dropped.
 */
export function applyVirtualServerGroup(groups: VirtualServerGroup[], stmt: Stmt, ctx: CompileContext): void {
  const name = stmt.args[0];
  if (!name) throw new ConfigValueError('virtual_server_group needs a name', stmt.loc);
  if (stmt.args[1]) throw new ConfigValueError(`unexpected extra parameter '${stmt.args[1].text}'`, stmt.args[1].loc);
  if (!stmt.block) throw new ConfigValueError(`'virtual_server_group' needs a { } block`, stmt.loc);
  if (groups.some((g) => g.name === name.text)) throw new ConfigValueError(`duplicate virtual_server_group '${name.text}'`, stmt.loc);
  const group: VirtualServerGroup = { name: name.text, entries: [] };
  for (const line of stmt.block) {
    guarded(ctx, 'virtual_server_group', line.loc, () => {
      if (line.block) throw new ConfigValueError(`unexpected { } block inside virtual_server_group`, line.loc);
      const entry = parseVsgEntry([line.keyword, ...line.args]);
      ctx.locations.set(entry, line.loc);
      group.entries.push(entry);
    });
  }
  ctx.locations.set(group, stmt.loc);
  if (checkGroup(group, ctx, stmt.loc)) groups.push(group);
}

/** keepalived's end-of-block checks; false when the group must be dropped. */
function checkGroup(g: VirtualServerGroup, ctx: CompileContext, loc: SourceLocation): boolean {
  if (g.entries.length === 0) {
    ctx.diags.warning(`virtual server group ${g.name} has no entries - removing`, loc, 'virtual_server_group');
    return false;
  }
  const f = groupFamilies(g);
  if (f.v4 && f.v6 && f.fwmarkWithoutFamily) {
    ctx.diags.warning(`virtual server group ${g.name} cannot have IPv4, IPv6 and fwmark without family - removing`, loc, 'virtual_server_group');
    return false;
  }
  return true;
}

export function printVirtualServerGroups(groups: readonly VirtualServerGroup[]): PrintStmt[] {
  return groups.map((g) => ({ words: ['virtual_server_group', g.name], block: g.entries.map((e) => ({ words: formatVsgEntry(e) })) }));
}
