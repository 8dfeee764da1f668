#!/usr/bin/env bash
# Retrain Qwen on a lent GPU machine (the device tool): the current generator's corpus, one or
# more recipes, each with seeds 0 and 1, for one or two step counts. The seeds' soup is made back
# here (`sqlscribe soup`), since a soup of two Qwen adapters does not fit what a call returns.
# Run it there from the repository root, once the base GGUF has been put together there and the
# wheels installed (docs/BENCHMARKS.md, "Fine-tuning on a GPU", names them):
#
#   CONFIG="training/finetune/configs/qwen2.5-coder-0.5b-mix-gpu.toml" PARALLEL=1 \
#     bash bench/retrain_on_gpu.sh /root/qwen.gguf /root/ret 150 [60]
#
# Getting there: bench/gpu_lease.py `prepare` readies the wheels the machine lacks and the base in
# pieces that fit a call beside the tree, and prints every call; give them to the device tool at
# once, as the machine goes back after 30 s idle. A job started in the background there is
# waited for with a file it writes when done, never with `pgrep -f`: that matches the waiting
# shell's own command line and waits for ever (it cost a whole lease once).
#
# What comes back: a call returns at most 8 files of at most 16 MiB, 64 MiB together, and one Qwen
# adapter of rank 16 is 35 MB in float32. So OUT/log.txt holds the log, and OUT/runs.tar.aa, .ab, …
# are pieces of 15 MiB of one tar of every seed's run (summary.json and its adapter, stored in
# float16: about 18 MB a seed), fetched a few per call; bench/gpu_lease.py `unpack` joins them
# here and makes each recipe's soup, R-sN (R a recipe's file name without .toml, N the step
# count), to convert and register with `python -m quantize runs/gpu/R-sN --name …`.
#
# CONFIG names the recipes, separated by spaces; DATA a corpus already made there (else the
# script makes it, about 20 s); PARALLEL=1 trains every seed of every recipe at once (the -gpu
# recipes' batches of 2 let four Qwen runs share an 80 GB GPU, at about 4,200 tokens/s each).
# tests/test_training.py runs this script with SmolLM2 on the CPU.
set -euo pipefail
base=${1:?the base GGUF}
out=${2:?the output folder}
shift 2
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 BASE_GGUF OUT STEPS [STEPS]" >&2; exit 2; }
configs=${CONFIG:-training/finetune/configs/qwen2.5-coder-0.5b-mix-gpu.toml}
python=${PYTHON:-python3}
runs=$(mktemp -d)
export PYTHONUNBUFFERED=1
mkdir -p "$out"
exec > >(tee "$out/log.txt") 2>&1
# Run "$@" now, or in the background under PARALLEL=1 (its output prefixed with its name).
step() {
  local name=$1
  shift
  if [ "${PARALLEL:-0}" = 1 ]; then
    ("$@" 2>&1 | sed -u "s/^/[$name] /") &
  else
    "$@"
  fi
}
data=${DATA:-$runs/data}  # DATA names a corpus made beforehand (bench/gpu_lease.py starts one early)
[ -n "${DATA:-}" ] || "$python" -m sqlscribe data synth --count "${COUNT:-3600}" --seed 0 --out "$data"
names=()
for steps in "$@"; do
  for config in $configs; do
    for seed in 0 1; do
      name=$(basename "$config" .toml)-s$steps-seed$seed
      names+=("$name")
      step "$name" "$python" -m sqlscribe train "$config" --data "$data" --base-file "$base" \
        --max-steps "$steps" --seed "$seed" --out "$runs/$name"
    done
  done
done
failed=0
for pid in $(jobs -p); do wait "$pid" || failed=1; done
[ "$failed" = 0 ] || { echo "a training run failed" >&2; exit 1; }
pack=$runs/pack
for name in "${names[@]}"; do
  mkdir -p "$pack/$name/adapter"
  cp "$runs/$name/summary.json" "$pack/$name/"
  cp "$runs/$name/adapter/adapter_config.json" "$pack/$name/adapter/"
done
# One interpreter for every run (each start imports torch): the adapters in float16, the losses.
"$python" - "$runs" "$pack" "${names[@]}" <<'PY'
import json, sys
from safetensors.torch import load_file, save_file
runs, pack, *names = sys.argv[1:]
for name in names:
    weights = load_file(f"{runs}/{name}/adapter/adapter_model.safetensors")
    save_file({k: v.half() for k, v in weights.items()}, f"{pack}/{name}/adapter/adapter_model.safetensors")
    print(name, "validation loss", json.load(open(f"{runs}/{name}/summary.json")).get("val_loss_after"))
PY
(cd "$pack" && tar -cf - "${names[@]}") | split -b 15M - "$out/runs.tar."
ls -l "$out"
rm -rf "$runs"
