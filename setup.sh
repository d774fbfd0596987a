#!/usr/bin/env bash
# Installs what Edge's lab and tests need on a Debian/Ubuntu machine that already has the
# .NET 10 SDK: the real peers the interop tests talk to (tshark, iproute2, ping, curl,
# scapy for golden frames, dig), qemu-user and 32-bit C libraries for the 32-bit nanoCLR
# interpreter (a board's heap figures), chromium and its driver for the lab view's browser
# test (`edgectl ui`), and the NuGet packages. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")"

packages=(tshark iproute2 iputils-ping ethtool curl python3-scapy dnsutils qemu-user libc6-i386 lib32stdc++6 chromium chromium-driver)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null; then
  echo "setup: the .NET 10 SDK is required: https://learn.microsoft.com/dotnet/core/install/linux" >&2
  exit 1
fi

dotnet restore Edge.sln --verbosity quiet
echo "setup: done"
