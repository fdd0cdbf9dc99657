#!/usr/bin/env bash
# `npm run test:deno [-- vitest args]`: the Node test project under Deno, whose built-in WebGPU is
# wgpu with the naga WGSL compiler (Node's `webgpu` package and Chromium are Dawn with Tint), on
# Mesa's lavapipe unless VK_ICD_FILENAMES names another Vulkan driver. With no test file or
# folder among the arguments it runs the GPU test folders (the ones Chromium runs too).
#   npm run test:deno                                   # the whole set
#   npm run test:deno -- test/ops/matmul.test.ts        # one file
#   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json npm run test:deno   # SwiftShader
# (an argument not starting with '-' counts as a path: write flag values as --testNamePattern=x)
set -euo pipefail
cd "$(dirname "$0")/.."
LAVAPIPE_ICD=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json
if [ -z "${VK_ICD_FILENAMES:-}" ]; then
  [ -e "$LAVAPIPE_ICD" ] || { echo "test:deno: lavapipe ($LAVAPIPE_ICD) is missing: apt-get install -y mesa-vulkan-drivers, or set VK_ICD_FILENAMES" >&2; exit 1; }
  export VK_ICD_FILENAMES="$LAVAPIPE_ICD"
fi
# wgpu's Vulkan instance looks for a Wayland/X runtime dir and prints an error line without one
if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "$XDG_RUNTIME_DIR" ]; then
  XDG_RUNTIME_DIR="$(mktemp -d)"; export XDG_RUNTIME_DIR
fi
DENO=node_modules/.bin/deno
[ -x "$DENO" ] || { echo "test:deno: $DENO is missing: npm ci (Deno is a devDependency)" >&2; exit 1; }
paths=()
for a in "$@"; do [[ "$a" == -* ]] || paths+=("$a"); done
default=()
[ ${#paths[@]} -gt 0 ] || default=(test/ops test/backend test/autograd test/compile test/amp test/nn test/optim test/classic test/node)
echo "test:deno: $("$DENO" --version | head -1), VK_ICD_FILENAMES=$VK_ICD_FILENAMES"
exec "$DENO" run -A node_modules/vitest/vitest.mjs run --project node "${default[@]}" "$@"
