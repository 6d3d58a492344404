#!/bin/sh
# Captures real VRRP adverts from Debian's keepalived 2.2.7 for the codec's golden vectors
# (test/unit/vrrp/vectors.ts). Builds two throwaway network namespaces joined by a veth,
# runs keepalived in one with several instances (VRRPv2 PASS, VRRPv2 AH multicast and unicast,
# VRRPv3 IPv4 multicast and unicast, VRRPv3 IPv6), captures on the other side with tcpdump,
# stops keepalived with SIGTERM (to catch its priority-0 adverts) and prints every packet as
# hex (IPv4: from the IP header; IPv6: from the IPv6 header). Everything it creates is removed
# on exit, even on failure. Needs root. Usage: sh scripts/capture-vrrp-vectors.sh [seconds]
set -eu
secs=${1:-5}
tag="kv$$"
nsa="${tag}a"; nsb="${tag}b"
dir=$(mktemp -d)
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

ip netns add "$nsa"; ip netns add "$nsb"
ip link add "${tag}x" netns "$nsa" type veth peer name "${tag}y" netns "$nsb"
ip -n "$nsa" link set lo up; ip -n "$nsb" link set lo up
ip -n "$nsa" link set "${tag}x" address 02:00:00:00:00:0a
ip -n "$nsb" link set "${tag}y" address 02:00:00:00:00:0b
ip -n "$nsa" addr add 10.77.0.1/24 dev "${tag}x"
ip -n "$nsb" addr add 10.77.0.2/24 dev "${tag}y"
ip -n "$nsa" addr add fd77::1/64 dev "${tag}x" nodad
ip -n "$nsb" addr add fd77::2/64 dev "${tag}y" nodad
ip -n "$nsa" link set "${tag}x" up; ip -n "$nsb" link set "${tag}y" up
sleep 2   # link-local addresses become usable

cat > "$dir/k.conf" <<CONF
global_defs {
  router_id capture
  vrrp_garp_master_delay 0
  vrrp_garp_master_repeat 1
}
vrrp_instance PASS2 {
  interface ${tag}x
  state MASTER
  virtual_router_id 11
  priority 150
  advert_int 1
  authentication { auth_type PASS
                   auth_pass secret12345 }
  virtual_ipaddress {
    10.77.0.11/24
    10.77.0.111/24
  }
}
vrrp_instance AH2 {
  interface ${tag}x
  state MASTER
  virtual_router_id 12
  priority 150
  advert_int 1
  authentication { auth_type AH
                   auth_pass ahsecret }
  virtual_ipaddress { 10.77.0.12/24 }
}
vrrp_instance AH2U {
  interface ${tag}x
  state MASTER
  virtual_router_id 15
  priority 150
  advert_int 1
  unicast_src_ip 10.77.0.1
  unicast_peer { 10.77.0.2 }
  authentication { auth_type AH
                   auth_pass uniAH }
  virtual_ipaddress { 10.77.0.15/24 }
}
vrrp_instance V3V4 {
  interface ${tag}x
  version 3
  state MASTER
  virtual_router_id 13
  priority 160
  advert_int 1
  virtual_ipaddress { 10.77.0.13/24 }
}
vrrp_instance V3V4U {
  interface ${tag}x
  version 3
  state MASTER
  virtual_router_id 16
  priority 100
  advert_int 0.5
  unicast_src_ip 10.77.0.1
  unicast_peer { 10.77.0.2 }
  virtual_ipaddress {
    10.77.0.16/24
    10.77.0.116/24
  }
}
vrrp_instance V3V6 {
  interface ${tag}x
  version 3
  state MASTER
  virtual_router_id 14
  priority 200
  advert_int 1
  virtual_ipaddress {
    fe80::14/64
    fd77::14/64
  }
}
CONF

ip netns exec "$nsb" tcpdump -i "${tag}y" -w "$dir/cap.pcap" -U 'ip proto 112 or ip proto 51 or ip6 proto 112' 2>/dev/null &
tpid=$!
sleep 1
ip netns exec "$nsa" keepalived -n -P -l -D -f "$dir/k.conf" -p "$dir/k.pid" -r "$dir/v.pid" > "$dir/k.log" 2>&1 &
kpid=$!
sleep "$secs"
kill -TERM "$kpid"; wait "$kpid" 2>/dev/null || true; kpid=""
sleep 0.5
kill "$tpid"; wait "$tpid" 2>/dev/null || true; tpid=""
echo "# keepalived log"; sed 's/^/# /' "$dir/k.log"
echo "# frame-time proto src dst hex(ip packet)"
tshark -r "$dir/cap.pcap" -T fields -E separator=' ' -e frame.time_relative -e ip.proto -e ipv6.nxt -e ip.src -e ipv6.src -e ip.dst -e ipv6.dst -e eth.type 2>/dev/null > "$dir/meta.txt"
# Hex of each frame minus the 14-byte Ethernet header.
tshark -r "$dir/cap.pcap" -T fields -e frame.number 2>/dev/null > "$dir/num.txt"
while read -r n; do
  hex=$(tshark -r "$dir/cap.pcap" -Y "frame.number==$n" -x 2>/dev/null | sed -n 's/^[0-9a-f]\{4\}  \(\([0-9a-f][0-9a-f] \)*\).*/\1/p' | tr -d ' \n')
  meta=$(sed -n "${n}p" "$dir/meta.txt")
  echo "$meta ${hex#????????????????????????????}"
done < "$dir/num.txt"
