#!/usr/bin/env bash
# CLI tests on real Fashion-MNIST: cli_test.sh STATICNN DATA_DIR WORK_DIR CASE
# Each case checks outputs and exit codes against what a user must see.
set -uo pipefail
bin=$1 data=$2 work=$3 case=$4
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_error CODE REGEX command...: the command must exit CODE and print REGEX on stderr.
expect_error() {
  local code=$1 regex=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  [[ $rc == "$code" ]] || fail "$* exited $rc, expected $code; stderr: $(cat "$work/err")"
  grep -Eq -- "$regex" "$work/err" || fail "$* printed '$(cat "$work/err")', expected /$regex/"
  echo "ok: $* -> exit $rc: $(head -1 "$work/err")"
}
small=(--limit-train 2000 --limit-test 500 --data "$data")

case $case in
train_eval_inspect)
  "$bin" train --epochs 2 --batch 32 --seed 3 --threads 2 --limit-train 5000 --limit-test 500 --data "$data" --out "$work/run" >"$work/log" 2>&1 ||
    fail "train failed: $(cat "$work/log")"
  for f in checkpoint.snn metrics.json curves.svg; do [[ -s $work/run/$f ]] || fail "missing $f"; done
  ls "$work/run" | grep -q tmp && fail "temporary files left behind"
  # metrics.json: two records with exactly the documented fields.
  [[ $(grep -c '"epoch"' "$work/run/metrics.json") == 2 ]] || fail "metrics.json should hold 2 epochs"
  grep -Eq '^  \{"epoch": 2, "train_loss": [0-9.]+, "train_accuracy": 0\.[0-9]+, "test_accuracy": 0\.[0-9]+, "seconds": [0-9.]+, "images_per_s": [0-9.]+\}$' \
    "$work/run/metrics.json" || fail "metrics.json record format: $(cat "$work/run/metrics.json")"
  grep -q '<polyline' "$work/run/curves.svg" || fail "curves.svg has no curves"
  # 2 epochs on 5,000 images reach well above chance (0.1) on held-out images.
  acc=$(sed -n 's/.*"epoch": 2.*"test_accuracy": \([0-9.]*\).*/\1/p' "$work/run/metrics.json")
  awk -v a="$acc" 'BEGIN { exit !(a > 0.6) }' || fail "test accuracy $acc after 2 epochs, expected > 0.6"
  # eval agrees with the last epoch's test accuracy, and its confusion matrix sums to the image count.
  "$bin" eval --checkpoint "$work/run/checkpoint.snn" --data "$data" --limit-test 500 >"$work/eval" ||
    fail "eval failed"
  grep -q "test accuracy $(printf '%.4f' "$acc") (" "$work/eval" || fail "eval: $(head -1 "$work/eval") vs metrics $acc"
  total=$(awk '/^ +[0-9]+ +[0-9]+ +[0-9]+/ && NR > 4 { for (i = 2; i <= NF; i++) s += $i } END { print s }' "$work/eval")
  [[ $total == 500 ]] || fail "confusion matrix sums to $total, expected 500"
  # inspect shows every layer and batchnorm's gamma/beta moved away from 1 and 0.
  "$bin" inspect --checkpoint "$work/run/checkpoint.snn" >"$work/inspect" || fail "inspect failed"
  [[ $(grep -c 'gamma' "$work/inspect") == 4 ]] || fail "inspect should list 4 batchnorm layers"
  grep -q ' 15 dense ' "$work/inspect" || fail "inspect lists 16 layers"
  awk '/gamma/ && $3 == "1.0000" && $7 == "1.0000" { bad = 1 } END { exit bad }' "$work/inspect" ||
    fail "gamma did not train"
  echo "ok: train/eval/inspect (test accuracy $acc)"
  ;;
determinism)
  # Same seed: identical checkpoints, whatever the thread count.
  for t in 1 2 3; do
    "$bin" train --epochs 1 --seed 7 --threads $t "${small[@]}" --out "$work/t$t" >/dev/null 2>&1 || fail "train t=$t"
  done
  cmp "$work/t1/checkpoint.snn" "$work/t2/checkpoint.snn" || fail "1 vs 2 threads differ"
  cmp "$work/t1/checkpoint.snn" "$work/t3/checkpoint.snn" || fail "1 vs 3 threads differ"
  "$bin" train --epochs 1 --seed 8 --threads 2 "${small[@]}" --out "$work/s8" >/dev/null 2>&1 || fail "train seed 8"
  cmp -s "$work/t1/checkpoint.snn" "$work/s8/checkpoint.snn" && fail "seeds 7 and 8 gave the same weights"
  echo "ok: bit-identical across 1, 2, 3 threads; seeds differ"
  ;;
bad_input)
  expect_error 2 "unknown flag --bogus" "$bin" train --bogus
  expect_error 2 "--batch must be in \[2, 512\], got 0" "$bin" train --batch 0
  expect_error 2 "--lr must be in" "$bin" train --lr -1
  expect_error 2 "--epochs expects an integer, got 'ten'" "$bin" train --epochs ten
  expect_error 2 "--out needs a value" "$bin" train --out
  expect_error 2 "unknown model 'resnet'" "$bin" train --model resnet "${small[@]}"
  expect_error 2 "unknown command 'fly'" "$bin" fly
  expect_error 2 "--checkpoint FILE is required" "$bin" eval
  expect_error 1 "$work/nowhere: data folder not found" "$bin" train --data "$work/nowhere" --out "$work/o1"
  [[ -e $work/o1 ]] && fail "a failed run created its output folder"
  # A truncated image file: named, and nothing written.
  mkdir -p "$work/trunc" && cp "$data"/*-ubyte "$work/trunc/"
  head -c 1000000 "$data/train-images-idx3-ubyte" >"$work/trunc/train-images-idx3-ubyte"
  expect_error 1 "$work/trunc/train-images-idx3-ubyte: truncated" "$bin" train --data "$work/trunc" --out "$work/o2"
  [[ -e $work/o2 ]] && fail "a failed run created its output folder"
  # Checkpoints: missing, not a checkpoint, bit-flipped, truncated.
  expect_error 1 "$work/none.snn: cannot open" "$bin" eval --checkpoint "$work/none.snn" --data "$data"
  expect_error 1 "not a staticnn checkpoint" "$bin" inspect --checkpoint "$data/t10k-labels-idx1-ubyte"
  "$bin" train --epochs 1 "${small[@]}" --out "$work/good" >/dev/null 2>&1 || fail "train"
  cp "$work/good/checkpoint.snn" "$work/flip.snn"
  printf '\x55' | dd of="$work/flip.snn" bs=1 seek=5000 conv=notrunc status=none
  expect_error 1 "flip.snn: corrupt: CRC-32 mismatch" "$bin" eval --checkpoint "$work/flip.snn" --data "$data"
  head -c 3000 "$work/good/checkpoint.snn" >"$work/short.snn"
  expect_error 1 "short.snn: corrupt: CRC-32 mismatch" "$bin" inspect --checkpoint "$work/short.snn"
  ;;
*) fail "unknown case $case" ;;
esac
