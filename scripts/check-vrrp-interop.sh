#!/bin/sh
# Live check that Debian's keepalived 2.2.7 accepts adverts built by our codec
# (src/vrrp/packet, run from dist/ — build first). Two throwaway namespaces joined by a veth:
# keepalived (priority 100/200) in one, and in the other a raw-socket sender replaying
# our adverts at priority 150/250 once a second: VRRPv2 PASS, VRRPv2 AH multicast, VRRPv2
# AH unicast, VRRPv3 IPv4 and VRRPv3 IPv6. Passes when keepalived stays BACKUP on every
# instance while we advertise, logs no packet error, takes over only after we stop, and
# continues the AH sequence right above ours (our last + 1). Removes everything on exit.
# Needs root and python3. Usage: sh scripts/check-vrrp-interop.sh [adverts]
set -eu
count=${1:-8}
repo=$(cd "$(dirname "$0")/.." && pwd)
tag="kx$$"; nsa="${tag}a"; nsb="${tag}b"; dir=$(mktemp -d)
kpid=""; tpid=""
cleanup() {
  [ -n "$kpid" ] && kill "$kpid" 2>/dev/null || true
  [ -n "$tpid" ] && kill "$tpid" 2>/dev/null || true
  sleep 0.3
  ip netns del "$nsa" 2>/dev/null || true
  ip netns del "$nsb" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

cat > "$dir/gen.mjs" <<EOF
import { AdvertBuilder } from '$repo/dist/src/vrrp/index.js';
const mk = (t) => new AdvertBuilder({ ttl: 255, unicast: false, advertIntervalMs: 1000, auth: { type: 'none' }, ...t });
const ah = mk({ version: 2, family: 'inet', vrid: 12, addresses: ['10.77.0.12'], auth: { type: 'ah', password: 'ahsecret' } });
const pass = mk({ version: 2, family: 'inet', vrid: 11, addresses: ['10.77.0.11'], auth: { type: 'pass', password: 'secret12345' } });
const v3 = mk({ version: 3, family: 'inet', vrid: 13, addresses: ['10.77.0.13'] });
const ahu = mk({ version: 2, family: 'inet', vrid: 15, addresses: ['10.77.0.15'], auth: { type: 'ah', password: 'uniAH' }, unicast: true });
const v6 = mk({ version: 3, family: 'inet6', vrid: 14, addresses: ['fe80::14'] });
const src = '10.77.0.2';
for (let i = 1; i <= $count; i++) {
  const four = [
    ah.build({ priority: 150, source: src, destinations: ['224.0.0.18'], ahSequence: i }),
    pass.build({ priority: 150, source: src, destinations: ['224.0.0.18'] }),
    v3.build({ priority: 150, source: src, destinations: ['224.0.0.18'] }),
    ahu.build({ priority: 150, source: src, destinations: ['10.77.0.1'], ahSequence: i }),
  ].map((d) => d[0].bytes.toString('hex'));
  const six = v6.build({ priority: 250, source: 'fe80::ff:fe00:b', destinations: ['ff02::12'] })[0].bytes.toString('hex');
  console.log([...four, six].join(' '));
}
EOF
cat > "$dir/send.py" <<'EOF'
import socket, sys, time
ifname, path = sys.argv[1], sys.argv[2]
s4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)  # IP_HDRINCL implied
s4.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
s6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 112)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
s6.setsockopt(socket.IPPROTO_IPV6, 7, 6)  # IPV6_CHECKSUM at offset 6, as keepalived
idx = socket.if_nametoindex(ifname)
for line in open(path):
    parts = line.split()
    if not parts: continue
    for h in parts[:4]:
        b = bytes.fromhex(h)
        s4.sendto(b, (socket.inet_ntoa(b[16:20]), 0))
    s6.sendto(bytes.fromhex(parts[4]), ('ff02::12', 0, 0, idx))
    time.sleep(1)
EOF
node "$dir/gen.mjs" > "$dir/pkts.txt"

