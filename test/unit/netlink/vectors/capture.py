#!/usr/bin/env python3
"""Captures real kernel netlink messages as hex, for the codec's golden-vector tests.

Run as root:  python3 test/unit/netlink/vectors/capture.py > test/unit/netlink/vectors/kernel-vectors.ts
It creates a private network namespace (nlcap-<pid>), builds a small known setup in it
with `ip`, records what the kernel sends over NETLINK_ROUTE / NETLINK_GENERIC, and
deletes the namespace again. Python is used only because its socket module already
speaks AF_NETLINK; the project itself never runs this script.
"""
import ctypes, json, os, socket, struct, subprocess, sys

NS = f"nlcap-{os.getpid()}"
CLONE_NEWNET = 0x40000000
SOL_NETLINK = 270
NETLINK_CAP_ACK, NETLINK_EXT_ACK = 10, 11

def ip(*args):
    subprocess.run(["ip", "-n", NS, *args], check=True)

def enter_ns():
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/run/netns/{NS}", os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns")
    os.close(fd)

def nlsock(proto, groups=0):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
    s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
    s.bind((0, groups))
    s.settimeout(2)
    return s

def msg(mtype, flags, seq, payload):
    return struct.pack("=IHHII", 16 + len(payload), mtype, flags, seq, 0) + payload

def split(data):
    out = []
    while len(data) >= 16:
        ln, mtype = struct.unpack_from("=IH", data)
        out.append((mtype, data[:ln]))
        data = data[(ln + 3) & ~3:]
    return out

def talk(s, mtype, flags, payload, seq):
    """Sends one request and returns every message answering it, up to DONE or ERROR."""
    s.send(msg(mtype, flags, seq, payload))
    got = []
    while True:
        for t, m in split(s.recv(65536)):
            got.append(m)
            if t in (2, 3):
                return got

def nla(t, payload):
    return struct.pack("=HH", 4 + len(payload), t) + payload + b"\0" * (-len(payload) % 4)

