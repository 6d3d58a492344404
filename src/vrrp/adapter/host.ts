/**
 * The running system as the planner sees it (PlanEnvironment), in two flavours:
 *
 *  - `systemPlanEnvironment()`: asks the system directly — /sys/class/net for interfaces
 *    (remounted by `ip netns exec`, so right inside a namespace), getifaddrs(3) through
 *    os.networkInterfaces() for addresses, `ip -j -d link show` for a VRF's table (netlink's
 *    link decoder does not read IFLA_VRF_TABLE), /etc/passwd, /etc/group and getent(1) for
 *    accounts, the files themselves for iproute2's names. For `-t`, `--diff` and tools.
 *  - `interfaceTableFacts(table)`: the vrrp child's live netlink interface table, which it
 *    keeps anyway, for the interface questions (no syscall per question).
 *
 * The source-address rule is keepalived's (vrrp.c set_vrrp_src_addr, the interface's
 * sin_addr / sin6_addr): the first primary (non-secondary) IPv4 address, or the IPv6
 * link-local address, skipping one whose duplicate address detection is not finished.
 *
 * Names for routing identifiers (IprouteNames) are resolved against the same system's
 * iproute2 files: tables (rt_tables), scopes (rt_scopes), protocols (rt_protos), DS fields (rt_dsfield),
 * realms (rt_realms), interface groups (group), and IP protocol names (/etc/protocols).
 *
 * The compiler keeps names as written (src/vrrp/config/rt-names.ts) because the files belong
 * to the host; this is where they become numbers, once, when the plan is made — as
 * keepalived reads them while it loads its configuration (lib/rttables.c).
 *
 * Where the files are (keepalived 2.3+, following iproute2 6.5+ which moved its defaults out
 * of /etc): a file in the etc directory (iproute_etc_dir, /etc/iproute2) wins over the one in
 * the usr directory (iproute_usr_dir, /usr/share/iproute2). Then every `*.conf` in
 * `NAME.d/` is read — those of the usr directory unless the etc directory has a file of the
 * same name, then those of the etc directory — in name order (readdir order in keepalived;
 * sorted here so the result does not depend on the filesystem). A line is `NUMBER NAME`
 * after `#` comments are cut; other lines are skipped, as are numbers beyond the kind's range.
 * The first entry with a name wins. keepalived's built-in names fill in ids no file names:
 * tables default/main/local, scopes global/site/link/host/nowhere, and its protocol list.
 * A number is always accepted as itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { IFA_F, RT_SCOPE, type InterfaceTable } from '../../net/netlink/index.js';
import { systemAccounts } from '../../core/scripts/accounts.js';
import { BUILTIN_RT_NAMES, RT_ID_MAX, RT_NAME_FILES, type RtId, type RtIdKind } from '../config/rt-names.js';
import type { InterfaceFacts, NameFileReader, PlanEnvironment } from './types.js';

const IP_CANDIDATES = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'];

function isLinkLocal6(address: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(address);
}

/** The table of VRF device `name`, from `ip -j -d link show dev NAME`; undefined if it is not a VRF. */
export function vrfTableFromIp(name: string): number | undefined {
  const ip = IP_CANDIDATES.find((p) => existsSync(p));
  if (!ip || !/^[^\s/]{1,15}$/.test(name)) return undefined;
  const r = spawnSync(ip, ['-j', '-d', 'link', 'show', 'dev', name], { encoding: 'utf8', timeout: 5000 });
  if (r.status !== 0 || typeof r.stdout !== 'string') return undefined;
  try {
    const links = JSON.parse(r.stdout) as { linkinfo?: { info_kind?: string; info_data?: { table?: number } } }[];
    const info = links[0]?.linkinfo;
    return info?.info_kind === 'vrf' && typeof info.info_data?.table === 'number' ? info.info_data.table : undefined;
  } catch {
    return undefined;
  }
}

/** Interfaces through sysfs and getifaddrs(3). */
export function systemInterfaceFacts(): InterfaceFacts {
  return {
    exists: (name) => /^[^\s/]{1,15}$/.test(name) && name !== '.' && name !== '..' && existsSync(`/sys/class/net/${name}`),
    primaryAddress(name, family) {
      const addresses = networkInterfaces()[name] ?? [];
      if (family === 4) return addresses.find((a) => a.family === 'IPv4')?.address;
      return addresses.find((a) => a.family === 'IPv6' && isLinkLocal6(a.address))?.address;
    },
    vrfTable: vrfTableFromIp,
  };
}

/** Interfaces from the live netlink interface table (VRF tables still from `ip`). */
export function interfaceTableFacts(table: Pick<InterfaceTable, 'indexOf' | 'addresses'>, vrfTable: (name: string) => number | undefined = vrfTableFromIp): InterfaceFacts {
  return {
    exists: (name) => table.indexOf(name) !== undefined,
    primaryAddress(name, family) {
      const index = table.indexOf(name);
      if (index === undefined) return undefined;
      const candidates = table.addresses({ index, family });
      if (family === 4) return candidates.find((a) => (a.flags & IFA_F.SECONDARY) === 0)?.address;
      const unusable = IFA_F.TENTATIVE | IFA_F.DADFAILED;
      return candidates.find((a) => a.scope === RT_SCOPE.link && (a.flags & unusable) === 0)?.address;
    },
    vrfTable,
  };
}

