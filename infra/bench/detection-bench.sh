#!/usr/bin/env bash
# The deepfake check in the wild (issue "Deepfake checks that hold…"), through a fresh local farm in a temporary
# data directory, on fixture A's network and on the trained fashion-mnist-32 generator:
#  1. evaluation sets made with NVIDIA's official code (infra/bench/make_detection_sets.py, needs --repo): each
#     network's renders with noise const or random, ψ 0.5 to 1, as PNG, JPEG 80/90, resized up or down 2x with
#     nearest, bilinear, bicubic, Lanczos or box, against other generators of the same architecture, photographs
#     and (for fashion) real Fashion-MNIST test images; all projected by one project job per network;
#     ./farm bench-detection prints the AUC of each variant and the distance distributions;
#  2. a calibration whose positives the farm itself renders with the same noise modes, ψ range and perturbations,
#     against the photographs, with its AUC per variant.
#
#   infra/bench/detection-bench.sh --repo /tmp/sg2ada [--count 12] [--steps 1000] [--workers 2] [--sets DIR]
#
# --repo is an extracted stylegan2-ada-pytorch tree (not part of StyleFarm), e.g.
#   git --git-dir=<mirror of NVlabs/stylegan2-ada-pytorch> archive HEAD | tar -x -C /tmp/sg2ada
# and needs Debian's python3-torch, python3-pil and dataset-fashion-mnist. --sets reuses sets made earlier.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="" count=12 steps=1000 workers=2 sets=""
while [ $# -gt 0 ]; do
  case "$1" in
    --repo) repo="$2"; shift 2 ;;
    --count) count="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --sets) sets="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
fashion=cli/src/main/resources/demo/fashion-mnist-32/network-snapshot.pkl
fixture_a=modelkit/src/test/resources/fixtures/stylegan2-ada-A/network-snapshot.pkl
if [ -z "$sets" ]; then
  [ -n "$repo" ] || { echo "give --repo (to make the sets) or --sets (made before)" >&2; exit 2; }
  sets=.stylefarm/bench/detection-sets
  /usr/bin/python3 infra/bench/make_detection_sets.py --repo "$repo" --out "$sets" --count "$count" \
    --network a="$fixture_a" --network fashion="$fashion"
fi
export STYLEFARM_DATA_DIR
STYLEFARM_DATA_DIR=$(mktemp -d)
trap './farm down >/dev/null 2>&1 || true; rm -rf "$STYLEFARM_DATA_DIR"' EXIT
./farm up --workers "$workers" >/dev/null
./farm models add "$fixture_a" --id fixture-a >/dev/null
./farm models add "$fashion" --id fashion-mnist-32 >/dev/null
for net in a fashion; do
  model=$([ "$net" = a ] && echo fixture-a || echo fashion-mnist-32)
  echo "== $model: official-code evaluation set $sets/$net"
  ./farm bench-detection --model "$model" --set "$sets/$net" --steps "$steps"
done
echo "== fashion-mnist-32: calibration with farm-rendered positives against the photographs"
./farm calibrate --model fashion-mnist-32 --negatives modelkit/src/test/resources/photos --positives 24 \
  --positive-noise-modes const,random --positive-psi 0.5,1 --steps "$steps" \
  --perturbations none,jpeg80,resize0.5-bilinear,resize2-bicubic,resize0.5-box+jpeg90,resize1.5-lanczos
