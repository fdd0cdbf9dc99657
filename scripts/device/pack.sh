#!/usr/bin/env bash
# Packs what a real-GPU run of airbench needs into .device/ (git-ignored), in four parts that
# each fit one device call (64 MiB with the working tree): the device machine has no Node, no
# npm registry and no CIFAR-10. See scripts/device/README.md for the calls that carry them.
#   bash scripts/device/pack.sh [CIFAR-10 DIR]   (default ../shared/datasets/cifar10)
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${1:-../shared/datasets/cifar10}
for f in data_batch_{1..5}.bin.gz test_batch.bin.gz batches.meta.txt; do
  [ -f "$data/$f" ] || { echo "pack: $data/$f is missing (CIFAR-10's binary version)"; exit 1; }
done
node scripts/gen-shaders.mjs >/dev/null
rm -rf .device && mkdir -p .device/part1/app/node_modules/webgpu/dist/linux-x64 .device/part{2,3,4}
# part 1: the runtime (Node, Dawn, the bench and the probe bundled), the Vulkan loader, batch 1
app=.device/part1/app
bundle=(--bundle --platform=node --format=esm --target=node20 --external:webgpu --log-level=error)
npx esbuild bench/cifar.ts "${bundle[@]}" --external:./cifar/driver.js --outfile=$app/bench.mjs
npx esbuild scripts/device/probe.ts "${bundle[@]}" --outfile=$app/probe.mjs
cp node_modules/webgpu/package.json node_modules/webgpu/index.js $app/node_modules/webgpu/
xz -T0 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > $app/node_modules/webgpu/dist/linux-x64/dawn.node.xz
xz -T0 -6 -c "$(command -v node)" > .device/part1/node.xz
(cd .device/part1 && apt-get download libvulkan1 >/dev/null 2>&1) || echo 'pack: no libvulkan1 .deb (apt-get download failed); the device must have the loader'
cp "$data"/data_batch_1.bin.gz "$data"/batches.meta.txt .device/part1/
cp "$data"/data_batch_{2,3}.bin.gz .device/part2/
cp "$data"/data_batch_{4,5}.bin.gz .device/part3/
cp "$data"/test_batch.bin.gz .device/part4/
grep -qx '/.device/' .git/info/exclude 2>/dev/null || echo '/.device/' >> .git/info/exclude
tree=$(git ls-files -z | xargs -0 du -cb | tail -1 | cut -f1)
for p in 1 2 3 4; do
  size=$(du -sb .device/part$p | cut -f1)
  echo "part $p: $((size / 1048576)) MiB (+ $((tree / 1048576)) MiB of working tree; the limit is 64 MiB)"
  [ $((size + tree)) -lt $((64 * 1048576)) ] || { echo "pack: part $p is too big for one call"; exit 1; }
done
