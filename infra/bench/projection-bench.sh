#!/usr/bin/env bash
# The projection speed and memory targets (issue "Projection jobs and deepfake checks"), side by side in one run:
# ms per projection step (synthesis forward, pixel MSE, backward to ws and the noise maps) of our ONNX step graph in
# ONNX Runtime against NVIDIA's official code in PyTorch, on this CPU, at 32, 64 and 256 px, with each side's peak
# resident memory. Each measurement runs in a fresh process.
#
#   infra/bench/projection-bench.sh --repo /tmp/sg2ada [--threads 1] [--steps 20]
#
# --repo is an extracted stylegan2-ada-pytorch tree (not part of StyleFarm), e.g.
#   git --git-dir=<mirror of NVlabs/stylegan2-ada-pytorch> archive HEAD | tar -x -C /tmp/sg2ada
# Without it only our side runs. Bundles are random-init (./farm models init), kept under .stylefarm/bench/.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="" threads=1 steps=20 configs="tiny32 small64 paper256"
while [ $# -gt 0 ]; do
  case "$1" in
    --repo) repo="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --configs) configs="${2//,/ }"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bundles=.stylefarm/bench/projection
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for c in $configs; do
  [ -f "$bundles/$c/projection_step.onnx" ] || ./farm models init --config "$c" --seed 0 --out "$bundles/$c" >/dev/null
  # The worker's heap limit, so the peak is what a worker would hold.
  FARM_JAVA_OPTS="-Xmx1g" ./farm bench-projection --bundle "$bundles/$c" --threads "$threads" --steps "$steps" \
    | sed "s/\"config\": \"[^\"]*\"/\"config\": \"$c\", \"side\": \"stylefarm\"/" | tee -a "$out"
done
if [ -n "$repo" ]; then
  /usr/bin/python3 infra/bench/torch_projection_step.py --repo "$repo" --threads "$threads" --steps "$steps" \
    --configs "${configs// /,}" | sed 's/^{/{"side": "pytorch", /' | tee -a "$out"
  /usr/bin/python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith('{')]
ours = {r['config']: r for r in rows if r['side'] == 'stylefarm'}
for r in rows:
    if r['side'] == 'pytorch' and r['config'] in ours:
        o = ours[r['config']]
        print(f"{r['config']:>9} {r['resolution']:>4} px: stylefarm {o['ms_per_step_median']:9.2f} ms, "
              f"pytorch {r['ms_per_step_median']:9.2f} ms, speed-up {r['ms_per_step_median'] / o['ms_per_step_median']:.2f}x; "
              f"peak RSS {o['peak_rss_mb']:.0f} MB vs {r['peak_rss_mb']:.0f} MB")
PY
fi
