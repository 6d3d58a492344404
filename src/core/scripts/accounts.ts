/**
 * User and group names → numeric ids, and who a script runs as.
 *
 * Node has no getpwnam(). We read /etc/passwd and /etc/group first (the
 * "files" source every nsswitch.conf starts with) and fall back to
 * `getent`, which asks the C library and so also sees LDAP/sssd accounts.
 * Lookups happen when a config is loaded, never while scripts run, so the
 * synchronous `getent` call is acceptable. Names only: like keepalived
 * (getpwnam_r), "1000" is a user named 1000, not uid 1000.
 *
 * Who a script runs as (lib/notify.c notify_script_init and
 * get_default_script_user, keepalived 2.2.7):
 *   1. `user NAME [GROUP]` given on the script itself (notify lines take
 *      them as the words after the command; vrrp_script has a `user`
 *      keyword): that user, the user's primary group unless GROUP is given.
 *      An unknown name makes that one script unusable.
 *   2. otherwise global_defs `script_user NAME [GROUP]`; if that name is
 *      unknown, every script relying on the default is unusable.
 *   3. otherwise the account `keepalived_script` if it exists;
 *   4. otherwise, with enable_script_security, nothing: keepalived refuses
 *      to fall back to root silently ("Unable to set default user
 *      keepalived_script for script"); without it, our own uid/gid (root).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Account {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

export interface AccountLookup {
  user(name: string): Account | undefined;
  /** The gid of a group name. */
  group(name: string): number | undefined;
}

function parseDb(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(':'));
}

function readDb(path: string): string[][] {
  try {
    return parseDb(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
}

function getent(db: 'passwd' | 'group', name: string): string[] | undefined {
  const r = spawnSync('getent', [db, name], { encoding: 'utf8', timeout: 5000 });
  if (r.status !== 0 || typeof r.stdout !== 'string') return undefined;
  return parseDb(r.stdout)[0];
}

function toId(field: string | undefined): number | undefined {
  if (field === undefined || !/^\d+$/.test(field)) return undefined;
  return Number(field);
}

/** The system's accounts: /etc files first, then getent (NSS). */
export const systemAccounts: AccountLookup = {
  user(name) {
    const row = readDb('/etc/passwd').find((f) => f[0] === name) ?? getent('passwd', name);
    const uid = toId(row?.[2]);
    const gid = toId(row?.[3]);
    return row && uid !== undefined && gid !== undefined ? { name, uid, gid } : undefined;
  },
  group(name) {
    const row = readDb('/etc/group').find((f) => f[0] === name) ?? getent('group', name);
    return toId(row?.[2]);
  },
};

/** A user (and optional group) as written in the config. */
export interface UserSpec {
  readonly user: string;
  readonly group?: string;
}

export interface Credentials {
  readonly uid: number;
  readonly gid: number;
}

export type CredentialsResult =
  | { readonly ok: true; readonly uid: number; readonly gid: number; readonly source: CredentialSource }
  | { readonly ok: false; readonly message: string };

export type CredentialSource = 'script' | 'script_user' | 'keepalived_script' | 'self';

function resolveUserSpec(spec: UserSpec, accounts: AccountLookup): { ok: true; uid: number; gid: number } | { ok: false; message: string } {
  const account = accounts.user(spec.user);
  if (!account) return { ok: false, message: `script user '${spec.user}' does not exist` };
  if (spec.group === undefined) return { ok: true, uid: account.uid, gid: account.gid };
  const gid = accounts.group(spec.group);
  if (gid === undefined) return { ok: false, message: `script group '${spec.group}' does not exist` };
  return { ok: true, uid: account.uid, gid };
}

export interface ScriptUserPolicy {
  /** global_defs enable_script_security. */
  readonly scriptSecurity: boolean;
  /** global_defs script_user, when given. */
  readonly scriptUser?: UserSpec;
  /** The daemon's own effective ids (keepalived's our_uid/our_gid). */
  readonly self: Credentials;
  readonly accounts: AccountLookup;
}

/**
 * The default script user of one loaded config, worked out once (keepalived
 * caches it the same way and resets it on reload).
 */
export class ScriptUsers {
  private defaultResult: CredentialsResult | undefined;

  constructor(readonly policy: ScriptUserPolicy) {}

  /** Steps 2–4 of the rules above. */
  defaultUser(): CredentialsResult {
    this.defaultResult ??= this.computeDefault();
    return this.defaultResult;
  }

  /** Credentials for one script: its own `user` if given, else the default. */
  forScript(own: UserSpec | undefined): CredentialsResult {
    if (!own) return this.defaultUser();
    const r = resolveUserSpec(own, this.policy.accounts);
    return r.ok ? { ...r, source: 'script' } : { ok: false, message: `invalid user/group for script: ${r.message}` };
  }

  private computeDefault(): CredentialsResult {
    const { scriptUser, accounts, scriptSecurity, self } = this.policy;
    if (scriptUser) {
      const r = resolveUserSpec(scriptUser, accounts);
      return r.ok
        ? { ...r, source: 'script_user' }
        : { ok: false, message: `global script_user cannot be used: ${r.message}` };
    }
    const ka = accounts.user('keepalived_script');
    if (ka) return { ok: true, uid: ka.uid, gid: ka.gid, source: 'keepalived_script' };
    if (scriptSecurity) {
      return {
        ok: false,
        message:
          "unable to set default user keepalived_script for script: enable_script_security is on, no script_user is set " +
          "and the keepalived_script account does not exist (create it, or set script_user or a per-script user)",
      };
    }
    return { ok: true, uid: self.uid, gid: self.gid, source: 'self' };
  }
}
