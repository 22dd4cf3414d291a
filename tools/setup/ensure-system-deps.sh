#!/usr/bin/env bash
# Installs the Debian packages the tests need, only when they are missing:
# Mesa's EGL + OpenGL ES drivers give Dawn its software WebGPU adapter (llvmpipe) on machines
# without a GPU; Chromium opens the pipeline report in a browser test. Safe to run repeatedly; a no-op when everything is present.
set -euo pipefail
packages=(libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
command -v apt-get >/dev/null || { echo "guinav: missing ${missing[*]} and no apt-get; install them by hand" >&2; exit 1; }
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "guinav: installing ${missing[*]} (Mesa EGL/GLES for the software WebGPU adapter, Chromium for the report test)"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
