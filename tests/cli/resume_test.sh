#!/usr/bin/env bash
# Crash and divergence tests on real Fashion-MNIST: resume_test.sh STATICNN DATA_DIR WORK_DIR CASE [quick]
#   crash_resume  kill -9 a training run at random moments, resume it, and get the weights of an
#                 uninterrupted run bit for bit; the checkpoint is loadable at every moment.
#   divergence    a run whose parameters overflow stops with the step and a hint, exit 1, and the
#                 last good checkpoint is kept.
# "quick" (the sanitizer build) trains on fewer images with the same number of steps per epoch.
set -uo pipefail
bin=$1 data=$2 work=$3 case=$4 quick=${5:-}
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

# A data folder holding the first N training and 200 test images of the real files (fast to load).
be32() { printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)))"; }
subset() {
  mkdir -p "$1"
  { be32 0x803; be32 "$2"; be32 28; be32 28; tail -c +17 "$data/train-images-idx3-ubyte" | head -c $(($2 * 784)); } >"$1/train-images-idx3-ubyte"
  { be32 0x801; be32 "$2"; tail -c +9 "$data/train-labels-idx1-ubyte" | head -c "$2"; } >"$1/train-labels-idx1-ubyte"
  { be32 0x803; be32 200; be32 28; be32 28; tail -c +17 "$data/t10k-images-idx3-ubyte" | head -c $((200 * 784)); } >"$1/t10k-images-idx3-ubyte"
  { be32 0x801; be32 200; tail -c +9 "$data/t10k-labels-idx1-ubyte" | head -c 200; } >"$1/t10k-labels-idx1-ubyte"
}
# "<epoch> <batch> <step> <hash>" of a checkpoint (inspect --hash: parameters, state, velocity).
progress_of() {
  "$bin" inspect --hash --checkpoint "$1" |
    sed -n 's/.*epoch \([0-9]*\), batch \([0-9]*\), step \([0-9]*\),.*fnv1a64 \([0-9a-f]*\)$/\1 \2 \3 \4/p'
}
step_of() { local p; p=$(progress_of "$1" 2>/dev/null) && [[ -n $p ]] && echo "$p" | cut -d' ' -f3 || echo -1; }
now_ms() { date +%s%3N; }

