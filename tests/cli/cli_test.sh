#!/usr/bin/env bash
# CLI tests on real Fashion-MNIST: cli_test.sh STATICNN DATA_DIR WORK_DIR CASE
# Each case checks outputs and exit codes against what a user must see.
set -uo pipefail
bin=$1 data=$2 work=$3 case=$4
rm -rf "$work" && mkdir -p "$work"
source "$(dirname "$0")/common.sh"
small=(--limit-train 2000 --limit-test 500 --data "$data")

# Hand-made IDX files from the real ones (be32: common.sh): idx_images SRC N ROWS COLS and
# idx_labels SRC N print a file of the first N items of SRC.
idx_images() { be32 0x803; be32 "$2"; be32 "$3"; be32 "$4"; tail -c +17 "$1" | head -c $(($2 * $3 * $4)); }
idx_labels() { be32 0x801; be32 "$2"; tail -c +9 "$1" | head -c "$2"; }
# subset DIR N: a data folder with the first N training and 500 test images (fast to load).
subset() {
  mkdir -p "$1"
  idx_images "$data/train-images-idx3-ubyte" "$2" 28 28 >"$1/train-images-idx3-ubyte"
  idx_labels "$data/train-labels-idx1-ubyte" "$2" >"$1/train-labels-idx1-ubyte"
  idx_images "$data/t10k-images-idx3-ubyte" 500 28 28 >"$1/t10k-images-idx3-ubyte"
  idx_labels "$data/t10k-labels-idx1-ubyte" 500 >"$1/t10k-labels-idx1-ubyte"
}
# patch FILE OFFSET BYTES: overwrite bytes (printf escapes) in place.
patch() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
# fix_crc FILE: a valid CRC-32 for the rest of the checkpoint (gzip's trailer holds the same CRC-32),
# so a deliberately changed header gets past the CRC check to the check it is meant for.
fix_crc() {
  head -c $(($(stat -c %s "$1") - 4)) "$1" >"$1.body"
  { cat "$1.body"; gzip -c -n <"$1.body" | tail -c 8 | head -c 4; } >"$1" && rm "$1.body"
}
hash_of() { "$bin" inspect --hash --checkpoint "$1" | sed -n 's/.*fnv1a64 \([0-9a-f]*\)$/\1/p'; }

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
  # Same seed: identical parameters, state and velocity, whatever the thread count (the files
  # differ only in the seconds the epochs took, recorded with the metrics).
  for t in 1 2 3; do
    "$bin" train --epochs 1 --seed 7 --threads $t "${small[@]}" --out "$work/t$t" >/dev/null 2>&1 || fail "train t=$t"
  done
  h1=$(hash_of "$work/t1/checkpoint.snn")
  [[ -n $h1 && $h1 == $(hash_of "$work/t2/checkpoint.snn") ]] || fail "1 vs 2 threads differ"
  [[ $h1 == $(hash_of "$work/t3/checkpoint.snn") ]] || fail "1 vs 3 threads differ"
  "$bin" train --epochs 1 --seed 8 --threads 2 "${small[@]}" --out "$work/s8" >/dev/null 2>&1 || fail "train seed 8"
  [[ $h1 == $(hash_of "$work/s8/checkpoint.snn") ]] && fail "seeds 7 and 8 gave the same weights"
  echo "ok: bit-identical across 1, 2, 3 threads; seeds differ"
  ;;
