#!/usr/bin/env bash
# The WebGPU benchmark on a GPU machine that has no Node and no network (the device machine of
# .library/device): `pack` here builds trainer-core and packs Node, trainer-core's dist and its
# production dependencies (Dawn included) into .gpu-bench/ (about 40 MB, git-ignored); `run`
# there unpacks it, installs the GL/Vulkan loaders carried in .gl/ (see the device README) and
# runs tools/bench/webgpu-gpu.mjs, writing bench.jsonl to $OUT (or the current folder).
#   here:  tools/bench/webgpu-gpu.sh pack
#   there: tools/bench/webgpu-gpu.sh run      (carry .gpu-bench and .gl)
#   check the pack here: tools/bench/webgpu-gpu.sh run --adapter software --quick
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=.gpu-bench
case "${1:-}" in
  pack)
    NX_DAEMON=false NX_NO_CLOUD=true npx nx run @guinav/trainer-core:build --output-style=static
    rm -rf "$dir" && mkdir -p "$dir/pkg/node_modules"
    exclude=$(git rev-parse --git-path info/exclude)
    mkdir -p "$(dirname "$exclude")" && (grep -qx "/$dir/" "$exclude" 2>/dev/null || echo "/$dir/" >> "$exclude")
    mkdir -p "$dir/pkg/node_modules/@guinav/trainer-core"
    cp -r packages/trainer-core/dist packages/trainer-core/package.json "$dir/pkg/node_modules/@guinav/trainer-core/"
    for m in $(npm ls --omit=dev --parseable --all -w @guinav/trainer-core | sed "s#^$PWD/##" | grep '^node_modules/' | grep -v '@guinav' | sort -u); do
      mkdir -p "$dir/pkg/$(dirname "$m")" && cp -r "$m" "$dir/pkg/$m"
    done
    # Only this platform's Dawn build.
    find "$dir/pkg/node_modules/webgpu/dist" -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} +
    rm -rf "$dir/pkg/node_modules/@webgpu/types"
    cp tools/bench/webgpu-gpu.mjs "$dir/pkg/"
    cp "$(command -v node)" "$dir/pkg/node"
    tar -C "$dir" -cJf "$dir/pkg.tar.xz" pkg && rm -rf "$dir/pkg"
    du -sh "$dir"
    ;;
  run)
    out="${OUT:-.}"
    if compgen -G ".gl/*.deb" > /dev/null; then for f in .gl/*.deb; do dpkg -x "$f" /; done; ldconfig; fi
    if [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
      export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    fi
    work=$(mktemp -d) && tar -C "$work" -xJf "$dir/pkg.tar.xz"
    (nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true) | tee "$out/gpu.txt"
    date -u +%Y-%m-%d >> "$out/gpu.txt"
    shift
    "$work/pkg/node" "$work/pkg/webgpu-gpu.mjs" "$work/pkg/node_modules/@guinav/trainer-core/dist/index.js" "$@" | tee "$out/bench.jsonl"
    ;;
  *)
    echo "usage: $0 pack|run" >&2
    exit 2
    ;;
esac
