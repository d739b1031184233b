#!/usr/bin/env bash
# The CLI for a network of your own (staticnn_add_model): model_test.sh STATICNN_SMALL STATICNN WORK_DIR
# staticnn-small is the consumer project's CLI (tests/consumer: consumer::small, 2 x 8 x 8 inputs,
# 3 classes, built by consumer.install against the installed package); staticnn is the
# BN-LeNet/LeNet CLI. Data: IDX files written here, idx4 for small, idx3 for BN-LeNet.
set -uo pipefail
small=$1 bin=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
source "$(dirname "$0")/common.sh"
# pixels N C H W CLASSES SEED: the bytes of N images of C x H x W; image i is of class i % CLASSES,
# whose channel (class % C; every channel for a class >= C) is bright (150 + noise), the others
# dark (noise in [0, 64)), from a small exact LCG.
pixels() {
  printf "$(awk -v n="$1" -v c="$2" -v hw=$(($3 * $4)) -v k="$5" -v s="$6" 'BEGIN {
    for (i = 0; i < n; i++) for (ch = 0; ch < c; ch++) for (p = 0; p < hw; p++) {
      s = (s * 75 + 74) % 65537; v = s % 64; cls = i % k
      if (cls % c == ch || cls >= c) v += 150
      printf "\\x%02x", v } }')"
}
labels() { be32 0x801; be32 "$1"; printf "$(awk -v n="$1" -v k="$2" 'BEGIN { for (i = 0; i < n; i++) printf "\\x%02x", i % k }')"; }
idx3() { be32 0x803; be32 "$1"; be32 "$2"; be32 "$3"; pixels "$1" 1 "$2" "$3" "$4" "$5"; }           # N H W CLASSES SEED
idx4() { be32 0x804; be32 "$1"; be32 "$2"; be32 "$3"; be32 "$4"; pixels "$@"; }                   # N C H W CLASSES SEED
# dataset DIR KIND N_TRAIN N_TEST CLASSES SHAPE...: DIR/{train,t10k}-{images,labels} of KIND idx3 or idx4.
dataset() {
  local dir=$1 kind=$2 ntrain=$3 ntest=$4 k=$5; shift 5
  mkdir -p "$dir"
  $kind "$ntrain" "$@" "$k" 1 >"$dir/train-images-$kind-ubyte" && labels "$ntrain" "$k" >"$dir/train-labels-idx1-ubyte"
  $kind "$ntest" "$@" "$k" 2 >"$dir/t10k-images-$kind-ubyte" && labels "$ntest" "$k" >"$dir/t10k-labels-idx1-ubyte"
}

dataset "$work/d" idx4 240 60 3 2 8 8
[[ $(stat -c %s "$work/d/train-images-idx4-ubyte") == $((20 + 240 * 128)) ]] || fail "generated idx4 file has the wrong size"

# -- the commands on the network of its own
"$small" train --epochs 2 --batch 16 --lr 0.05 --threads 2 --data "$work/d" --out "$work/run" >"$work/log" 2>&1 ||
  fail "train: $(cat "$work/log")"
grep -q "^training small: 240 train / 60 test images" "$work/log" || fail "train: $(head -1 "$work/log")"
acc=$(sed -n 's/.*"epoch": 2.*"test_accuracy": \([0-9.]*\).*/\1/p' "$work/run/metrics.json")
# The class is which channel is bright: well above chance (1/3) after two epochs.
awk -v a="$acc" 'BEGIN { exit !(a > 0.9) }' || fail "test accuracy $acc after 2 epochs, expected > 0.9"
"$small" eval --checkpoint "$work/run/checkpoint.snn" --data "$work/d" >"$work/eval" || fail "eval"
grep -q "test accuracy $(printf '%.4f' "$acc") (" "$work/eval" || fail "eval: $(head -1 "$work/eval") vs metrics $acc"
"$small" eval --fold --checkpoint "$work/run/checkpoint.snn" --data "$work/d" >"$work/eval" || fail "eval --fold"
grep -q "batchnorm folded: 5 layers instead of 6" "$work/eval" || fail "eval --fold: $(head -1 "$work/eval")"
"$small" inspect --checkpoint "$work/run/checkpoint.snn" >"$work/inspect" || fail "inspect"
grep -q "model small, epoch 2" "$work/inspect" && grep -Eq ' 0 conv2d +2x8x8 -> 4x6x6 +76 params' "$work/inspect" &&
  grep -Eq ' 5 dense +36 -> 3 +111 params' "$work/inspect" || fail "inspect: $(cat "$work/inspect")"
"$small" export --checkpoint "$work/run/checkpoint.snn" --out "$work/small.hpp" --reference "$work/ref.bin" --count 60 \
  --data "$work/d" >/dev/null || fail "export"
grep -q "staticnn::conv2d_layer<staticnn::shape<2, 8, 8>, 4, 3" "$work/small.hpp" || fail "export: no conv2d 2x8x8"
[[ $(stat -c %s "$work/ref.bin") == $((60 * 3 * 4)) ]] || fail "export: reference is not 60 x 3 floats"
"$small" export --int8 --calibrate 100 --checkpoint "$work/run/checkpoint.snn" --out "$work/small8.hpp" \
  --reference "$work/ref8.bin" --count 60 --data "$work/d" >"$work/export8" || fail "export --int8: $(cat "$work/export8")"
