/**
 * keepalived.json (the JSON signal; keepalived vrrp/vrrp_json.c), in both shapes:
 *
 * - json_version 1 (keepalived 2.2.7, the default): an array with one
 *   `{"data": {...}, "stats": {...}}` object per instance, in configuration order.
 * - json_version 2 (keepalived 2.3+): `{"vrrp": [ the same array ], "track_process": [...]}`.
 *
 * Fields, their order and their number formats are keepalived's: integers for counters,
 * flags as 0/1 where keepalived writes them with jsonw_uint and true/false where it uses
 * jsonw_bool, seconds as C `%g` (adver_int 0.5) and last_transition as `%f`. The text is
 * compact, '/' is written as "\/", and the file ends with a newline, as keepalived's
 * json_writer does. Two of its escaping bugs are not copied: a backslash is written "\\"
 * (keepalived writes "\n") and other control characters as \u00XX (keepalived writes them
 * raw, which is not JSON).
 *
 * Additions, which only add keys so that keepalived's consumers (tools/json_tracking,
 * vrrp_recap) keep working; they answer the requests for vrrp_script and track_file state
 * (keepalived PR #2248/#2251, issue #2673):
 * - every instance's data gets `track_process` (names; keepalived 2.4 has it too),
 *   `track_file` and `track_bfd` (names), and `trackers`: one object per tracked thing with
 *   its kind, name, signed weight (negative when reverse), state and, for files, the value;
 * - version 2 gets top-level `vrrp_script` and `track_file` arrays describing each object's
 *   state, next to keepalived's `track_process`.
 *
 * `extensions: false` leaves all of them out (keepalived 2.3+'s top-level track_process stays
 * in version 2): with `showPasswords` too, version 1 is then byte for byte what 2.2.7 writes.
 *
 * auth_data: keepalived 2.2.7 writes the PASS password; 2.4 writes "********". We mask it
 * unless `showPasswords` is set.
 */
import type { TrackRef } from '../config/index.js';
import { KEEPALIVED_STATE_CODES } from '../fsm/types.js';
import { cF, cG, cmdStr, formatAddress } from './format.js';
import type { DumpOptions } from './instance-data.js';
import { scriptGood } from './vrrp-data.js';
import { formatRoute, formatRule } from './route-format.js';
import type { InstanceDump, NotifyKey, VrrpDumpSnapshot } from './snapshot.js';

/** A JSON value whose numbers already carry keepalived's text form. */
type Json = string | boolean | RawNumber | Json[] | { [key: string]: Json | undefined };

class RawNumber {
  constructor(readonly text: string) {}
}
const uint = (n: number | boolean) => new RawNumber(String(typeof n === 'boolean' ? (n ? 1 : 0) : Math.trunc(n)));
const int = uint;
const g = (n: number) => new RawNumber(cG(n));
const f = (n: number) => new RawNumber(cF(n));

const ESCAPES: Readonly<Record<string, string>> = {
  '\t': '\\t', '\n': '\\n', '\r': '\\r', '\f': '\\f', '\b': '\\b', '\\': '\\\\', '"': '\\"', '/': '\\/',
};

