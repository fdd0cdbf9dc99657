#!/usr/bin/env bash
# Runs on the device machine, in the copy of the repo a device call makes (scripts/device/README.md).
#   bash scripts/device/remote.sh N [bench flags...]
# Each part moves its carried files to /tmp/webgrad (kept while the machine stays warm). Part 1
# also installs Node and Dawn there and probes the adapter; part 4 runs the bench with the flags
# given (default: airbench's full recipe) and leaves its log and JSON in $OUT.
set -uo pipefail
part=$1; shift
dest=/tmp/webgrad
mkdir -p "$dest/data"
[ -d ".device/part$part" ] || { echo "remote: .device/part$part did not travel (name it in carry)"; exit 2; }
find ".device/part$part" -maxdepth 1 -name '*.gz' -exec cp {} "$dest/data/" \;
[ -f ".device/part$part/batches.meta.txt" ] && cp ".device/part$part/batches.meta.txt" "$dest/data/"
if [ "$part" = 1 ]; then
  cp -r .device/part1/app "$dest/"
  xz -dc .device/part1/node.xz > "$dest/node" && chmod +x "$dest/node"
  xz -dc "$dest/app/node_modules/webgpu/dist/linux-x64/dawn.node.xz" > "$dest/app/node_modules/webgpu/dist/linux-x64/dawn.node"
  if ! ldconfig -p | grep -q libvulkan.so.1; then
    for f in .device/part1/*.deb; do dpkg -x "$f" /; done
    ldconfig
  fi
fi
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -z "${VK_DRIVER_FILES:-}" ] && [ -f $nvidia_icd ] && export VK_DRIVER_FILES=$nvidia_icd
export WEBGRAD_HARDWARE_GPU=${WEBGRAD_HARDWARE_GPU:-1}  # the GPU, not a software adapter (0 to try it here)
echo "node $("$dest/node" --version); data: $(ls "$dest/data" | tr '\n' ' ')"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null
if [ "$part" = 1 ]; then
  (cd "$dest/app" && "$dest/node" probe.mjs) 2>&1 | tee "${OUT:-/tmp}/probe.log"
  exit "${PIPESTATUS[0]}"
fi
if [ "$part" = 4 ]; then
  # parts 1-3 must have run on this same machine (it stays warm 30 s after a call)
  [ -x "$dest/node" ] || { echo "remote: no Node in $dest: part 1 ran on another machine (run parts 1-4 again, each within 30 s of the last)"; exit 2; }
  for f in data_batch_{1..5}.bin.gz test_batch.bin.gz; do
    [ -f "$dest/data/$f" ] || { echo "remote: $f is missing: its part ran on another machine (run parts 1-4 again, each within 30 s of the last)"; exit 2; }
  done
  [ $# -gt 0 ] || set -- --model airbench --epochs 8 --batch 2000
  cd "$dest/app" && "$dest/node" bench.mjs --runtime node --data "$dest/data" --no-download --json "${OUT:-/tmp}/run.json" "$@" 2>&1 | tee "${OUT:-/tmp}/run.log"
  exit "${PIPESTATUS[0]}"
fi