/** The real files. */
export const systemFiles: NameFileReader = {
  readFile(path) {
    try {
      return statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  },
  listDirectory(path) {
    try {
      return readdirSync(path);
    } catch {
      return undefined;
    }
  },
};

export interface SystemPlanOptions {
  /** Whether the checker process runs alongside (see PlanEnvironment.checkerRunning). */
  readonly checkerRunning: boolean;
  /** Interface facts to use instead of the system's (the vrrp child passes its table's). */
  readonly interfaces?: InterfaceFacts;
}

export function systemPlanEnvironment(options: SystemPlanOptions): PlanEnvironment {
  return {
    interfaces: options.interfaces ?? systemInterfaceFacts(),
    accounts: systemAccounts,
    self: { uid: process.geteuid?.() ?? 0, gid: process.getegid?.() ?? 0 },
    files: systemFiles,
    hostname: hostname(),
    checkerRunning: options.checkerRunning,
  };
}

// --- iproute2 names ----------------------------------------------------------------------------

export const DEFAULT_IPROUTE_ETC_DIR = '/etc/iproute2';
export const DEFAULT_IPROUTE_USR_DIR = '/usr/share/iproute2';
export const PROTOCOLS_FILE = '/etc/protocols';

export interface IprouteDirs {
  readonly etc: string;
  readonly usr?: string;
}

/** strtoul(…, 0) of a whole word: decimal, 0x hex or leading-0 octal. */
function cNumber(text: string): number | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^0[0-7]*$/.test(text)) return Number.parseInt(text, 8);
  if (/^[1-9]\d*$/.test(text)) return Number(text);
  return undefined;
}

/** `NUMBER NAME` lines of one file, in order. */
export function parseNameFile(text: string, max: number): [string, number][] {
  const out: [string, number][] = [];
  for (const raw of text.split('\n')) {
    const fields = raw.replace(/#.*$/, '').split(/[ \t]+/).filter((f) => f !== '');
    if (fields.length !== 2) continue;
    const id = cNumber(fields[0]!);
    if (id === undefined || id > max) continue;
    out.push([fields[1]!, id]);
  }
  return out;
}

export class IprouteNames {
  private readonly cache = new Map<RtIdKind, Map<string, number>>();
  private protocols: Map<string, number> | undefined;

  constructor(private readonly files: NameFileReader, private readonly dirs: IprouteDirs = { etc: DEFAULT_IPROUTE_ETC_DIR, usr: DEFAULT_IPROUTE_USR_DIR }) {}

  /** The number for `id`, or an explanation of why there is none. */
  resolve(kind: RtIdKind, id: RtId): { ok: true; value: number } | { ok: false; message: string } {
    if (typeof id === 'number') {
      return id <= RT_ID_MAX[kind] ? { ok: true, value: id } : { ok: false, message: `${kind} ${id} is outside 0..${RT_ID_MAX[kind]}` };
    }
    const value = this.table(kind).get(id);
    if (value !== undefined) return { ok: true, value };
    const file = RT_NAME_FILES[kind];
    return { ok: false, message: `unknown ${kind} name '${id}' (not in ${this.dirs.etc}/${file}${this.dirs.usr ? ` or ${this.dirs.usr}/${file}` : ''}, their ${file}.d, or keepalived's built-in names)` };
  }

  /** An IP protocol number or /etc/protocols name (rule `ipproto`). */
  resolveIpProtocol(id: number | string): { ok: true; value: number } | { ok: false; message: string } {
    if (typeof id === 'number') return { ok: true, value: id };
    this.protocols ??= this.readProtocols();
    const value = this.protocols.get(id);
    return value === undefined ? { ok: false, message: `unknown IP protocol '${id}' (not in ${PROTOCOLS_FILE})` } : { ok: true, value };
  }

  private table(kind: RtIdKind): Map<string, number> {
    let names = this.cache.get(kind);
    if (names) return names;
    names = new Map();
    const add = (entries: [string, number][]) => {
      for (const [name, id] of entries) if (!names!.has(name)) names!.set(name, id);
    };
    for (const text of this.fileTexts(RT_NAME_FILES[kind])) add(parseNameFile(text, RT_ID_MAX[kind]));
    // keepalived add_default: a built-in name only for an id no file has named.
    const named = new Set(names.values());
    for (const [name, id] of Object.entries(BUILTIN_RT_NAMES[kind] ?? {})) {
      if (!named.has(id) && !names.has(name)) names.set(name, id);
    }
    this.cache.set(kind, names);
    return names;
  }

  /** The texts to read for one kind, in keepalived's order. */
  private fileTexts(file: string): string[] {
    const { etc, usr } = this.dirs;
    const out: string[] = [];
    const main = this.files.readFile(`${etc}/${file}`) ?? (usr !== undefined ? this.files.readFile(`${usr}/${file}`) : undefined);
    if (main !== undefined) out.push(main);
    const confs = (dir: string) => (this.files.listDirectory(`${dir}/${file}.d`) ?? []).filter((n) => !n.startsWith('.') && n.length > 5 && n.endsWith('.conf')).sort();
    const etcConfs = confs(etc);
    if (usr !== undefined) {
      for (const name of confs(usr)) {
        if (etcConfs.includes(name)) continue;
        const text = this.files.readFile(`${usr}/${file}.d/${name}`);
        if (text !== undefined) out.push(text);
      }
    }
    for (const name of etcConfs) {
      const text = this.files.readFile(`${etc}/${file}.d/${name}`);
      if (text !== undefined) out.push(text);
    }
    return out;
  }

  /** /etc/protocols: `name number [aliases…]`. */
  private readProtocols(): Map<string, number> {
    const out = new Map<string, number>();
    const text = this.files.readFile(PROTOCOLS_FILE) ?? '';
    for (const raw of text.split('\n')) {
      const fields = raw.replace(/#.*$/, '').split(/\s+/).filter((f) => f !== '');
      if (fields.length < 2 || !/^\d+$/.test(fields[1]!)) continue;
      const n = Number(fields[1]);
      if (n > 255) continue;
      for (const name of [fields[0]!, ...fields.slice(2)]) if (!out.has(name)) out.set(name, n);
    }
    return out;
  }
}
