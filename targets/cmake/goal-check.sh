#!/bin/sh
# Issue 14's goals for a firmware image of one network, checked on every run of its tests:
#
#   goal-check.sh -e <image.elf> [-z <arm-none-eabi-size>] [-n <arm-none-eabi-nm>]
#                 [-m <multiply-adds per inference> -i <most instructions per MAC, in thousandths>]
#                 [-r <most RAM bytes>] [-s <weights symbol> -f <most flash bytes over the weights>]
#                 -- <command that runs the image>
#
# Each goal given is checked (at least one); the image always runs and must exit 0.
#
#   instructions  the most any image of the run took ("fw: instructions_per_inference ... max N",
#                 exact under QEMU -icount): N * 1000 <= i * m
#   RAM           data + bss bytes plus the stack high-water mark the run reports
#                 ("fw: max_stack_bytes S of T") <= r
#   flash         text + data bytes (arm-none-eabi-size -B) <= the size of the weights symbol
#                 (the exported network object, arm-none-eabi-nm -S, demangled) + f
# Exit status 0: every figure within its goal; 1: a figure over its goal, or the run failed.
set -eu
elf='' size=arm-none-eabi-size nm=arm-none-eabi-nm macs='' permille='' ram_goal='' symbol='' over=''
while [ $# -gt 0 ]; do
  case "$1" in
    -e) elf=$2; shift 2 ;;
    -z) size=$2; shift 2 ;;
    -n) nm=$2; shift 2 ;;
    -m) macs=$2; shift 2 ;;
    -i) permille=$2; shift 2 ;;
    -r) ram_goal=$2; shift 2 ;;
    -s) symbol=$2; shift 2 ;;
    -f) over=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "goal-check.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
given() { [ -n "$1" ] && echo 1 || echo 0; }  # given <value>: 1 if it is set
if [ -z "$elf" ] || [ $# -eq 0 ] || [ "$(given "$macs")" != "$(given "$permille")" ] ||
   [ "$(given "$symbol")" != "$(given "$over")" ] || { [ -z "$permille" ] && [ -z "$ram_goal" ] && [ -z "$symbol" ]; }; then
  echo "usage: goal-check.sh -e image.elf [-z size] [-n nm] [-m macs -i permille] [-r ram] [-s symbol -f bytes] -- command" >&2
  exit 2
fi
# Berkeley format: a header, then "text data bss dec hex filename".
sizes=$("$size" -B "$elf" | awk 'NR == 2 { print $1, $2, $3 }')
text=$(echo "$sizes" | cut -d' ' -f1) data=$(echo "$sizes" | cut -d' ' -f2) bss=$(echo "$sizes" | cut -d' ' -f3)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
"$@" >"$out" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  cat "$out"
  echo "goal-check: the run of $(basename "$elf") failed (exit status $status)"
  exit 1
fi
stack=$(sed -n 's/^fw: max_stack_bytes \([0-9][0-9]*\) of .*/\1/p' "$out" | head -n 1)
instructions=$(sed -n 's/^fw: instructions_per_inference .* max \([0-9][0-9]*\) .*/\1/p' "$out" | head -n 1)
if [ -z "$stack" ] || [ -z "$instructions" ]; then
  cat "$out"
  echo "goal-check: $(basename "$elf"): no 'fw: max_stack_bytes' or 'fw: instructions_per_inference' line in the output"
  exit 1
fi
fail=0
report() {  # report <what> <figure> <goal> <0 within | 1 over>
  if [ "$4" -eq 0 ]; then echo "goal-check: $1 $2 <= $3 PASS"; else echo "goal-check: $1 $2 > $3 FAIL"; fail=1; fi
}
if [ -n "$permille" ]; then
  over_goal=0
  [ $((instructions * 1000)) -le $((permille * macs)) ] || over_goal=1
  report "instructions per MAC" "$(awk -v n="$instructions" -v m="$macs" 'BEGIN { printf "%.3f (%d / %d)", n / m, n, m }')" \
    "$(awk -v p="$permille" 'BEGIN { printf "%.3f", p / 1000 }')" "$over_goal"
fi
if [ -n "$ram_goal" ]; then
  ram=$((data + bss + stack))
  over_goal=0
  [ "$ram" -le "$ram_goal" ] || over_goal=1
  report "RAM data $data + bss $bss + stack $stack =" "$ram" "$ram_goal" "$over_goal"
fi
if [ -n "$symbol" ]; then
  weights=$("$nm" -C -S --defined-only "$elf" | awk -v s="$symbol" '{ name = $4; for (i = 5; i <= NF; ++i) name = name " " $i } name == s { print $2 }' | head -n 1)
  if [ -z "$weights" ]; then
    echo "goal-check: $(basename "$elf") has no symbol $symbol (the weights)"
    exit 1
  fi
  weights=$(printf '%d' "0x$weights")
  flash=$((text + data))
  over_goal=0
  [ "$flash" -le $((weights + over)) ] || over_goal=1
  report "flash text $text + data $data =" "$flash" "weights $weights + $over = $((weights + over))" "$over_goal"
fi
exit "$fail"