case $case in
crash_resume)
  # 47 steps per epoch either way (6000 / 128 or 752 / 16); a checkpoint every 20 steps, so
  # most kills resume mid-epoch and some at an epoch boundary.
  if [[ $quick == quick ]]; then n=752 batch=16; else n=6000 batch=128; fi
  subset "$work/data" $n
  flags=(--epochs 3 --batch $batch --seed 11 --lr 0.05 --momentum 0.9 --weight-decay 0.0001 --limit-test 200
    --data "$work/data" --checkpoint-every 20)
  t0=$(now_ms)
  "$bin" train "${flags[@]}" --threads 2 --out "$work/ref" >"$work/ref.log" 2>&1 || fail "reference run: $(cat "$work/ref.log")"
  run_ms=$(($(now_ms) - t0))
  read -r _ _ ref_step ref_hash <<<"$(progress_of "$work/ref/checkpoint.snn")"
  [[ $ref_step == 141 ]] || fail "reference run ended at step '$ref_step', expected 141"

  # A reader that loads the checkpoint over and over while training writes it: never torn.
  watch_checkpoint() {
    local loads=0
    while [[ ! -e $work/stop ]]; do
      if [[ -e $work/run/checkpoint.snn ]]; then
        if "$bin" inspect --hash --checkpoint "$work/run/checkpoint.snn" >"$work/watch.out" 2>&1; then
          loads=$((loads + 1))
        elif ! grep -q "cannot open" "$work/watch.out"; then  # (a retry removes the folder)
          cp "$work/watch.out" "$work/torn" && break
        fi
      fi
    done
    echo $loads >"$work/loads"
  }
  watch_checkpoint &
  watcher=$!

  # Start (or resume), wait for a checkpoint newer than the last one, then kill -9 at a random
  # moment within the run's expected remaining time. Twice; then resume to the end.
  seed=$((10#$(date +%N) % 32768)) && RANDOM=$seed
  kills=() last=-1
  for attempt in 1 2 3 4 5; do
    ((${#kills[@]} >= 2)) && break
    if ((last < 0)); then
      "$bin" train "${flags[@]}" --threads 2 --out "$work/run" >>"$work/run.log" 2>&1 &
    else
      "$bin" train --resume "$work/run" --threads $((attempt % 2 + 1)) >>"$work/run.log" 2>&1 &
    fi
    pid=$! started=$(now_ms)
    while kill -0 $pid 2>/dev/null && (($(step_of "$work/run/checkpoint.snn") <= last)); do sleep 0.02; done
    left=$((run_ms * 2 / 3 - ($(now_ms) - started)))
    delay=$((left > 10 ? RANDOM % left : 0))
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    status=$?
    if ((status != 137)); then  # it finished first: done, or (no kill yet) again, killing sooner
      ((${#kills[@]} > 0)) && break
      rm -rf "$work/run" && run_ms=$((run_ms / 2)) && continue
    fi
    read -r epoch batch step _ <<<"$(progress_of "$work/run/checkpoint.snn")"
    [[ -n ${step:-} ]] || fail "checkpoint not loadable after kill -9: $("$bin" inspect --hash --checkpoint "$work/run/checkpoint.snn" 2>&1)"
    kills+=("kill -9 ${delay} ms after a new checkpoint appeared; resumed from step $step (epoch $epoch + batch $batch)")
    last=$step
  done
  ((${#kills[@]} >= 1)) || fail "the run always finished before kill -9 (a run takes $run_ms ms; random seed $seed)"
  # What a writer killed mid-write leaves (pid 99999999 runs nowhere): the resume removes it, and
  # only it.
  touch "$work/run/checkpoint.snn.tmp-99999999" "$work/run/notes.tmp-99999999"
  "$bin" train --resume "$work/run" --threads 1 >>"$work/run.log" 2>&1 || fail "final resume: $(tail -3 "$work/run.log")"
  [[ ! -e $work/run/checkpoint.snn.tmp-99999999 && -e $work/run/notes.tmp-99999999 ]] ||
    fail "stale temporary: $(ls "$work/run")"
  rm "$work/run/notes.tmp-99999999"
  touch "$work/stop" && wait $watcher
  [[ -e $work/torn ]] && fail "a reader saw a torn checkpoint: $(cat "$work/torn")"
  read -r _ _ step hash <<<"$(progress_of "$work/run/checkpoint.snn")"
  [[ $step == "$ref_step" && $hash == "$ref_hash" ]] ||
    fail "resumed run ends at step $step hash $hash, uninterrupted at step $ref_step hash $ref_hash"
  # metrics.json: the same records (all but the timings), epochs 1 to 3.
  strip() { sed 's/, "seconds".*//' "$1"; }
  diff <(strip "$work/ref/metrics.json") <(strip "$work/run/metrics.json") >"$work/diff" ||
    fail "metrics.json differs: $(cat "$work/diff")"
  [[ $(grep -c '"epoch"' "$work/run/metrics.json") == 3 ]] || fail "metrics.json should hold 3 epochs"
  ! compgen -G "$work/run/*.tmp-*" >/dev/null || fail "temporary files left: $(echo "$work"/run/*.tmp-*)"
  # Killed after the last checkpoint but before the reports: --resume writes them from the checkpoint.
  cp "$work/run/metrics.json" "$work/metrics.json" && rm "$work/run/metrics.json" "$work/run/curves.svg"
  "$bin" train --resume "$work/run" >"$work/done.log" 2>&1 || fail "resume of a finished run: $(cat "$work/done.log")"
  grep -q "already finished (3 epochs)" "$work/done.log" || fail "resume of a finished run: $(cat "$work/done.log")"
  cmp -s "$work/metrics.json" "$work/run/metrics.json" && [[ -s $work/run/curves.svg ]] || fail "reports not rewritten"
  printf "ok: %s\n" "${kills[@]}" "random seed $seed"
  echo "ok: bit-identical to the uninterrupted run (step $step, fnv1a64 $hash); $(cat "$work/loads") loads while writing, none torn"
  ;;
divergence)
  subset "$work/data" 2000
  small=(--epochs 1 --limit-test 200 --data "$work/data")
  # lr * weight_decay = 1000: each step multiplies the weights by about -999, so they overflow.
  diverge=(--lr 1000 --weight-decay 1)
  # 1. The checkpoint of an earlier run in the same folder stays as it was.
  "$bin" train "${small[@]}" --limit-train 500 --out "$work/run" >/dev/null 2>&1 || fail "good run"
  cp "$work/run/checkpoint.snn" "$work/good.snn"
  "$bin" train "${small[@]}" "${diverge[@]}" --out "$work/run" >/dev/null 2>"$work/err"
  rc=$?
  [[ $rc == 1 ]] || fail "diverging run exited $rc: $(cat "$work/err")"
  grep -Eq "^staticnn train: error: training diverged at step [0-9]+ \(epoch 1\): layer [0-9]+ \([a-z0-9]+\) (parameter|state value) [0-9]+ = (-?inf|-?nan); try a lower learning rate \(--lr, now 1000\); this run wrote no checkpoint$" \
    "$work/err" || fail "message: $(cat "$work/err")"
  cmp -s "$work/good.snn" "$work/run/checkpoint.snn" || fail "the diverging run changed the earlier checkpoint"
  echo "ok: $(cat "$work/err")"
  # 2. With a checkpoint every step, the last one holds the step before the divergence, loadable
  #    and finite.
  "$bin" train "${small[@]}" "${diverge[@]}" --checkpoint-every 1 --out "$work/every" >/dev/null 2>"$work/err"
  rc=$?
  [[ $rc == 1 ]] || fail "diverging run exited $rc: $(cat "$work/err")"
  bad=$(sed -n 's/.*training diverged at step \([0-9]*\) .*still holds step \([0-9]*\)$/\1 \2/p' "$work/err")
  read -r at kept <<<"$bad"
  [[ -n $at && $kept == $((at - 1)) ]] || fail "message: $(cat "$work/err")"
  [[ $(progress_of "$work/every/checkpoint.snn" | cut -d' ' -f3) == "$kept" ]] || fail "checkpoint is not at step $kept"
  "$bin" inspect --checkpoint "$work/every/checkpoint.snn" >"$work/inspect" || fail "checkpoint not loadable"
  # -w: whole words, so that the 'inf' of a path (a build in wt-infer) does not match
  grep -Eqiw 'nan|inf' "$work/inspect" && fail "the kept checkpoint holds non-finite values"
  "$bin" eval --checkpoint "$work/every/checkpoint.snn" --data "$work/data" >/dev/null || fail "eval of the kept checkpoint"
  ! compgen -G "$work/every/*.tmp-*" >/dev/null || fail "temporary files left"
  echo "ok: $(cat "$work/err")"
  ;;
*) fail "unknown case $case" ;;
esac
