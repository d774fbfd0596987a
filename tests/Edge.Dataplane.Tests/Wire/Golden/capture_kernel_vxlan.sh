#!/bin/bash
# Captures real Linux kernel VXLAN traffic into kernel-vxlan.pcap: two network namespaces
# ("boards") joined by a veth "wire", each with a kernel vxlan device (VNI 1, port 4789);
# from the first, ping and an HTTP GET (curl) to a python http.server in the second.
# Needs root, iproute2, ethtool, iputils-ping, tshark, curl. Checksum offload is turned off on every
# device so the capture holds the checksums the kernel would put on a real wire.
set -euo pipefail
cd "$(dirname "$0")"
OUT=kernel-vxlan.pcap
rm -f "$OUT"
A=edge-golden-a; B=edge-golden-b
cleanup() { ip netns del $A 2>/dev/null || true; ip netns del $B 2>/dev/null || true; }
trap cleanup EXIT
cleanup
ip netns add $A; ip netns add $B
ip link add wire-a netns $A type veth peer name wire-b netns $B
ip -n $A addr add 192.168.50.11/24 dev wire-a; ip -n $A link set wire-a up; ip -n $A link set lo up
ip -n $B addr add 192.168.50.12/24 dev wire-b; ip -n $B link set wire-b up; ip -n $B link set lo up
ip -n $A link add vx0 type vxlan id 1 dstport 4789 remote 192.168.50.12 local 192.168.50.11 dev wire-a
ip -n $B link add vx0 type vxlan id 1 dstport 4789 remote 192.168.50.11 local 192.168.50.12 dev wire-b
# No IPv6 on the pod side: keeps router solicitations and MLD reports out of the capture.
ip netns exec $A sysctl -qw net.ipv6.conf.all.disable_ipv6=1; ip netns exec $B sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip -n $A addr add 10.244.1.5/16 dev vx0; ip -n $A link set vx0 up
ip -n $B addr add 10.244.2.7/16 dev vx0; ip -n $B link set vx0 up
for ns in $A $B; do
  for dev in wire-a wire-b vx0; do ip netns exec $ns ethtool -K $dev tx off rx off >/dev/null 2>&1 || true; done
done
ip netns exec $B /usr/bin/python3 -m http.server 80 --bind 10.244.2.7 --directory "$(mktemp -d)" >/dev/null 2>&1 &
SERVER=$!
ip netns exec $A tshark -q -i wire-a -F pcap -w "$OUT" -f "udp port 4789" 2>/dev/null &
DUMP=$!
sleep 2
ip netns exec $A ping -c 2 -i 0.2 10.244.2.7 >/dev/null
ip netns exec $A curl -s -o /dev/null http://10.244.2.7/
sleep 1
kill -INT $DUMP; wait $DUMP 2>/dev/null || true
kill $SERVER 2>/dev/null || true
chmod 644 "$OUT"
echo "wrote $OUT: $(tshark -r "$OUT" 2>/dev/null | wc -l) packets"