vectors = {}
subprocess.run(["ip", "netns", "add", NS], check=True)
try:
    ip("link", "set", "lo", "up")
    # This kernel has no dummy driver, so a veth pair (both ends here, both up) stands in.
    ip("link", "add", "dummy0", "address", "02:00:00:00:00:01", "type", "veth", "peer", "name", "peer0", "address", "02:00:00:00:00:02")
    ip("link", "set", "peer0", "up")
    ip("link", "set", "dummy0", "mtu", "1400", "up")
    ip("link", "add", "link", "dummy0", "name", "vmac1", "address", "00:00:5e:00:01:33", "type", "macvlan", "mode", "private")
    ip("addr", "add", "192.0.2.1/24", "brd", "+", "dev", "dummy0", "label", "dummy0:vip")
    ip("addr", "add", "10.9.9.1", "peer", "10.9.9.2/32", "dev", "dummy0")
    ip("-6", "addr", "add", "2001:db8::1/64", "dev", "dummy0", "nodad", "noprefixroute", "preferred_lft", "100", "valid_lft", "200")
    ip("route", "add", "198.51.100.0/24", "via", "192.0.2.254", "dev", "dummy0", "table", "100", "metric", "50", "proto", "static", "mtu", "lock", "1300", "advmss", "1260")
    ip("route", "add", "blackhole", "203.0.113.0/24", "table", "100")
    ip("route", "add", "203.0.113.128/25", "table", "100", "nexthop", "via", "192.0.2.10", "dev", "dummy0", "weight", "2", "nexthop", "via", "192.0.2.11", "dev", "dummy0", "weight", "1")
    ip("-6", "route", "add", "2001:db8:1::/48", "via", "2001:db8::ff", "dev", "dummy0", "onlink", "table", "100", "pref", "high")
    ip("rule", "add", "from", "192.0.2.0/24", "to", "198.51.100.0/24", "fwmark", "0x10/0xff", "table", "100", "priority", "100")
    ip("rule", "add", "iif", "dummy0", "ipproto", "tcp", "dport", "80-90", "uidrange", "1000-2000", "priority", "101", "suppress_prefixlength", "0", "table", "main")
    enter_ns()
    r = nlsock(socket.NETLINK_ROUTE)
    ifi = struct.pack("=BxHiII", 0, 0, 0, 0, 0)
    vectors["linkDump"] = [m.hex() for m in talk(r, 18, 0x301, ifi, 1)]        # RTM_GETLINK, REQUEST|DUMP
    ifa = struct.pack("=BBBBi", 0, 0, 0, 0, 0)
    vectors["addrDump"] = [m.hex() for m in talk(r, 22, 0x301, ifa, 2)]        # RTM_GETADDR
    rtm = struct.pack("=BBBBBBBBI", 0, 0, 0, 0, 0, 0, 0, 0, 0)
    vectors["routeDump"] = [m.hex() for m in talk(r, 26, 0x301, rtm, 3)]       # RTM_GETROUTE
    vectors["ruleDump"] = [m.hex() for m in talk(r, 34, 0x301, rtm, 4)]        # RTM_GETRULE, AF_UNSPEC
    # RTM_NEWADDR 192.0.2.77/32 on dummy0 with NLM_F_ACK: the ACK, then the same request again: EEXIST.
    idx = socket.if_nametoindex("dummy0")
    add = struct.pack("=BBBBi", 2, 32, 0, 0, idx) + nla(2, socket.inet_aton("192.0.2.77")) + nla(1, socket.inet_aton("192.0.2.77"))
    vectors["addAck"] = [m.hex() for m in talk(r, 20, 0x605, add, 5)]           # REQUEST|ACK|EXCL|CREATE
    vectors["addExists"] = [m.hex() for m in talk(r, 20, 0x605, add, 6)]
    missing = struct.pack("=BBBBi", 2, 32, 0, 0, idx) + nla(2, socket.inet_aton("192.0.2.99")) + nla(1, socket.inet_aton("192.0.2.99"))
    vectors["delMissing"] = [m.hex() for m in talk(r, 21, 0x5, missing, 7)]     # RTM_DELADDR: EADDRNOTAVAIL
    # A route whose gateway is not on-link: EINVAL/ENETUNREACH with an extended-ACK text.
    bad = struct.pack("=BBBBBBBBI", 2, 32, 0, 0, 254, 4, 0, 1, 0) + nla(1, socket.inet_aton("198.18.0.1")) + nla(5, socket.inet_aton("203.0.113.200")) + nla(4, struct.pack("=I", idx))
    vectors["routeExtack"] = [m.hex() for m in talk(r, 24, 0x605, bad, 8)]
    # Notifications seen by a monitor subscribed to RTMGRP_LINK | IPV4_IFADDR | IPV6_IFADDR.
    mon = nlsock(socket.NETLINK_ROUTE, 0x1 | 0x10 | 0x100)
    subprocess.run(["ip", "addr", "add", "192.0.2.88/24", "dev", "dummy0"], check=True)
    subprocess.run(["ip", "addr", "del", "192.0.2.88/24", "dev", "dummy0"], check=True)
    subprocess.run(["ip", "link", "set", "vmac1", "up"], check=True)
    subprocess.run(["ip", "link", "set", "vmac1", "down"], check=True)
    events = []
    mon.settimeout(0.5)
    try:
        while True:  # everything the three changes caused, until the socket goes quiet
            events += [m.hex() for _, m in split(mon.recv(65536))]
    except socket.timeout:
        pass
    vectors["monitorEvents"] = events
    g = nlsock(16)  # NETLINK_GENERIC
    # CTRL_CMD_GETFAMILY (3), version 1, CTRL_ATTR_FAMILY_NAME (2) = "nlctrl"
    vectors["genlNlctrl"] = [m.hex() for m in talk(g, 16, 0x5, struct.pack("=BBH", 3, 1, 0) + nla(2, b"nlctrl\0"), 9)]
    vectors["genlMissing"] = [m.hex() for m in talk(g, 16, 0x5, struct.pack("=BBH", 3, 1, 0) + nla(2, b"no_such_family\0"), 10)]
finally:
    subprocess.run(["ip", "netns", "del", NS], check=True)

print("// Generated by test/unit/netlink/vectors/capture.py from a real kernel (%s); do not edit." % os.uname().release)
print("// Each entry is the list of messages the kernel sent for one request, as hex.")
print("export const kernelVectors = " + json.dumps(vectors, indent=2) + " as const;")
