#!/usr/bin/env bash
# Installs onnxruntime-node's CUDA execution provider, which the npm package does not bundle (too
# large for the registry): re-runs the package's own install script asking for the CUDA 12 binaries,
# which it downloads from NuGet (Microsoft.ML.OnnxRuntime.Gpu.Linux) into
# node_modules/onnxruntime-node/bin/napi-v6/linux/x64/. Ablation Studio then picks CUDA by itself
# (provider "auto") and runs fp16 graphs on the GPU.
#
# Usage:   npm run install-cuda          (or: bash tools/install-cuda.sh)
# Needs:   Linux x64, an NVIDIA GPU with its driver, network access to api.nuget.org, and the CUDA 12
#          runtime + cuDNN 9 libraries on the library path (e.g. from the CUDA toolkit, or
#          `pip install nvidia-cuda-runtime-cu12 nvidia-cudnn-cu12 nvidia-cublas-cu12` with their lib
#          folders on LD_LIBRARY_PATH).
# Proxy:   set GLOBAL_AGENT_HTTPS_PROXY=http://host:port (the install script uses global-agent).
# Note:    our .npmrc sets onnxruntime-node-install=skip so that `npm ci` works offline; that also
#          means `npm ci` / `npm install` wipe these binaries: run this script again afterwards.
set -euo pipefail

cd "$(dirname "$0")/.."
ORT_DIR=node_modules/onnxruntime-node

if [[ "$(uname -s)" != "Linux" || "$(uname -m)" != "x86_64" ]]; then
  echo "install-cuda: onnxruntime-node ships CUDA binaries for Linux x64 only (this is $(uname -s) $(uname -m))." >&2
  exit 1
fi
if [[ ! -f "$ORT_DIR/script/install.js" ]]; then
  echo "install-cuda: $ORT_DIR is missing; run npm ci first." >&2
  exit 1
fi
if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "install-cuda: warning: nvidia-smi not found; the CUDA provider needs an NVIDIA GPU and driver." >&2
fi

# ONNXRUNTIME_NODE_INSTALL wins over npm's config (npm_config_onnxruntime_node_install=skip from our
# .npmrc, which `npm run` exports); unset the latter anyway so nothing can read "skip".
unset npm_config_onnxruntime_node_install npm_config_onnxruntime_node_install_cuda
echo "install-cuda: downloading the CUDA 12 execution provider for onnxruntime-node $(node -p "require('./$ORT_DIR/package.json').version")..."
ONNXRUNTIME_NODE_INSTALL=cuda12 node "$ORT_DIR/script/install.js"

LIB="$ORT_DIR/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so"
if [[ ! -f "$LIB" ]]; then
  echo "install-cuda: the install script finished but $LIB is missing." >&2
  exit 1
fi
echo "install-cuda: installed $LIB"

# Ask onnxruntime to start a CUDA session: the same check the engine makes for provider "auto".
node_modules/.bin/tsx --eval "
import { cudaUnavailableReason } from './src/main/engine/runtime/provider';
cudaUnavailableReason().then((reason) => {
  if (reason) {
    console.error('install-cuda: binaries installed, but ' + reason);
    process.exit(1);
  }
  console.log('install-cuda: the CUDA provider starts; provider auto will now use the GPU.');
});
"
