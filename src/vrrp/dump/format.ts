/**
 * The printing primitives of keepalived's dump files, so the section renderers read like the
 * text they produce: C's `%g` and `%f`, `ctime` in the local time zone (with keepalived's
 * microsecond variants), its way of quoting a command (`cmd_str`), of writing an address
 * (`ipaddresstos`, `format_ipaddress`), and the tracker lines shared by instances, sync groups
 * and tracked objects.
 *
 * Local time follows the process's TZ, as keepalived's localtime_r does; tests pin TZ.
 * Everything here is pure.
 */
import type { AddressLine } from '../config/address-line.js';
import type { RtId } from '../config/rt-names.js';
import type { TrackRef } from '../config/index.js';
import type { AddressDump, ResolvedScript, TrackingEntry } from './snapshot.js';

const US_PER_S = 1_000_000;

/** C's `%g` (precision 6 unless given): shortest of %e/%f, trailing zeros removed. */
export function cG(value: number, precision = 6): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const p = precision === 0 ? 1 : precision;
  const [mant, e] = value.toExponential(p - 1).split('e') as [string, string];
  const exp = Number(e);
  if (exp < -4 || exp >= p) {
    const m = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const fixed = value.toFixed(Math.max(0, p - 1 - exp));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/** C's `%f` (six decimals). */
export function cF(value: number, decimals = 6): string {
  return value.toFixed(decimals);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** asctime(localtime(sec)) without the newline: "Thu Jan  1 00:00:00 1970" (24 characters). */
export function ctime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} `
    + `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`;
}

function splitUs(us: number): { sec: number; usec: string } {
  const sec = Math.floor(us / US_PER_S);
  return { sec, usec: String(us - sec * US_PER_S).padStart(6, '0') };
}

/** A timeval as keepalived prints it: "SECONDS.USECS" (`%ld.%6.6ld`). */
export function timeval(us: number): string {
  const { sec, usec } = splitUs(us);
  return `${sec}.${usec}`;
}

/** keepalived's ctime_us_r: "Sun Nov 22 02:25:29.759161 2026". */
export function ctimeUs(us: number): string {
  const { sec, usec } = splitUs(us);
  const c = ctime(sec);
  return `${c.slice(0, 19)}.${usec} ${c.slice(20)}`;
}

/** `%.19s.%6.6ld` of ctime: "Sun Nov 22 02:25:30.849519" (no year). */
export function ctimeUsNoYear(us: number): string {
  const { sec, usec } = splitUs(us);
  return `${ctime(sec).slice(0, 19)}.${usec}`;
}

/** `%.24s.%6.6ld` of ctime: "Sun Nov 22 02:25:29 2026.761561". */
export function ctimeThenUs(us: number): string {
  const { sec, usec } = splitUs(us);
  return `${ctime(sec)}.${usec}`;
}

/**
 * keepalived's cmd_str: every word in single quotes, except a first word starting with
 * `<` or `>` (the "file exists" test form), joined with spaces.
 */
export function cmdStr(argv: readonly string[]): string {
  return argv.map((a, i) => (i === 0 && (a.startsWith('<') || a.startsWith('>')) ? a : `'${a}'`)).join(' ');
}

export function scriptLine(s: ResolvedScript): string {
  return `${cmdStr(s.argv)}, uid:gid ${s.uid}:${s.gid}`;
}

/** ipaddresstos: the address, with /LEN unless it is a host prefix. */
export function addressText(address: string, prefixLen: number, family: 4 | 6): string {
  return prefixLen === (family === 4 ? 32 : 128) ? address : `${address}/${prefixLen}`;
}

const SCOPE_NAMES: Readonly<Record<number, string>> = { 0: 'global', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere' };

/** get_rttables_scope: a built-in name, a name kept as written, or the number. */
export function scopeName(scope: RtId | undefined): string {
  if (scope === undefined) return 'global';
  if (typeof scope === 'string') return scope;
  return SCOPE_NAMES[scope] ?? String(scope);
}

/** format_ipaddress: one VIP/eVIP/static address line (without the leading indent). */
export function formatAddress(a: AddressDump): string {
  const c: AddressLine = a.config;
  const words = [addressText(c.address, c.prefixLen, c.family)];
  if (c.family === 4 && c.broadcast !== undefined && c.broadcast !== '0.0.0.0') words.push(`brd ${c.broadcast}`);
  let dev = `dev ${a.ifname ?? '(null)'}`;
  if (a.ifname === undefined) dev += '@NOWHERE';
  else if (a.baseIfname !== undefined && a.baseIfname !== a.ifname) dev += `@${a.baseIfname}`;
  words.push(dev);
  if (c.useVmac) words.push('use_vmac');
  words.push(`scope ${scopeName(c.scope)}`);
  if (c.label !== undefined) words.push(`label ${c.label}`);
  if (c.peer !== undefined) words.push(`peer ${c.peer}/${c.prefixLen}`);
  if (c.home) words.push('home');
  if (c.dad) words.push('-nodad');
  if (c.mngtmpaddr) words.push('mngtmpaddr');
  if (c.noprefixroute) words.push('noprefixroute');
  if (c.autojoin) words.push('autojoin');
  if (c.noTrack) words.push('no_track');
  if (c.trackGroup !== undefined) words.push(`track_group ${c.trackGroup}`);
  if (c.family === 6) {
    const lft = c.preferredLft ?? 'forever';
    words.push(lft === 0 ? 'deprecated' : lft === 'forever' ? 'preferred_lft forever' : `preferred_lft ${lft}`);
  }
  if (a.set) words.push('set');
  if (a.nftablesSet) words.push('nftable_set');
  return words.join(' ');
}

const reverse = (r: boolean | undefined) => (r ? ' reverse' : '');

/** An instance's or sync group's track_interface / track_script line: "NAME weight W[ reverse]". */
export function trackRefLine(t: TrackRef): string {
  return `     ${t.name} weight ${t.weight ?? 0}${reverse(t.reverse)}`;
}

/** track_file / track_process lines have a comma: "NAME, weight W[ reverse]". */
export function trackRefCommaLine(t: TrackRef): string {
  return `     ${t.name}, weight ${t.weight ?? 0}${reverse(t.reverse)}`;
}

/** track_bfd lines have a colon: "NAME: weight W[ reverse]". */
export function trackRefColonLine(t: TrackRef): string {
  return `     ${t.name}: weight ${t.weight ?? 0}${reverse(t.reverse)}`;
}

/** dump_tracking_vrrp: an instance tracking an object. */
export function trackingLine(t: TrackingEntry): string {
  return `     ${t.instance}, weight ${t.weight}${reverse(t.reverse)}${t.dynamic ? ' (dynamic)' : ''}`;
}

/** dump_tracking_obj_list: the header only when something tracks the object. */
export function trackingList(entries: readonly TrackingEntry[]): string[] {
  return entries.length === 0 ? [] : ['   Tracking instances :', ...entries.map(trackingLine)];
}

export const yesNo = (b: boolean) => (b ? 'yes' : 'no');
export const trueFalse = (b: boolean) => (b ? 'true' : 'false');
export const enabledDisabled = (b: boolean) => (b ? 'enabled' : 'disabled');
