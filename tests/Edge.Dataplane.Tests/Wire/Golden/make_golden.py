#!/usr/bin/python3
"""Writes golden-frames.txt: frames built by scapy (Debian's python3-scapy), one per line.

Run with Debian's interpreter, which has scapy:  /usr/bin/python3 make_golden.py
Each line is "name hex". The tests parse these bytes with Edge's wire layer and compare the
fields with what scapy was told; they never regenerate them, so the bytes are scapy's, not ours.
"""
import scapy
from scapy.all import ARP, DNS, DNSQR, ICMP, IP, IPerror, IPOption_RR, TCP, UDP, UDPerror, Ether, Raw
from scapy.layers.vxlan import VXLAN

POD_A_MAC = "02:42:0a:f4:01:05"
GATEWAY_MAC = "02:42:0a:f4:01:01"
POD_B_MAC = "02:42:0a:f4:02:07"
BOARD_1_MAC = "24:0a:c4:00:00:11"
BOARD_2_MAC = "24:0a:c4:00:00:12"
POD_A, GATEWAY, POD_B = "10.244.1.5", "10.244.1.1", "10.244.2.7"
BOARD_1, BOARD_2 = "192.168.50.11", "192.168.50.12"
HTTP_GET = b"GET / HTTP/1.1\r\nHost: web\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n"
SYN_OPTIONS = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (2018915346, 0)), ("NOP", None), ("WScale", 7)]