bad_input)
  # Bad input everywhere: each case gets one line naming the flag or file, a non-zero exit status
  # (2 usage, 1 file or data), no crash, and no output left behind. docs/reliability.md lists them.
  # -- flags
  expect_error 2 "unknown flag --bogus" "$bin" train --bogus
  expect_error 2 "--batch must be in \[2, 512\], got 0" "$bin" train --batch 0
  expect_error 2 "--lr must be in \[1e-12, 1000\], got -1" "$bin" train --lr -1
  expect_error 2 "--lr expects a number, got 'nan'" "$bin" train --lr nan
  expect_error 2 "--lr must be in .*, got inf" "$bin" train --lr inf
  expect_error 2 "--epochs expects an integer, got 'ten'" "$bin" train --epochs ten
  expect_error 2 "--epochs must be in \[1, 100000\], got 99999999999999999999" "$bin" train --epochs 99999999999999999999
  expect_error 2 "--threads must be in \[1, 256\], got 0" "$bin" train --threads 0
  expect_error 2 "--checkpoint-every must be in \[1, " "$bin" train --checkpoint-every 0
  expect_error 2 "--out needs a value" "$bin" train --out
  expect_error 2 "--out must not be empty" "$bin" train --out=
  expect_error 2 "--seed given twice" "$bin" train --seed 1 --seed 2
  expect_error 2 "unexpected argument 'extra'" "$bin" train extra
  expect_error 2 "--hash takes no value" "$bin" inspect --hash=yes --checkpoint x
  expect_error 2 "unknown model 'resnet'" "$bin" train --model resnet "${small[@]}"
  expect_error 2 "unknown command 'fly'" "$bin" fly
  expect_error 2 "--checkpoint FILE is required" "$bin" eval
  expect_error 2 "--isa must be baseline, avx2 or avx512, got 'sse'" "$bin" bench --isa sse
  if ! grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
    expect_error 1 "--isa avx512: this CPU runs at most" "$bin" bench --isa avx512 --seconds 0.1
  fi
  expect_error 2 "--namespace must be a C\+\+ identifier" "$bin" export --checkpoint x --out "$work/x.hpp" --namespace 9x
  no_output "$work/x.hpp"
  # -- data files: a small real subset, then one defect per copy
  subset "$work/d" 300
  expect_error 1 "$work/nowhere: data folder not found" "$bin" train --data "$work/nowhere" --out "$work/o"
  no_output "$work/o"
  bad_data() {  # bad_data REGEX FILE CONTENT-COMMAND...: train on a copy of d with FILE replaced
    local regex=$1 file=$2; shift 2
    rm -rf "$work/bad" && cp -r "$work/d" "$work/bad" && "$@" >"$work/bad/$file"
    expect_error 1 "$work/bad/$file: $regex" "$bin" train --epochs 1 --data "$work/bad" --out "$work/o"
    no_output "$work/o"
  }
  images=$work/d/train-images-idx3-ubyte labels=$work/d/train-labels-idx1-ubyte
  bad_data "wrong magic: found 0x00000801, expected 0x00000803" train-images-idx3-ubyte cat "$labels"
  bad_data "wrong magic: found 0x00000803, expected 0x00000801" train-labels-idx1-ubyte cat "$images"
  bad_data "gzip-compressed: gunzip it first" train-images-idx3-ubyte gzip -c "$images"
  bad_data "truncated: file has 0 bytes" train-labels-idx1-ubyte true
  bad_data "truncated: file has 10 bytes, the header alone is 16" train-images-idx3-ubyte head -c 10 "$images"
  bad_data "truncated: header says 300 images of 28x28 = 235200 bytes, file has 200000" \
    train-images-idx3-ubyte head -c 200016 "$images"
  bad_data "trailing bytes: header says 300 labels" train-labels-idx1-ubyte cat "$labels" "$labels"
  bad_data "zero dimension: header says 0 images of 28x28" train-images-idx3-ubyte idx_images "$images" 0 28 28
  bad_data "images are 27x28, the model expects 28x28" train-images-idx3-ubyte idx_images "$images" 300 27 28
  rm -rf "$work/bad" && cp -r "$work/d" "$work/bad" && idx_labels "$labels" 299 >"$work/bad/train-labels-idx1-ubyte"
  expect_error 1 "$work/bad/train-images-idx3-ubyte: count mismatch: 300 images, but .* has 299 labels" \
    "$bin" train --data "$work/bad" --out "$work/o"
  no_output "$work/o"
  cp -r "$work/d" "$work/lab" && patch "$work/lab/t10k-labels-idx1-ubyte" $((8 + 123)) '\x0a'
  expect_error 1 "$work/lab/t10k-labels-idx1-ubyte: label 10 at index 123 is out of range \(num_classes = 10\)" \
    "$bin" train --data "$work/lab" --out "$work/o"
  no_output "$work/o"
  rm -rf "$work/bad" && mkdir -p "$work/bad/train-images-idx3-ubyte"
  expect_error 1 "$work/bad/train-images-idx3-ubyte: cannot open: is a directory" "$bin" train --data "$work/bad" --out "$work/o"
  no_output "$work/o"
  # -- checkpoints: a good one of each model, then one defect per copy
  "$bin" train --epochs 1 --data "$work/d" --out "$work/good" >/dev/null 2>&1 || fail "train bn-lenet"
  "$bin" train --epochs 1 --model lenet --data "$work/d" --out "$work/le" >/dev/null 2>&1 || fail "train lenet"
  good=$work/good/checkpoint.snn
  expect_error 1 "$work/lab/t10k-labels-idx1-ubyte: label 10 at index 123" "$bin" eval --checkpoint "$good" --data "$work/lab"
  expect_error 1 "$work/lab/t10k-labels-idx1-ubyte: label 10 at index 123" \
    "$bin" export --checkpoint "$good" --out "$work/m.hpp" --reference "$work/ref.bin" --data "$work/lab"
  no_output "$work/m.hpp" "$work/ref.bin"
  # export --int8: a bad --calibrate value, --calibrate alone, more calibration images than the
  # training set holds, bad test labels for the reference: one line, nothing written.
  expect_error 2 "--calibrate must be in \[1, 60000\], got 0" "$bin" export --checkpoint "$good" --out "$work/m.hpp" --int8 --calibrate 0
  expect_error 2 "--calibrate expects an integer, got 'many'" "$bin" export --checkpoint "$good" --out "$work/m.hpp" --int8 --calibrate many
  expect_error 2 "--calibrate N needs --int8" "$bin" export --checkpoint "$good" --out "$work/m.hpp" --calibrate 10
  expect_error 1 "$work/d/train-images-idx3-ubyte: holds 300 images, --calibrate asks for 500" \
    "$bin" export --checkpoint "$good" --out "$work/m.hpp" --int8 --calibrate 500 --data "$work/d"
  expect_error 1 "$work/lab/t10k-labels-idx1-ubyte: label 10 at index 123" \
    "$bin" export --checkpoint "$good" --out "$work/m.hpp" --int8 --calibrate 100 --reference "$work/ref.bin" --data "$work/lab"
  no_output "$work/m.hpp" "$work/ref.bin"
  expect_error 1 "$work/none.snn: cannot open: No such file" "$bin" eval --checkpoint "$work/none.snn" --data "$data"
  expect_error 1 "t10k-labels-idx1-ubyte: not a staticnn checkpoint \(bad magic\)" \
    "$bin" inspect --checkpoint "$data/t10k-labels-idx1-ubyte"
  : >"$work/empty.snn"
  expect_error 1 "empty.snn: empty file" "$bin" inspect --checkpoint "$work/empty.snn"
  head -c 10 "$good" >"$work/tiny.snn"
  expect_error 1 "tiny.snn: truncated: 10 bytes" "$bin" inspect --checkpoint "$work/tiny.snn"
  head -c 3000 "$good" >"$work/short.snn"
  expect_error 1 "short.snn: corrupt: CRC-32 mismatch" "$bin" inspect --checkpoint "$work/short.snn"
  cp "$good" "$work/flip.snn" && patch "$work/flip.snn" 5000 '\x55'
  expect_error 1 "flip.snn: corrupt: CRC-32 mismatch" "$bin" eval --checkpoint "$work/flip.snn" --data "$data"
  expect_error 1 "flip.snn: corrupt: CRC-32 mismatch" "$bin" export --checkpoint "$work/flip.snn" --out "$work/m.hpp"
  no_output "$work/m.hpp"
  cp "$good" "$work/version.snn" && patch "$work/version.snn" 8 '\x63'
  expect_error 1 "version.snn: unsupported checkpoint version 99 \(this build reads versions 1 to 2\)" \
    "$bin" inspect --checkpoint "$work/version.snn"
  # A lenet checkpoint where bn-lenet is expected: refused by name on resume, and by its layers
  # when the file claims to be bn-lenet (model name rewritten, CRC made valid again).
  cp "$work/le/checkpoint.snn" "$work/le.snn"
  expect_error 2 "--model bn-lenet conflicts with model=lenet recorded in $work/le/checkpoint.snn" \
    "$bin" train --resume "$work/le" --model bn-lenet
  cmp -s "$work/le.snn" "$work/le/checkpoint.snn" || fail "a refused resume changed the checkpoint"
  { head -c 12 "$work/le.snn"; printf '\x08\x00\x00\x00bn-lenet'; tail -c +22 "$work/le.snn"; } >"$work/forged.snn"
  fix_crc "$work/forged.snn"
  expect_error 1 "forged.snn: checkpoint holds another network \(saved as model 'bn-lenet'\): layer 1 is 'sigmoid" \
    "$bin" eval --checkpoint "$work/forged.snn" --data "$work/d"
  expect_error 1 "forged.snn: checkpoint holds another network" "$bin" export --checkpoint "$work/forged.snn" --out "$work/m.hpp"
  no_output "$work/m.hpp"
  { head -c -4 "$good"; printf 'xyz!'; tail -c 4 "$good"; } >"$work/long.snn" && fix_crc "$work/long.snn"
  expect_error 1 "long.snn: size mismatch: header promises 44878 \+ 452 \+ 44878 numbers, file holds 360836 bytes" \
    "$bin" inspect --checkpoint "$work/long.snn"
  # Resume: a damaged checkpoint or a conflicting flag changes nothing.
  mkdir -p "$work/r" && cp "$work/flip.snn" "$work/r/checkpoint.snn"
  expect_error 1 "$work/r/checkpoint.snn: corrupt: CRC-32 mismatch" "$bin" train --resume "$work/r"
  cmp -s "$work/flip.snn" "$work/r/checkpoint.snn" && [[ $(ls "$work/r") == checkpoint.snn ]] || fail "resume wrote"
  expect_error 1 "$work/nowhere/checkpoint.snn: cannot open" "$bin" train --resume "$work/nowhere"
  no_output "$work/nowhere"
  cp "$good" "$work/good.snn"
  expect_error 2 "--lr 0.05 conflicts with lr=0.1 recorded in $work/good/checkpoint.snn" \
    "$bin" train --resume "$work/good" --lr 0.05
  expect_error 2 "--epochs 5 conflicts with epochs=1 recorded" "$bin" train --resume "$work/good" --epochs 5
  cmp -s "$good" "$work/good.snn" || fail "a refused resume changed the checkpoint"
  ;;