ip netns add "$nsa"; ip netns add "$nsb"
ip link add "${tag}x" netns "$nsa" type veth peer name "${tag}y" netns "$nsb"
ip -n "$nsa" link set "${tag}x" address 02:00:00:00:00:0a
ip -n "$nsb" link set "${tag}y" address 02:00:00:00:00:0b
ip -n "$nsa" addr add 10.77.0.1/24 dev "${tag}x"
ip -n "$nsb" addr add 10.77.0.2/24 dev "${tag}y"
for n in "$nsa" "$nsb"; do ip -n "$n" link set lo up; done
ip -n "$nsa" link set "${tag}x" up; ip -n "$nsb" link set "${tag}y" up
ip -n "$nsb" route add 224.0.0.0/4 dev "${tag}y"
sleep 2

cat > "$dir/k.conf" <<CONF
global_defs { router_id interop }
vrrp_instance PASS2 { interface ${tag}x
  virtual_router_id 11
  priority 100
  authentication { auth_type PASS
    auth_pass secret12345 }
  virtual_ipaddress { 10.77.0.11/24 } }
vrrp_instance AH2 { interface ${tag}x
  virtual_router_id 12
  priority 100
  authentication { auth_type AH
    auth_pass ahsecret }
  virtual_ipaddress { 10.77.0.12/24 } }
vrrp_instance AH2U { interface ${tag}x
  virtual_router_id 15
  priority 100
  unicast_src_ip 10.77.0.1
  unicast_peer { 10.77.0.2 }
  authentication { auth_type AH
    auth_pass uniAH }
  virtual_ipaddress { 10.77.0.15/24 } }
vrrp_instance V3V4 { interface ${tag}x
  version 3
  virtual_router_id 13
  priority 100
  virtual_ipaddress { 10.77.0.13/24 } }
vrrp_instance V3V6 { interface ${tag}x
  version 3
  virtual_router_id 14
  priority 200
  virtual_ipaddress { fe80::14/64 } }
CONF
ip netns exec "$nsb" tcpdump -i "${tag}y" -w "$dir/cap.pcap" -U 'src host 10.77.0.1 and ip proto 51' 2>/dev/null &
tpid=$!
ip netns exec "$nsa" keepalived -n -P -l -D -f "$dir/k.conf" -p "$dir/k.pid" -r "$dir/v.pid" > "$dir/k.log" 2>&1 &
kpid=$!
ip netns exec "$nsb" python3 "$dir/send.py" "${tag}y" "$dir/pkts.txt"
done_at=$(date +%s)
sleep 6
kill -TERM "$kpid"; wait "$kpid" 2>/dev/null || true; kpid=""
sleep 0.5; kill "$tpid"; wait "$tpid" 2>/dev/null || true; tpid=""

fail=0
[ -n "${VERBOSE:-}" ] && grep -v gratuitous "$dir/k.log"
if grep -iE 'invalid|mismatch|wrong|too (short|long)|expecting|already processed' "$dir/k.log"; then echo "FAIL: keepalived reported packet errors"; fail=1; fi
# keepalived's console log lines start with its local time ("Sun Nov 22 01:29:33 2026: ...").
grep 'Entering MASTER STATE' "$dir/k.log" | while IFS= read -r line; do
  at=$(date -d "$(echo "$line" | cut -d: -f1-3)" +%s)
  [ "$at" -ge "$done_at" ] || { echo "FAIL: keepalived became MASTER while we advertised: $line"; exit 1; }
done || fail=1
masters=$(grep -c 'Entering MASTER STATE' "$dir/k.log" || true)
[ "$masters" -eq 5 ] || { echo "FAIL: expected 5 takeovers after we stopped, saw $masters"; fail=1; }
first=$(tshark -r "$dir/cap.pcap" -T fields -e ah.sequence 2>/dev/null | head -1)
[ "$first" = "$((count + 1))" ] || { echo "FAIL: keepalived's first AH sequence is $first, expected $((count + 1))"; fail=1; }
[ $fail -eq 0 ] && echo "OK: keepalived 2.2.7 accepted $count rounds of our PASS, AH (multicast and unicast), VRRPv3 IPv4 and IPv6 adverts; its AH sequence continued at $first"
exit $fail
