#!/usr/bin/env bash
# npm run check:package — the package as a user gets it. Packs webgrad (prepack builds
# dist/), checks the tarball's contents, installs it into a fresh app in a temp folder,
# type-checks a consumer strictly without the DOM lib (moduleResolution NodeNext and
# Bundler), runs examples/node-mlp and examples/pytorch-finetune (a PyTorch-trained model
# loaded, checked against PyTorch's outputs, fine-tuned and saved back; PyTorch then loads the
# result strictly where /usr/bin/python3 has torch) against the installed package in Node
# (Dawn, or the CPU backend without an adapter), builds examples/worker-cnn (a page + a module Worker) with
# Vite failing on any warning, and trains it in headless Chromium on WebGPU.
# KEEP=1 keeps the temp folder. Needs the npm registry or a warm npm cache (--prefer-offline).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
here="$repo/scripts/check-package"
work="$(mktemp -d "${TMPDIR:-/tmp}/webgrad-check-package.XXXXXX")"
[ "${KEEP:-0}" = 1 ] && echo "check-package: working in $work" || trap 'rm -rf "$work"' EXIT
step() { echo "check-package: $*"; }
# the tool versions the repository itself uses, so the install hits the npm cache
version() { node -p "require('$repo/node_modules/$1/package.json').version"; }

step "npm pack (prepack builds dist/)"
tarball="$(npm pack --silent --pack-destination "$work" | tail -1)"
mkdir "$work/unpacked" && tar -xzf "$work/$tarball" -C "$work/unpacked"
node "$here/check-tarball.mjs" "$work/unpacked"

step "a fresh app: npm install the tarball, webgpu, typescript, vite, @types/node"
app="$work/app"
mkdir -p "$app"
cp -r "$repo/examples/node-mlp" "$repo/examples/pytorch-finetune" "$repo/examples/worker-cnn" "$app/"
cp "$here/consumer.ts" "$here"/tsconfig.*.json "$here/vite-build.mjs" "$app/"
printf '{ "name": "webgrad-consumer", "private": true, "type": "module" }\n' > "$app/package.json"
deps=("$work/$tarball" "webgpu@$(version webgpu)" "typescript@$(version typescript)" "vite@$(version vite)" "@types/node@$(version @types/node)")
install() { (cd "$app" && npm install --no-audit --no-fund --loglevel=error "$@" "${deps[@]}"); }
install --offline >/dev/null 2>&1 || install --prefer-offline

step "tsc with a TypeScript 5.9 'tsc --init' app's strict flags, lib ES2022 without DOM: NodeNext (emits the Node examples), Bundler; the worker page with DOM"
(cd "$app" && npx tsc -p tsconfig.nodenext.json && npx tsc -p tsconfig.bundler.json && npx tsc -p tsconfig.web.json)
# without skipLibCheck webgrad's own .d.ts files must still have no error; @webgpu/types itself
# is written against lib.dom (BufferSource, ImageBitmap...), so its own complaints are not ours
ours="$(cd "$app" && npx tsc -p tsconfig.nodenext.json --noEmit --skipLibCheck false | grep 'error TS' | grep -v '^node_modules/@webgpu/types/' || true)"
if [ -n "$ours" ]; then echo "$ours"; step "webgrad's .d.ts files have errors without skipLibCheck"; exit 1; fi

step "node node-mlp/mlp.js against the installed package"
out="$(cd "$app" && node build/node-mlp/mlp.js 2>&1)" || { echo "$out"; step 'the Node example failed'; exit 1; }
echo "$out"
if grep -q 'XDG_RUNTIME_DIR' <<<"$out"; then step "Dawn printed XDG_RUNTIME_DIR noise"; exit 1; fi

step "node pytorch-finetune/finetune.js: load PyTorch's model.safetensors strictly, compare outputs, fine-tune, save"
out="$(cd "$app" && node build/pytorch-finetune/finetune.js pytorch-finetune/model.safetensors "$work/finetuned.safetensors" 2>&1)" || { echo "$out"; step 'the PyTorch fine-tuning example failed'; exit 1; }
echo "$out"
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  step "PyTorch loads the fine-tuned file strictly (train_torch.py --check)"
  /usr/bin/python3 "$app/pytorch-finetune/train_torch.py" --check "$work/finetuned.safetensors"
else
  step "skipped: PyTorch's strict load of the fine-tuned file (/usr/bin/python3 has no torch)"
fi

step "vite build of worker-cnn (page + Worker), warnings fail"
(cd "$app" && node vite-build.mjs)

step "the worker page in headless Chromium"
node --import tsx "$here/run-page.ts" "$app/dist-web" 0.9
step "ok"
