#!/bin/sh
# Captures the real dump files of Debian's keepalived 2.2.7 for the renderers' fixtures
# (test/unit/vrrp-dump/fixtures/). Builds one throwaway network namespace holding a veth pair
# (va <-> vb), runs keepalived inside it (-s, so the namespace name appears in the dumps) with a
# rich config (two instances in a sync group, vrrp_scripts, track_interface, track_file,
# vrrp_track_process, IPv4 and IPv6 VIPs, unicast, PASS auth, notify scripts, virtual routes
# and rules), and collects, with TMPDIR pointing at a private directory:
#   phase "backup": shortly after start, while both instances are still BACKUP;
#   phase "master": once both are MASTER;
# each phase: SIGUSR1 (keepalived.*.data and keepalived_parent.*.data), SIGUSR2
# (keepalived.stats) and the JSON signal (keepalived.json); then STATS_CLEAR and one more
# SIGUSR2. Also saved: the config, keepalived's log, `ip link`/`ip addr` of the namespace, the
# pid of the tracked process and the time zone. Everything it creates (namespace, processes,
# files) is removed on exit, even on failure; processes are stopped by pid.
# Mode "routes" instead runs two instances carrying many virtual_routes/virtual_rules forms and
# keeps only routes.keepalived.data (the route and rule text of keepalived's dump).
# The unit tests' snapshot (test/unit/vrrp-dump/captured-run.ts) carries the times, fds and
# names of the committed capture: after a new main capture, update those values from the new
# files (the test names the first line that differs).
# Needs root. Usage: sh scripts/capture-vrrp-dumps.sh [OUTDIR] [main|routes]
set -eu
out=${1:-test/unit/vrrp-dump/fixtures}
mode=${2:-main}
mkdir -p "$out"
out=$(cd "$out" && pwd)
ns="kadump$$"
dir=$(mktemp -d /tmp/kadump.XXXXXX)
kpid=""; spid=""
cleanup() {
  if [ -n "$kpid" ] && kill -0 "$kpid" 2>/dev/null; then
    kill -TERM "$kpid" 2>/dev/null || true
    i=0; while kill -0 "$kpid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    kill -KILL "$kpid" 2>/dev/null || true
  fi
  [ -n "$spid" ] && kill "$spid" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add va type veth peer name vb
ip -n "$ns" link set va address 02:00:00:00:aa:01
ip -n "$ns" link set vb address 02:00:00:00:bb:01
ip -n "$ns" addr add 10.77.0.1/24 dev va
ip -n "$ns" addr add 10.77.1.1/24 dev vb
ip -n "$ns" addr add fd77:1::1/64 dev vb nodad
ip -n "$ns" link set va up
ip -n "$ns" link set vb up
sleep 2   # link-local addresses become usable

mkdir "$dir/tmp"
# The tracked process: a sleep of ours (vrrp_track_process counts processes named "sleep").
sleep 600 & spid=$!

if [ "$mode" = routes ]; then
cat > "$dir/keepalived.conf" <<CONF
vrrp_instance VI_R {
  state BACKUP
  interface va
  virtual_router_id 71
  priority 100
  advert_int 1
  virtual_ipaddress {
    10.77.0.200/24
  }
  virtual_routes {
    default via 10.77.0.254 dev va
    10.90.0.0/16 dev va table 100 metric 50 src 10.77.0.1
    10.91.0.0/16 via 10.77.0.254 dev va no_track
    blackhole 10.92.0.0/16
    10.93.0.0/16 via 10.77.0.254 dev va mtu lock 1400 advmss 1300 rtt 200ms rttvar 1s rto_min 250ms initcwnd 10 initrwnd 20 realms 1/2 onlink scope link protocol 99 no_track tos 16 window 1000 ssthresh lock 5 cwnd 7 reordering 3 hoplimit 60 quickack 1 features ecn congctl lock cubic fastopen_no_cookie 1
    10.94.0.0/16 nexthop via 10.77.0.253 dev va weight 2 nexthop via 10.77.0.252 dev va weight 3 onlink
    10.95.0.0/16 dev va append
    10.96.0.0/16 dev va add table main
    10.97.0.0/16 dev va encap ip id 5 dst 10.77.0.9 ttl 9 tos 3
    10.98.0.0/16 dev va encap mpls 100/200 via 10.77.0.254
    unreachable 10.99.0.0/16 rtt 2s
  }
  virtual_rules {
    from 10.77.0.0/24 to 10.88.0.0/16 table 200 priority 100
    not from all fwmark 0x10/0xff lookup main priority 101 no_track
    from 10.77.0.5 iif va oif vb priority 102 goto 110
    to 10.99.0.0/16 priority 103 blackhole
    from 10.77.0.6 priority 104 uidrange 100-200 ipproto 6 sport 1000-2000 dport 80-81 tos 0x10 suppress_prefixlength 8 table 5
    from 10.77.0.7 priority 105 realms 3/4 table 6 suppress_ifgroup 2 tunnel-id 77
    from 10.77.0.8 priority 106 nop
    from 10.77.0.9 priority 107 fwmark 7 prohibit
    from 10.77.0.10 priority 108 unreachable
  }
}
vrrp_instance VI_R6 {
  state BACKUP
  interface vb
  virtual_router_id 72
  priority 100
  advert_int 1
  virtual_ipaddress {
    fd77:1::200/64
  }
  virtual_routes {
    fd99::/64 via fd77:1::fe dev vb
    default via fe80::1 dev vb metric 10 pref high expires 100
    fd98::/64 from fd77:2::/64 dev vb
    fd97::/64 dev vb encap ip6 id 8 dst fd77:1::9 hoplimit 4 tc 2
  }
  virtual_rules {
    from fd77:1::/64 table 300 priority 200
    from all priority 201 lookup 301
    to fd77:3::/64 priority 202 table 302
  }
}
CONF
else
cat > "$dir/keepalived.conf" <<CONF
instance dumpinst
global_defs {
  router_id dumptest
  script_user root
  enable_script_security
  data_use_instance
  vrrp_notify_fifo $dir/vrrp.fifo
  vrrp_garp_master_refresh 60
  vrrp_garp_interval 0.001
  vrrp_gna_interval 0.002
}
vrrp_script chk_ok {
  script "/bin/true"
  interval 2
  timeout 3
  weight 10
  rise 2
  fall 3
}
vrrp_script chk_bad {
  script "/bin/false"
  interval 1
  weight -5
}
track_file tf1 {
  file $dir/track.val
  weight 5
  init_file 3 overwrite
}
vrrp_track_process tp_sleep {
  process sleep
  weight 20
  quorum 1
  quorum_max 5
  delay 0.5
}
vrrp_sync_group SG1 {
  group {
    VI_1
    VI_6
  }
  track_script {
    chk_ok weight 0
  }
  notify_master "/bin/echo sg master"
  notify_backup /bin/true
  notify "/bin/echo sg"
  sync_group_tracking_weight
}
vrrp_instance VI_1 {
  state BACKUP
  interface va
  virtual_router_id 51
  priority 100
  advert_int 1
  unicast_src_ip 10.77.0.1
  unicast_peer {
    10.77.0.2 min_ttl 250 max_ttl 255
    10.77.0.3
  }
  authentication {
    auth_type PASS
    auth_pass sekrit
  }
  virtual_ipaddress {
    10.77.0.100/24
    10.77.0.101/24 dev vb label vb:1
    10.77.0.102/24 brd +
  }
  virtual_ipaddress_excluded {
    10.77.5.5/32
  }
  virtual_routes {
    10.88.0.0/16 via 10.77.0.254 dev va
  }
  virtual_rules {
    from 10.77.0.100 table 100
  }
  track_interface {
    vb weight -20
  }
  track_script {
    chk_ok
    chk_bad weight -5
  }
  track_file {
    tf1 weight 2
  }
  track_process {
    tp_sleep weight 10
  }
  notify_master "/bin/echo vi1 master"
  notify_backup /bin/true
  notify_fault "/bin/echo vi1 fault"
  notify_stop /bin/true
  notify /bin/true
  notify_master_rx_lower_pri /bin/true
  preempt_delay 2
  garp_master_delay 1
}
vrrp_instance VI_6 {
  state BACKUP
  interface vb
  virtual_router_id 61
  priority 120
  advert_int 0.5
  nopreempt
  virtual_ipaddress {
    fd77:1::100/64
    fd77:1::101
  }
  track_interface {
    va
  }
}
CONF
fi

TMPDIR="$dir/tmp" /usr/sbin/keepalived -n -l -D -s "$ns" -f "$dir/keepalived.conf" \
  -p "$dir/k.pid" -r "$dir/k_vrrp.pid" -c "$dir/k_check.pid" -b "$dir/k_bfd.pid" \
  >"$dir/log" 2>&1 &
kpid=$!

wait_log() { # PATTERN SECONDS
  i=0
  while ! grep -q "$1" "$dir/log"; do
    i=$((i + 1)); [ $i -gt $(($2 * 10)) ] && { echo "timed out waiting for '$1'" >&2; cat "$dir/log" >&2; exit 1; }
    sleep 0.1
  done
}
jsonsig=$(/usr/sbin/keepalived --signum=JSON)
clearsig=$(/usr/sbin/keepalived --signum=STATS_CLEAR)

collect() { # PHASE
  rm -f "$dir/tmp"/*
  kill -USR1 "$kpid"; kill -USR2 "$kpid"; kill -"$jsonsig" "$kpid"
  sleep 0.5
  for f in "$dir/tmp"/*; do cp "$f" "$out/$1.$(basename "$f")"; done
}

if [ "$mode" = routes ]; then
  wait_log "(VI_R6) Entering BACKUP STATE" 10
  sleep 0.5
  rm -f "$dir/tmp"/*
  kill -USR1 "$kpid"; sleep 0.5
  cp "$dir/tmp/keepalived.data" "$out/routes.keepalived.data"
  sed "s|$dir|@DIR@|g" "$dir/keepalived.conf" >"$out/routes.keepalived.conf"
  cp "$dir/log" "$out/routes.keepalived-log.txt"
  echo "captured into $out/routes.keepalived.data"
  exit 0
fi
wait_log "(VI_6) Entering BACKUP STATE" 10
sleep 0.5
collect backup
wait_log "(VI_1) Entering MASTER STATE" 15
wait_log "(VI_6) Entering MASTER STATE" 15
sleep 2
collect master
rm -f "$dir/tmp"/*
kill -"$clearsig" "$kpid"; sleep 0.5
cp "$dir/tmp/keepalived.stats" "$out/master.cleared-before.keepalived.stats"
rm -f "$dir/tmp"/*
kill -USR2 "$kpid"; sleep 0.5
cp "$dir/tmp/keepalived.stats" "$out/master.cleared-after.keepalived.stats"

ip -n "$ns" -d link show >"$out/ip-link.txt"
ip -n "$ns" addr show >"$out/ip-addr.txt"
{
  echo "tmpdir=$dir"
  echo "netns=$ns"
  echo "sleep_pid=$spid"
  echo "keepalived_pid=$kpid"
  echo "TZ=${TZ:-}"
  echo "date=$(date +%s) $(date)"
  echo "umask=$(umask)"
} >"$out/capture-info.txt"
sed "s|$dir|@DIR@|g" "$dir/keepalived.conf" >"$out/keepalived.conf.in"
kill -TERM "$kpid"
i=0; while kill -0 "$kpid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
cp "$dir/log" "$out/keepalived-log.txt"
echo "captured into $out"
ls -l "$out"
