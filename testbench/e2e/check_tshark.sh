#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Replays a scenario with the flowsim CLI and has tshark (an independent dissector) verify
# every IPv4, TCP, UDP and ICMP checksum in every egress pcap. Fails on any bad checksum,
# any malformed packet, or an egress pcap with no packets.
# usage: check_tshark.sh <flowsim> <scenario> <workdir>
set -euo pipefail
flowsim=$1 scenario=$2 work=$3
rm -rf "$work"
"$flowsim" replay "$scenario" --out "$work" --quiet
checks=(-o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE)
bad='ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0 || icmp.checksum.status == 0 || icmpv6.checksum.status == 0 || _ws.malformed'
status=0
for pcap in "$work"/*.pcap; do
  [ "$(basename "$pcap")" = cpu.pcap ] && continue
  # tshark's stderr only says that it runs as root; its exit status reports real errors.
  total=$(tshark -r "$pcap" "${checks[@]}" 2>/dev/null | wc -l)
  if [ "$total" -eq 0 ]; then
    echo "$pcap: no packets" >&2
    status=1
    continue
  fi
  failures=$(tshark -r "$pcap" "${checks[@]}" -Y "$bad" 2>/dev/null)
  if [ -n "$failures" ]; then
    echo "$pcap: tshark reports bad checksums or malformed packets:" >&2
    echo "$failures" >&2
    status=1
  else
    echo "$pcap: $total packets, all checksums good"
  fi
done
exit $status