pod_a = Ether(src=POD_A_MAC, dst=GATEWAY_MAC)
frames = {
    "arp-request": Ether(src=POD_A_MAC, dst="ff:ff:ff:ff:ff:ff")
        / ARP(op=1, hwsrc=POD_A_MAC, psrc=POD_A, hwdst="00:00:00:00:00:00", pdst=GATEWAY),
    "arp-reply": Ether(src=GATEWAY_MAC, dst=POD_A_MAC)
        / ARP(op=2, hwsrc=GATEWAY_MAC, psrc=GATEWAY, hwdst=POD_A_MAC, pdst=POD_A),
    "icmp-echo-request": pod_a / IP(src=POD_A, dst=POD_B, id=0x1234, flags="DF", ttl=64)
        / ICMP(type=8, id=0x4242, seq=1) / Raw(b"edge-ping-0123456789abcdef"),
    "icmp-echo-reply": Ether(src=GATEWAY_MAC, dst=POD_A_MAC) / IP(src=POD_B, dst=POD_A, id=0x5678, ttl=63)
        / ICMP(type=0, id=0x4242, seq=1) / Raw(b"edge-ping-0123456789abcdef"),
    "icmp-port-unreachable": Ether(src=GATEWAY_MAC, dst=POD_A_MAC) / IP(src=POD_B, dst=POD_A, id=7, ttl=64)
        / ICMP(type=3, code=3) / IPerror(src=POD_A, dst=POD_B, id=99, ttl=64) / UDPerror(sport=40000, dport=9999),
    "icmp-fragmentation-needed": Ether(src=GATEWAY_MAC, dst=POD_A_MAC) / IP(src=GATEWAY, dst=POD_A, ttl=64)
        / ICMP(type=3, code=4, nexthopmtu=1450) / IPerror(src=POD_A, dst=POD_B, flags="DF") / Raw(b"\x00" * 8),
    "ipv4-options-udp": pod_a / IP(src=POD_A, dst=POD_B, ttl=32, options=[IPOption_RR(routers=["0.0.0.0"] * 2)])
        / UDP(sport=5353, dport=7) / Raw(b"echo me"),
    "udp-dns-query": pod_a / IP(src=POD_A, dst="10.96.0.10", id=0x0101, ttl=64)
        / UDP(sport=53000, dport=53) / DNS(id=0xbeef, rd=1, qd=DNSQR(qname="web.default.svc.cluster.local", qtype="A")),
    "udp-zero-checksum": pod_a / IP(src=POD_A, dst=POD_B, ttl=64) / UDP(sport=9000, dport=9001, chksum=0) / Raw(b"no checksum here"),
    "tcp-syn": pod_a / IP(src=POD_A, dst=POD_B, id=0x2222, flags="DF", ttl=64)
        / TCP(sport=43512, dport=80, flags="S", seq=1000000, window=64240, options=SYN_OPTIONS),
    "tcp-syn-ack": Ether(src=GATEWAY_MAC, dst=POD_A_MAC) / IP(src=POD_B, dst=POD_A, flags="DF", ttl=63)
        / TCP(sport=80, dport=43512, flags="SA", seq=7000000, ack=1000001, window=65160,
              options=[("MSS", 1410), ("SAckOK", b""), ("Timestamp", (91, 2018915346)), ("NOP", None), ("WScale", 6)]),
    "tcp-http-get": pod_a / IP(src=POD_A, dst=POD_B, flags="DF", ttl=64)
        / TCP(sport=43512, dport=80, flags="PA", seq=1000001, ack=7000001, window=502,
              options=[("NOP", None), ("NOP", None), ("Timestamp", (2018915400, 91))]) / Raw(HTTP_GET),
    "tcp-sack": Ether(src=GATEWAY_MAC, dst=POD_A_MAC) / IP(src=POD_B, dst=POD_A, flags="DF", ttl=63)
        / TCP(sport=80, dport=43512, flags="A", seq=7000001, ack=1000001, window=509,
              options=[("NOP", None), ("NOP", None), ("SAck", (1001449, 1002897, 1004345, 1005793))]),
    "tcp-fin": pod_a / IP(src=POD_A, dst=POD_B, flags="DF", ttl=64)
        / TCP(sport=43512, dport=80, flags="FA", seq=1000071, ack=7000500, window=501),
    "tcp-rst": Ether(src=GATEWAY_MAC, dst=POD_A_MAC) / IP(src=POD_B, dst=POD_A, ttl=64)
        / TCP(sport=8080, dport=43999, flags="RA", seq=0, ack=555, window=0),
    "ipv4-first-fragment": pod_a / IP(src=POD_A, dst=POD_B, id=0x3333, flags="MF", frag=0, ttl=64, proto=17)
        / Raw(b"\x9c\x40\x00\x07\x05\xdc\x00\x00" + b"x" * 32),
    "ipv4-later-fragment": pod_a / IP(src=POD_A, dst=POD_B, id=0x3333, flags=0, frag=5, ttl=64, proto=17) / Raw(b"y" * 24),
    "vxlan-tcp-http-get": Ether(src=BOARD_1_MAC, dst=BOARD_2_MAC) / IP(src=BOARD_1, dst=BOARD_2, id=0x0a0a, ttl=64)
        / UDP(sport=49320, dport=4789, chksum=0) / VXLAN(vni=1, flags=0x08)
        / Ether(src=POD_A_MAC, dst=POD_B_MAC) / IP(src=POD_A, dst=POD_B, flags="DF", ttl=63)
        / TCP(sport=43512, dport=80, flags="PA", seq=1000001, ack=7000001, window=502,
              options=[("NOP", None), ("NOP", None), ("Timestamp", (2018915400, 91))]) / Raw(HTTP_GET),
    "vxlan-arp-request": Ether(src=BOARD_1_MAC, dst=BOARD_2_MAC) / IP(src=BOARD_1, dst=BOARD_2, ttl=64)
        / UDP(sport=51000, dport=4789, chksum=0) / VXLAN(vni=42, flags=0x08)
        / Ether(src=POD_A_MAC, dst="ff:ff:ff:ff:ff:ff") / ARP(op=1, hwsrc=POD_A_MAC, psrc=POD_A, pdst=POD_B),
    "vxlan-udp-checksummed": Ether(src=BOARD_2_MAC, dst=BOARD_1_MAC) / IP(src=BOARD_2, dst=BOARD_1, ttl=64)
        / UDP(sport=50001, dport=4789) / VXLAN(vni=0xABCDEF, flags=0x08)
        / Ether(src=POD_B_MAC, dst=POD_A_MAC) / IP(src=POD_B, dst=POD_A, ttl=63) / UDP(sport=53, dport=53000) / Raw(b"\x00" * 12),
}

with open("golden-frames.txt", "w") as out:
    out.write(f"# Made by make_golden.py with scapy {scapy.__version__} (Debian python3-scapy); do not edit.\n")
    for name, frame in frames.items():
        out.write(f"{name} {bytes(frame).hex()}\n")
print(f"wrote {len(frames)} frames")
