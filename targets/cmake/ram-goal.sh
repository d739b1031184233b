#!/bin/sh
# Issue 15's RAM goal for a firmware image: peak RAM (data + bss + the stack high-water mark the
# run reports, "fw: max_stack_bytes S of T") at most the largest pair of tensors live at once
# plus 20%, checked exactly as 5 ram <= 6 pair.
#
#   ram-goal.sh -e <image.elf> -z <arm-none-eabi-size> -p <pair bytes> -- <command that runs the image>
#
# Exit status 0: within the goal; 1: over it, or the run failed.
set -eu
elf='' size=arm-none-eabi-size pair=''
while [ $# -gt 0 ]; do
  case "$1" in
    -e) elf=$2; shift 2 ;;
    -z) size=$2; shift 2 ;;
    -p) pair=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "ram-goal.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -z "$elf" ] || [ -z "$pair" ] || [ $# -eq 0 ]; then
  echo "usage: ram-goal.sh -e image.elf [-z size] -p pair_bytes -- command" >&2
  exit 2
fi
# Berkeley format: a header, then "text data bss dec hex filename".
sizes=$("$size" -B "$elf" | awk 'NR == 2 { print $2, $3 }')
data=${sizes% *} bss=${sizes#* }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
"$@" >"$out" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  cat "$out"
  echo "ram-goal: the run failed (exit status $status)"
  exit 1
fi
stack=$(sed -n 's/^fw: max_stack_bytes \([0-9][0-9]*\) of .*/\1/p' "$out" | head -n 1)
if [ -z "$stack" ]; then
  cat "$out"
  echo "ram-goal: no 'fw: max_stack_bytes' line in the output"
  exit 1
fi
ram=$((data + bss + stack))
goal=$((pair * 6 / 5))
if [ $((5 * ram)) -le $((6 * pair)) ]; then
  echo "ram-goal: data $data + bss $bss + stack $stack = $ram <= 1.2 x pair $pair ($goal) PASS"
else
  echo "ram-goal: data $data + bss $bss + stack $stack = $ram > 1.2 x pair $pair ($goal) FAIL"
  exit 1
fi
