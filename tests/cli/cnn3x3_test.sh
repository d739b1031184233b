#!/usr/bin/env bash
# Issue 14's CNN through its own CLI (staticnn-cnn3x3, staticnn_add_model), on real Fashion-MNIST:
# cnn3x3_test.sh STATICNN_CNN3X3 DATA_DIR WORK_DIR
# A short run of what tools/cnn3x3-accuracy measures on the whole data: train (2,000 images, one
# epoch), eval, export --int8, eval --int8. The int8 network must classify as well as the float one
# within one point on 500 test images, and eval --int8 must agree with the logits export --int8
# writes for firmware (their argmax, computed here, gives the same accuracy).
set -uo pipefail
bin=$1 data=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
source "$(dirname "$0")/common.sh"
n_test=500 n_cal=200
run=$work/run

"$bin" train --epochs 1 --limit-train 2000 --limit-test $n_test --seed 0 --threads 2 --data "$data" --out "$run" \
  >"$work/log" 2>&1 || fail "train: $(cat "$work/log")"
float=$(printf "%.4f" "$(sed -n 's/.*"test_accuracy": \([0-9.]*\).*/\1/p' "$run/metrics.json")")
# Ten classes; 16 steps of lr 0.1 reach about 0.79 here.
awk -v a="$float" 'BEGIN { exit !(a > 0.6) }' || fail "float test accuracy $float after 2,000 images, expected > 0.6"

"$bin" eval --int8 --calibrate $n_cal --limit-test $n_test --checkpoint "$run/checkpoint.snn" --data "$data" \
  >"$work/eval8" || fail "eval --int8: $(cat "$work/eval8")"
grep -q "^int8: batchnorm folded, quantized with activation ranges from $n_cal training images$" "$work/eval8" ||
  fail "eval --int8: $(head -1 "$work/eval8")"
int8=$(sed -n 's/^test accuracy \([0-9.]*\) .*/\1/p' "$work/eval8")
awk -v q="$int8" -v f="$float" 'BEGIN { exit !(q >= f - 0.01) }' ||
  fail "int8 test accuracy $int8, float $float: more than one point apart"

"$bin" export --int8 --calibrate $n_cal --checkpoint "$run/checkpoint.snn" --out "$work/int8.hpp" --namespace cnn3x3_int8 \
  --reference "$work/int8.bin" --count $n_test --data "$data" >"$work/export8" || fail "export --int8: $(cat "$work/export8")"
grep -q "qconv2d_layer<staticnn::shape<1, 28, 28>, 16, 3, 1, 1, true>" "$work/int8.hpp" &&
  grep -q "qconv2d_layer<staticnn::shape<16, 14, 14>, 32, 3, 1, 1, true>" "$work/int8.hpp" ||
  fail "export --int8: no padded 3x3 int8 convs with the ReLU clamp in $work/int8.hpp"
[[ $(stat -c %s "$work/int8.bin") == $((n_test * 10)) ]] || fail "export --int8: reference is not $n_test x 10 int8 logits"
grep -q "int8 $int8, float folded $float$" "$work/export8" || fail "export --int8 reports '$(head -1 "$work/export8")', eval: int8 $int8, float $float"
# The written logits' argmax (first of equal maxima) against the test labels: eval --int8's accuracy.
ref=$(od -An -v -td1 -w10 "$work/int8.bin" | paste -d' ' - <(od -An -v -tu1 -w1 -j8 -N$n_test "$data/t10k-labels-idx1-ubyte") |
  awk '{ best = 1; for (k = 2; k <= 10; k++) if ($k > $best) best = k; right += (best - 1 == $11) } END { printf "%.4f", right / NR }')
[[ $ref == "$int8" ]] || fail "argmax of the exported int8 logits: accuracy $ref, eval --int8: $int8"

expect_error 2 "^staticnn-cnn3x3 eval: --calibrate N needs --int8$" "$bin" eval --calibrate 10 --checkpoint "$run/checkpoint.snn"
echo "ok: staticnn-cnn3x3 train/eval --int8/export --int8 on $n_test test images: float $float, int8 $int8"
