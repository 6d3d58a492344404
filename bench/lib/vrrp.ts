/**
 * keepalived.conf text for the VRRP benchmarks, and the RFC timers the
 * measurements are compared with.
 *
 * The same file is given to keepalived and to keepalived-ts, so the
 * configuration cannot favour either.
 *
 * Timers (microseconds, computed as keepalived 2.2.7 computes them, which is
 * the RFC arithmetic in integer microseconds):
 * - VRRPv2, RFC 3768 §6.1: Skew_Time = (256 - Priority) / 256 seconds,
 *   whatever the advertisement interval.
 * - VRRPv3, RFC 5798 §6.1: Skew_Time = ((256 - Priority) × Master_Adver_Interval) / 256,
 *   the interval in centiseconds.
 * - Master_Down_Interval = 3 × Advertisement_Interval + Skew_Time (both versions).
 * The priority is the backup's own: the timer that fires is the backup's.
 */

export type VrrpVersion = 2 | 3;

export interface InstanceSpec {
  readonly name: string;
  readonly iface: string;
  readonly vrid: number;
  readonly priority: number;
  /** Seconds; VRRPv3 allows hundredths. */
  readonly advertInt: number;
  readonly vips: readonly string[];
  /** A notify_master script (a path), run by both daemons on becoming MASTER. */
  readonly notifyMaster?: string;
}

export interface RouterSpec {
  readonly routerId: string;
  readonly version: VrrpVersion;
  readonly instances: readonly InstanceSpec[];
}

export function keepalivedConf(router: RouterSpec): string {
  const out = [
    '# written by bench/lib/vrrp.ts',
    'global_defs {',
    `    router_id ${router.routerId}`,
    `    vrrp_version ${router.version}`,
    '}',
    '',
  ];
  for (const i of router.instances) {
    out.push(
      `vrrp_instance ${i.name} {`,
      '    state BACKUP',
      `    interface ${i.iface}`,
      `    virtual_router_id ${i.vrid}`,
      `    priority ${i.priority}`,
      `    advert_int ${i.advertInt}`,
      '    virtual_ipaddress {',
      ...i.vips.map((v) => `        ${v}`),
      '    }',
      ...(i.notifyMaster !== undefined ? [`    notify_master "${i.notifyMaster}"`] : []),
      '}',
    );
  }
  return out.join('\n') + '\n';
}

/** Skew_Time in microseconds (see the module comment). */
export function skewTimeUs(version: VrrpVersion, advertInt: number, priority: number): number {
  const p = 256 - priority;
  if (version === 2) return Math.floor((p * 1_000_000) / 256);
  const centis = Math.round(advertInt * 100);
  return Math.floor((p * centis * 625) / 16);
}

/** Master_Down_Interval in microseconds. */
export function masterDownIntervalUs(version: VrrpVersion, advertInt: number, priority: number): number {
  return 3 * Math.round(advertInt * 1_000_000) + skewTimeUs(version, advertInt, priority);
}