function quote(s: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${s.replace(/[\t\n\r\f\b\\"/\u0000-\u001f]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

function write(v: Json): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof RawNumber) return v.text;
  if (Array.isArray(v)) return `[${v.map(write).join(',')}]`;
  return `{${Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => `${quote(k)}:${write(x!)}`).join(',')}}`;
}

const SCRIPT_FIELDS: readonly [NotifyKey, string][] = [
  ['backup', 'script_backup'], ['master', 'script_master'], ['fault', 'script_fault'], ['stop', 'script_stop'],
  ['deleted', 'script_deleted'], ['any', 'script'], ['masterRxLowerPri', 'script_master_rx_lower_pri'],
];

const AUTH_TYPE = { none: 0, PASS: 1, AH: 2 } as const;
const names = (refs: readonly TrackRef[]) => (refs.length > 0 ? refs.map((r) => r.name) : undefined);
const signed = (r: { weight?: number; reverse?: boolean }) => int(r.reverse ? -(r.weight ?? 0) : (r.weight ?? 0));

/** Our `trackers` array: each tracked object with the state it is in now. */
function trackerStates(d: InstanceDump, snap: VrrpDumpSnapshot): Json[] {
  const c = d.config;
  const out: Json[] = [];
  for (const t of c.trackInterfaces) {
    const i = snap.interfaces.find((x) => x.name === t.name);
    out.push({ type: 'interface', name: t.name, weight: signed(t), status: i && i.flags.up && i.flags.running ? 'up' : 'down' });
  }
  for (const t of c.trackScripts) {
    const s = snap.scripts.find((x) => x.config.name === t.name);
    out.push({ type: 'script', name: t.name, weight: signed(t), status: s && scriptGood(s) ? 'up' : 'down' });
  }
  for (const t of c.trackFiles) {
    const file = snap.trackFiles.find((x) => x.config.name === t.name);
    out.push({ type: 'file', name: t.name, weight: signed(t), status: file && file.value === 0 ? 'up' : 'down', value: file ? int(file.value) : undefined });
  }
  for (const t of c.trackProcesses) {
    const p = snap.trackProcesses.find((x) => x.config.name === t.name);
    out.push({ type: 'process', name: t.name, weight: signed(t), status: p?.haveQuorum ? 'up' : 'down', value: p ? uint(p.currentProcesses) : undefined });
  }
  for (const t of c.trackBfds) {
    const b = snap.trackBfds.find((x) => x.name === t.name);
    out.push({ type: 'bfd', name: t.name, weight: signed(t), status: b?.up ? 'up' : 'down' });
  }
  return out;
}

function instanceData(d: InstanceDump, snap: VrrpDumpSnapshot, opts: DumpOptions): Json {
  const c = d.config;
  const rt = d.runtime;
  const data: Record<string, Json | undefined> = {
    iname: c.name,
    dont_track_primary: uint(c.dontTrackPrimary),
    skip_check_adv_addr: uint(c.skipCheckAdvAddr),
    strict_mode: uint(c.strict),
    vmac_ifname: rt.vmac?.ifname ?? '',
    ifp_ifname: rt.ifname,
    master_priority: uint(rt.master?.priority ?? 0),
    last_transition: f(rt.lastTransitionUs / 1e6),
    garp_delay: g(c.garpMasterDelayMs / 1000),
    garp_refresh: uint(c.garpMasterRefreshMs / 1000),
    garp_rep: uint(c.garpMasterRepeat),
    garp_refresh_rep: uint(c.garpMasterRefreshRepeat),
    garp_lower_prio_delay: uint(c.garpLowerPrioDelayMs / 1000),
    garp_lower_prio_rep: uint(c.garpLowerPrioRepeat),
    lower_prio_no_advert: uint(c.lowerPrioNoAdvert),
    higher_prio_send_advert: uint(c.higherPrioSendAdvert),
    vrid: uint(c.virtualRouterId),
    base_priority: uint(c.priority),
    effective_priority: uint(rt.effectivePriority),
    vipset: rt.vipSet,
    promote_secondaries: c.promoteSecondaries,
    adver_int: g(c.advertIntervalMs / 1000),
    master_adver_int: g((rt.master?.advertIntervalMs ?? c.advertIntervalMs) / 1000),
    accept: uint(c.accept),
    nopreempt: c.nopreempt,
    preempt_delay: uint(c.preemptDelayMs / 1000),
    state: uint(KEEPALIVED_STATE_CODES[rt.state]),
    wantstate: uint(KEEPALIVED_STATE_CODES[rt.wantState]),
    version: uint(c.version),
    smtp_alert: c.smtpAlert,
    notify_deleted: c.notifyDeleted,
  };
  for (const [key, field] of SCRIPT_FIELDS) if (rt.notify[key]) data[field] = cmdStr(rt.notify[key]!.argv);
  if (rt.vips.length > 0) data.vips = rt.vips.map(formatAddress);
  if (rt.evips.length > 0) data.evips = rt.evips.map(formatAddress);
  if (c.vroutes.length > 0) data.vroutes = c.vroutes.map(formatRoute);
  if (c.vrules.length > 0) data.vrules = c.vrules.map(formatRule);
  data.track_ifp = names(c.trackInterfaces);
  if (c.trackScripts.length > 0) {
    data.track_script = c.trackScripts.map((t) => {
      const s = snap.scripts.find((x) => x.config.name === t.name);
      return s ? cmdStr(s.command.argv) : t.name;
    });
  }
  const extensions = opts.extensions !== false;
  if (extensions) data.track_process = names(c.trackProcesses);
  data.auth_type = uint(AUTH_TYPE[c.auth?.type ?? 'none']);
  if (c.auth?.type) data.auth_data = opts.showPasswords ? (c.auth.password ?? '') : '********';
  if (!extensions) return data;
  // Ours (see the module notes).
  data.track_file = names(c.trackFiles);
  data.track_bfd = names(c.trackBfds);
  const trackers = trackerStates(d, snap);
  if (trackers.length > 0) data.trackers = trackers;
  return data;
}

function instanceStats(d: InstanceDump): Json {
  const s = d.runtime.stats;
  return {
    advert_rcvd: uint(s.advert_rcvd), advert_sent: uint(s.advert_sent),
    become_master: uint(s.become_master), release_master: uint(s.release_master),
    packet_len_err: uint(s.packet_len_err), advert_interval_err: uint(s.advert_interval_err),
    ip_ttl_err: uint(s.ip_ttl_err), invalid_type_rcvd: uint(s.invalid_type_rcvd), addr_list_err: uint(s.addr_list_err),
    invalid_authtype: uint(s.invalid_authtype), authtype_mismatch: uint(s.authtype_mismatch), auth_failure: uint(s.auth_failure),
    pri_zero_rcvd: uint(s.pri_zero_rcvd), pri_zero_sent: uint(s.pri_zero_sent),
  };
}

function trackProcessObjects(snap: VrrpDumpSnapshot): Json[] {
  return snap.trackProcesses.map((p) => {
    const c = p.config;
    return {
      process: c.name,
      parameters: c.params.length > 0 ? c.params.join(' ') : undefined,
      param_match: c.paramMatch,
      min_processes: uint(c.quorum),
      max_processes: c.quorumMax === undefined ? undefined : uint(c.quorumMax),
      current_processes: uint(p.currentProcesses),
      have_quorum: p.haveQuorum,
      weight: signed(c.weight),
      terminate_delay: g(c.terminateDelayMs / 1000),
      fork_delay: g(c.forkDelayMs / 1000),
      fork_delay_timer_running: p.forkDelayTimerRunning,
      terminate_delay_timer_running: p.terminateDelayTimerRunning,
      full_command: c.fullCommand,
    };
  });
}

function scriptObjects(snap: VrrpDumpSnapshot): Json[] {
  return snap.scripts.map((s) => ({
    name: s.config.name,
    command: cmdStr(s.command.argv),
    interval: g(s.config.intervalMs / 1000),
    timeout: g(s.config.timeoutMs / 1000),
    weight: signed(s.config.weight),
    rise: uint(s.config.rise),
    fall: uint(s.config.fall),
    result: uint(s.result),
    status: scriptGood(s) ? 'GOOD' : 'BAD',
    state: s.runState,
  }));
}

function trackFileObjects(snap: VrrpDumpSnapshot): Json[] {
  return snap.trackFiles.map((t) => ({ name: t.config.name, file: t.path, value: int(t.value), weight: signed(t.config.weight) }));
}

/** keepalived.json; keepalived writes nothing at all when there is no instance (returns undefined). */
export function renderVrrpJson(snapshot: VrrpDumpSnapshot, version: 1 | 2, options: DumpOptions = {}): string | undefined {
  if (snapshot.instances.length === 0) return undefined;
  const instances: Json[] = snapshot.instances.map((d) => ({ data: instanceData(d, snapshot, options), stats: instanceStats(d) }));
  if (version === 1) return `${write(instances)}\n`;
  const top: Record<string, Json | undefined> = { vrrp: instances };
  if (snapshot.trackProcesses.length > 0) top.track_process = trackProcessObjects(snapshot);
  if (options.extensions !== false) {
    if (snapshot.scripts.length > 0) top.vrrp_script = scriptObjects(snapshot);
    if (snapshot.trackFiles.length > 0) top.track_file = trackFileObjects(snapshot);
  }
  return `${write(top)}\n`;
}
