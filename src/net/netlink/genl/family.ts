/**
 * Generic netlink: the genlmsghdr body and the controller family ("nlctrl") that
 * turns a family name into the message type to use with it.
 *
 * Generic netlink multiplexes many kernel subsystems (IPVS, ethtool, devlink, ...)
 * over NETLINK_GENERIC. Each registers a family with a name and gets a dynamic id at
 * boot; that id is the nlmsg_type of every message for the family. So before talking
 * IPVS ("IPVS") the daemon asks the controller, whose id is fixed (GENL_ID_CTRL = 16):
 * CTRL_CMD_GETFAMILY with CTRL_ATTR_FAMILY_NAME answers with the id, the family's
 * version, its header size, its highest attribute and its multicast groups (name ->
 * group id, for NETLINK_ADD_MEMBERSHIP). A family that is not registered (no module
 * loaded) answers ENOENT.
 *
 * Every genl message body is genlmsghdr { u8 cmd; u8 version; u16 reserved } followed
 * by the family's own fixed header (hdrsize bytes, usually 0) and attributes.
 */

import { defineSchema, type AttrSchema, type AttrValues } from '../attributes.js';
import { NlmF } from '../constants.js';
import { NetlinkDecodeError } from '../errors.js';
import { defineBody, type NetlinkMessage, type NetlinkRequest } from '../message.js';
import { defineStruct } from '../struct.js';

export const GENL_ID_CTRL = 16;

export const CTRL_CMD = {
  NEWFAMILY: 1, DELFAMILY: 2, GETFAMILY: 3, NEWOPS: 4, DELOPS: 5, GETOPS: 6,
  NEWMCAST_GRP: 7, DELMCAST_GRP: 8, GETMCAST_GRP: 9, GETPOLICY: 10,
} as const;

export const CTRL_ATTR = {
  FAMILY_ID: 1, FAMILY_NAME: 2, VERSION: 3, HDRSIZE: 4, MAXATTR: 5, OPS: 6, MCAST_GROUPS: 7,
  POLICY: 8, OP_POLICY: 9, OP: 10,
} as const;

/** The version of the controller protocol we speak (as iproute2's genl tool). */
const CTRL_VERSION = 1;

export const genlmsghdr = defineStruct('genlmsghdr', [['cmd', 'u8'], ['version', 'u8'], ['reserved', 'pad2']]);

/** A genl body codec for a family whose messages carry `schema` attributes (hdrsize 0). */
export function defineGenlBody<N extends AttrSchema>(schema: N) {
  return defineBody(genlmsghdr, schema);
}

const opSchema = defineSchema('op', {
  id: { type: 1, kind: 'u32' },
  flags: { type: 2, kind: 'u32' },
});

const mcastGroupSchema = defineSchema('mcast_group', {
  name: { type: 1, kind: 'string' },
  id: { type: 2, kind: 'u32' },
});

export const ctrlSchema = defineSchema('ctrl', {
  familyId: { type: CTRL_ATTR.FAMILY_ID, kind: 'u16' },
  familyName: { type: CTRL_ATTR.FAMILY_NAME, kind: 'string', maxLength: 15 },
  version: { type: CTRL_ATTR.VERSION, kind: 'u32' },
  hdrsize: { type: CTRL_ATTR.HDRSIZE, kind: 'u32' },
  maxattr: { type: CTRL_ATTR.MAXATTR, kind: 'u32' },
  ops: { type: CTRL_ATTR.OPS, kind: 'list', element: { kind: 'nested', schema: opSchema } },
  mcastGroups: { type: CTRL_ATTR.MCAST_GROUPS, kind: 'list', element: { kind: 'nested', schema: mcastGroupSchema } },
});

export const ctrlBody = defineGenlBody(ctrlSchema);
export type CtrlAttrs = AttrValues<typeof ctrlSchema>;

/** What the controller says about a family. */
export interface GenlFamily {
  readonly name: string;
  /** The nlmsg_type to use for this family's messages. */
  readonly id: number;
  readonly version: number;
  /** Bytes of family header after genlmsghdr. */
  readonly headerSize: number;
  readonly maxAttribute: number;
  /** Multicast group name -> group id (for NETLINK_ADD_MEMBERSHIP). */
  readonly multicastGroups: ReadonlyMap<string, number>;
  /** Command numbers the family implements. */
  readonly commands: readonly number[];
}

export function familyRequest(name: string): NetlinkRequest {
  return {
    type: GENL_ID_CTRL, flags: 0, typeName: 'CTRL_CMD_GETFAMILY', description: `family '${name}'`,
    payload: ctrlBody.encode({ cmd: CTRL_CMD.GETFAMILY, version: CTRL_VERSION }, { familyName: name }),
  };
}

export function familyDumpRequest(): NetlinkRequest {
  return {
    type: GENL_ID_CTRL, flags: NlmF.DUMP, dump: true, typeName: 'CTRL_CMD_GETFAMILY', description: 'dump',
    payload: ctrlBody.encode({ cmd: CTRL_CMD.GETFAMILY, version: CTRL_VERSION }, {}),
  };
}

/** A CTRL_CMD_NEWFAMILY message (the answer to GETFAMILY) -> GenlFamily. */
export function decodeFamily(msg: NetlinkMessage): GenlFamily {
  if (msg.type !== GENL_ID_CTRL) throw new NetlinkDecodeError('ctrl', `expected nlmsg_type ${GENL_ID_CTRL} (nlctrl), got ${msg.type}`);
  const { header, attrs } = ctrlBody.decode(msg.payload);
  if (header.cmd !== CTRL_CMD.NEWFAMILY) throw new NetlinkDecodeError('ctrl', `expected CTRL_CMD_NEWFAMILY, got command ${header.cmd}`);
  const a = attrs.values;
  if (a.familyId === undefined || a.familyName === undefined) {
    throw new NetlinkDecodeError('ctrl', 'family answer without CTRL_ATTR_FAMILY_ID or CTRL_ATTR_FAMILY_NAME');
  }
  const groups = new Map<string, number>();
  for (const g of a.mcastGroups ?? []) {
    if (g.name !== undefined && g.id !== undefined) groups.set(g.name, g.id);
  }
  return {
    name: a.familyName,
    id: a.familyId,
    version: a.version ?? 0,
    headerSize: a.hdrsize ?? 0,
    maxAttribute: a.maxattr ?? 0,
    multicastGroups: groups,
    commands: (a.ops ?? []).flatMap((op) => (op.id === undefined ? [] : [op.id])),
  };
}
