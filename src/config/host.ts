/**
 * The running system as the environment checks see it: interface names from
 * /sys/class/net (which `ip netns exec` remounts for the namespace, so this is
 * right inside one), users and groups through getent(1) so NSS sources such as
 * LDAP count as they do for keepalived's getpwnam().
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import type { HostEnvironment } from './fragment.js';

function getentHas(db: 'passwd' | 'group', name: string): boolean {
  const r = spawnSync('getent', [db, name], { stdio: 'ignore' });
  return r.status === 0;
}

export function systemHost(): HostEnvironment {
  let interfaces: Set<string> | undefined;
  const users = new Map<string, boolean>();
  const groups = new Map<string, boolean>();
  return {
    interfaceExists(name) {
      interfaces ??= new Set(readdirSync('/sys/class/net'));
      return interfaces.has(name);
    },
    userExists(name) {
      if (!users.has(name)) users.set(name, getentHas('passwd', name));
      return users.get(name)!;
    },
    groupExists(name) {
      if (!groups.has(name)) groups.set(name, getentHas('group', name));
      return groups.get(name)!;
    },
  };
}
