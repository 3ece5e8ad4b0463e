#!/usr/bin/env bash
# The interpolation targets (issue "Interpolation video jobs"), on a fresh local farm in a temporary directory:
# a 600-frame 64x64 looping video end to end against the worker's bare render+encode loop, and at 256x256
# encoding alone against rendering alone, measured side by side in one run.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec ./farm bench-video "$@"
