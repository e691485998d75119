#!/usr/bin/env bash
# Installs the C libraries metasae builds against, on Debian or Ubuntu:
# libhdf5 (with its pkg-config file), OpenBLAS (cblas.h), zlib and libdeflate.
set -euo pipefail
packages=(libhdf5-dev libopenblas-dev zlib1g-dev libdeflate-dev pkg-config)
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