grep -q "qconv2d_layer" "$work/small8.hpp" && [[ $(stat -c %s "$work/ref8.bin") == 180 ]] || fail "export --int8"
int8_acc=$(sed -n 's/.*int8 \([0-9.]*\), float.*/\1/p' "$work/export8")
awk -v a="$int8_acc" 'BEGIN { exit !(a > 0.9) }' || fail "int8 accuracy $int8_acc: $(cat "$work/export8")"
"$small" bench --seconds 0.1 --threads 1 --json >"$work/bench" || fail "bench"
grep -q '^{"model": "small", ' "$work/bench" || fail "bench: $(cat "$work/bench")"
"$small" --help | grep -q "^models: small$" || fail "--help does not name the model"
echo "ok: staticnn-small train/eval/inspect/export/export --int8/bench (test accuracy $acc, int8 $int8_acc)"

# -- data of another shape: one line naming the file and both shapes, exit 1, nothing written
dataset "$work/d3" idx3 30 30 3 8 8
expect_error 1 "^staticnn-small train: error: $work/d3/train-images-idx3-ubyte: images are 8x8, the model expects 2x8x8 \(an idx4 file, N x C x H x W\)$" \
  "$small" train --data "$work/d3" --out "$work/o"
no_output "$work/o"
dataset "$work/c3" idx4 30 30 3 3 8 8
expect_error 1 "^staticnn-small eval: error: $work/c3/t10k-images-idx4-ubyte: images are 3x8x8, the model expects 2x8x8$" \
  "$small" eval --checkpoint "$work/run/checkpoint.snn" --data "$work/c3"
dataset "$work/w" idx4 30 30 3 2 8 7
expect_error 1 "^staticnn-small export: error: $work/w/t10k-images-idx4-ubyte: images are 2x8x7, the model expects 2x8x8$" \
  "$small" export --checkpoint "$work/run/checkpoint.snn" --out "$work/x.hpp" --reference "$work/x.bin" --data "$work/w"
no_output "$work/x.hpp" "$work/x.bin"
expect_error 1 "^staticnn-small export: error: $work/w/train-images-idx4-ubyte: images are 2x8x7, the model expects 2x8x8$" \
  "$small" export --int8 --checkpoint "$work/run/checkpoint.snn" --out "$work/x.hpp" --calibrate 10 --data "$work/w"
no_output "$work/x.hpp"
dataset "$work/k" idx4 30 30 4 2 8 8
expect_error 1 "$work/k/train-labels-idx1-ubyte: label 3 at index 3 is out of range \(num_classes = 3\)$" \
  "$small" train --data "$work/k" --out "$work/o"
cp -r "$work/d" "$work/both" && cp "$work/d3/train-images-idx3-ubyte" "$work/both/"
expect_error 1 "$work/both/train-images-idx3-ubyte: and train-images-idx4-ubyte both exist; keep one$" \
  "$small" train --data "$work/both" --out "$work/o"
no_output "$work/o"
# BN-LeNet (1 x 28 x 28) takes idx4 files of one channel, and refuses three.
dataset "$work/l4" idx4 64 32 10 1 28 28
"$bin" train --epochs 1 --batch 16 --data "$work/l4" --out "$work/lenet" >"$work/log" 2>&1 || fail "staticnn on idx4 N x 1 x 28 x 28: $(cat "$work/log")"
dataset "$work/l3" idx4 8 8 10 3 28 28
expect_error 1 "^staticnn train: error: $work/l3/train-images-idx4-ubyte: images are 3x28x28, the model expects 1x28x28$" \
  "$bin" train --data "$work/l3" --out "$work/o"
no_output "$work/o"

# -- a checkpoint of another model: refused, naming the model it was saved as and the first layer
expect_error 1 "^staticnn-small eval: error: $work/lenet/checkpoint.snn: checkpoint holds another network \(saved as model 'bn-lenet'\): layer 0 is 'conv2d 1x28x28 -> 6x24x24 156 0' in the file, 'conv2d 2x8x8 -> 4x6x6 76 0' in the model$" \
  "$small" eval --checkpoint "$work/lenet/checkpoint.snn" --data "$work/d"
expect_error 1 "^staticnn-small export: error: $work/lenet/checkpoint.snn: checkpoint holds another network \(saved as model 'bn-lenet'\)" \
  "$small" export --int8 --checkpoint "$work/lenet/checkpoint.snn" --out "$work/x.hpp" --data "$work/d"
no_output "$work/x.hpp"
expect_error 1 "^staticnn-small inspect: error: $work/lenet/checkpoint.snn: checkpoint holds another network" \
  "$small" inspect --checkpoint "$work/lenet/checkpoint.snn"
expect_error 2 "^staticnn eval: unknown model 'small' \(known: bn-lenet, lenet\)$" \
  "$bin" eval --checkpoint "$work/run/checkpoint.snn" --data "$work/d"
expect_error 2 "^staticnn-small train: unknown model 'lenet' \(known: small\)$" "$small" train --model lenet --data "$work/d"
echo "ok: shape mismatches (idx3, idx4), class count and other models' checkpoints refused"
