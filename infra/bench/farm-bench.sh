#!/usr/bin/env bash
# The farm's end-to-end targets (issue "The farm runs end to end"), on a fresh local farm in a temporary
# directory: start-up time, 1-seed 32x32 latency on a warm model, and 64x64 throughput against the worker's
# bare render-and-encode loop, measured side by side in one run.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec ./farm bench-farm "$@"