safetensors)
  # PyTorch interchange: export --safetensors then import is bit-identical (the re-exported file
  # is the same bytes) and evaluates the same; each bad file gives one line naming the file and the
  # tensor, exit 1, and leaves no checkpoint folder. docs/reliability.md lists the messages.
  subset "$work/d" 300
  "$bin" train --epochs 1 --data "$work/d" --out "$work/good" >/dev/null 2>&1 || fail "train bn-lenet"
  good=$work/good/checkpoint.snn st=$work/w.safetensors
  "$bin" export --checkpoint "$good" --safetensors --out "$st" >/dev/null || fail "export --safetensors"
  "$bin" import --from "$st" --out "$work/imp" >/dev/null || fail "import"
  "$bin" export --checkpoint "$work/imp/checkpoint.snn" --safetensors --out "$work/again.safetensors" >/dev/null ||
    fail "export of the imported checkpoint"
  cmp -s "$st" "$work/again.safetensors" || fail "export -> import -> export changed the file"
  a=$("$bin" eval --checkpoint "$good" --data "$work/d" | head -1)
  b=$("$bin" eval --checkpoint "$work/imp/checkpoint.snn" --data "$work/d" | head -1)
  [[ $a == "$b" ]] || fail "imported checkpoint evaluates differently: '$b' vs '$a'"
  "$bin" export --checkpoint "$work/imp/checkpoint.snn" --int8 --calibrate 100 --data "$work/d" --out "$work/m8.hpp" \
    >/dev/null || fail "export --int8 of the imported checkpoint"
  # A name map: the classifier as "fc.*" in the file, both ways.
  printf '# ours theirs\n15.weight fc.weight\n15.bias fc.bias\n' >"$work/names.txt"
  "$bin" export --checkpoint "$good" --safetensors --names "$work/names.txt" --out "$work/fc.safetensors" >/dev/null ||
    fail "export --names"
  grep -q '"fc.weight":{"dtype":"F32","shape":\[10,84\]' "$work/fc.safetensors" || fail "export --names did not rename"
  expect_error 1 "fc.safetensors: tensor 'fc.weight' matches no parameter of the model" \
    "$bin" import --from "$work/fc.safetensors" --out "$work/o"
  "$bin" import --from "$work/fc.safetensors" --names "$work/names.txt" --out "$work/fc" >/dev/null || fail "import --names"
  "$bin" export --checkpoint "$work/fc/checkpoint.snn" --safetensors --out "$work/fc-back.safetensors" >/dev/null &&
    cmp -s "$st" "$work/fc-back.safetensors" || fail "import --names changed the numbers"
  printf '16.weight fc.weight\n' >"$work/badnames.txt"
  expect_error 1 "badnames.txt: '16.weight' is no tensor of the model \(its names run from 0.weight to 15.bias\)" \
    "$bin" import --from "$work/fc.safetensors" --names "$work/badnames.txt" --out "$work/o"
  expect_error 2 "--names FILE needs --safetensors" "$bin" export --checkpoint "$good" --names "$work/names.txt" --out "$work/x"
  ls "$work" | grep -q tmp && fail "temporary files left behind"
  expect_error 2 "--from FILE is required" "$bin" import --out "$work/o"
  expect_error 2 "unknown model 'resnet'" "$bin" import --model resnet --from "$st" --out "$work/o"
  expect_error 2 "--safetensors cannot be combined with --int8" "$bin" export --checkpoint "$good" --safetensors --int8 --out "$work/x"
  no_output "$work/o" "$work/x"
  # bad_st REGEX SED-EXPRESSION: import a copy of the file with its first match replaced (same length).
  bad_st() {
    LC_ALL=C sed "0,/$2/s//$3/" "$st" >"$work/bad.safetensors"
    cmp -s "$st" "$work/bad.safetensors" && fail "sed changed nothing: $2"
    expect_error 1 "^staticnn import: error: $work/bad.safetensors: $1\$" "$bin" import --from "$work/bad.safetensors" --out "$work/o"
    no_output "$work/o"
  }
  bad_st "tensor '0.bias' has dtype I32, layer 0 \(conv2d 1x28x28 -> 6x24x24\) needs F32 or F64" \
    '"0.bias":{"dtype":"F32"' '"0.bias":{"dtype":"I32"'
  bad_st "tensor '0.bias': unknown dtype 'X32'" '"0.bias":{"dtype":"F32"' '"0.bias":{"dtype":"X32"'
  bad_st "tensor '0.weight' has shape \[6, 5, 1, 5\], layer 0 \(conv2d 1x28x28 -> 6x24x24\) needs \[6, 1, 5, 5\]" \
    '\[6,1,5,5\]' '[6,5,1,5]'
  bad_st "tensor '0.bias': shape \[7\] of F32 needs 28 bytes, data_offsets give 24" '"shape":\[6\]' '"shape":[7]'
  bad_st "tensor '2.bias' matches no parameter of the model: layer 2 is sigmoid 6x24x24 -> 6x24x24, which has no parameters" \
    '"1.bias"' '"2.bias"'
  bad_st "duplicate tensor '0.bias'" '"1.bias"' '"0.bias"'
  bad_st "tensor '0.bias': data \[596, 620\) overlaps tensor '0.weight'" '\[600,624\]' '[596,620]'
  bad_st "tensor '15.bias': data_offsets \[181280, 181360\] go past the end of the data \(181320 bytes\)" \
    '\[181280,181320\]' '[181280,181360]'
  head -c 5 "$st" >"$work/short.safetensors"
  expect_error 1 "short.safetensors: truncated: 5 bytes, shorter than the 8-byte header length" \
    "$bin" import --from "$work/short.safetensors" --out "$work/o"
  head -c 1000 "$st" >"$work/cut.safetensors"
  expect_error 1 "cut.safetensors: truncated: header length [0-9]+ is more than the 992 bytes after it" \
    "$bin" import --from "$work/cut.safetensors" --out "$work/o"
  head -c -4 "$st" >"$work/cut.safetensors"
  expect_error 1 "cut.safetensors: tensor '15.bias': data_offsets \[181280, 181320\] go past the end of the data \(181316 bytes\)" \
    "$bin" import --from "$work/cut.safetensors" --out "$work/o"
  expect_error 1 "w.safetensors: tensor '1.weight' matches no parameter of the model: layer 1 is sigmoid" \
    "$bin" import --model lenet --from "$st" --out "$work/o"
  expect_error 1 "not-there.safetensors: cannot open: No such file" "$bin" import --from "$work/not-there.safetensors" --out "$work/o"
  no_output "$work/o"
  echo "ok: safetensors export/import round trip and bad files"
  ;;
*) fail "unknown case $case" ;;
esac
