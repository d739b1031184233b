#!/bin/sh
# Checks a firmware image's figures against its budget in a budgets file (targets/budgets.txt):
#
#   budget-check.sh -b <budgets.txt> -m <machine> -n <image name> -e <image.elf>
#                   [-z <arm-none-eabi-size>] [-u <reason>] [-- <command that runs the image>]
#
#   flash         text + data bytes (arm-none-eabi-size -B)
#   ram           data + bss bytes, plus the stack high-water mark the run reports
#                 ("fw: max_stack_bytes S of T"; the stack region is not part of bss)
#   instructions  the most any image of the run took ("fw: instructions_per_inference ... max N"),
#                 counted under QEMU -icount: the same count on every run
# Without a command (no test data) only flash is checked. Exit status: 0 every figure was measured
# and is within its budget; 1 a figure is over its budget, or the run failed; 77 (the test's
# SKIP_RETURN_CODE) nothing over budget but something unchecked: no budget for this machine and
# image (or "-" for a figure), no test data, or -u <reason> (not the image the budgets are for).
# Every run prints the figures and the budgets line that holds them with the margins below, the
# way to update a budget deliberately.
set -eu

# Budget = measured + margin: adding 200 bytes of flash fails; losing a fast path costs more
# instructions than the margin.
flash_margin=128
ram_margin=64
instructions_margin_per_10000=5  # 0.05%
skip=77

budgets='' machine='' name='' elf='' size=arm-none-eabi-size unbudgeted=''
while [ $# -gt 0 ]; do
  case "$1" in
    -b) budgets=$2; shift 2 ;;
    -m) machine=$2; shift 2 ;;
    -n) name=$2; shift 2 ;;
    -e) elf=$2; shift 2 ;;
    -z) size=$2; shift 2 ;;
    -u) unbudgeted=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "budget-check.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -z "$budgets" ] || [ -z "$machine" ] || [ -z "$name" ] || [ -z "$elf" ]; then
  echo "usage: budget-check.sh -b budgets.txt -m machine -n image -e image.elf [-z size] [-u reason] [-- command]" >&2
  exit 2
fi
if [ -n "$unbudgeted" ]; then
  echo "SKIP $machine $name: $unbudgeted"
  exit $skip
fi

# Berkeley format: a header, then "text data bss dec hex filename".
sizes=$("$size" -B "$elf" | awk 'NR == 2 { print $1, $2, $3 }')
case "$sizes" in
  *[0-9]' '*[0-9]' '*[0-9]) ;;
  *) echo "$machine $name: no sizes from $size -B $elf"; exit 1 ;;
esac
[ -r "$budgets" ] || { echo "$machine $name: cannot read $budgets"; exit 1; }
text=${sizes%% *} rest=${sizes#* }
data=${rest%% *} bss=${rest#* }
flash=$((text + data))

# Budgets lines: "<machine> <image> <flash> <ram> <instructions>", "-" for none; '#' starts a comment.
entry=$(awk -v m="$machine" -v n="$name" '{ sub(/#.*/, "") } $1 == m && $2 == n { print $3, $4, $5; exit }' "$budgets")
budget_flash=$(echo "$entry" | awk '{ print $1 }')
budget_ram=$(echo "$entry" | awk '{ print $2 }')
budget_instructions=$(echo "$entry" | awk '{ print $3 }')
[ -n "$entry" ] || echo "$machine $name: no line in $budgets"

over=0 unchecked=0
check() {  # <figure> <measured> <budget> <what it is made of>
  case "$3" in
    '' | -)
      echo "$machine $name $1: $2 ($4), no budget"
      unchecked=1 ;;
    *[!0-9]*)
      echo "$machine $name $1: budget '$3' in $budgets is not a number"
      over=1 ;;
    *)
      if [ "$2" -gt "$3" ]; then
        echo "$machine $name $1: measured $2 > budget $3 ($4)"
        over=1
      else
        echo "$machine $name $1: $2 <= budget $3 ($4)"
      fi ;;
  esac
}

check flash "$flash" "$budget_flash" "text $text + data $data"
line_ram=- line_instructions=-
if [ $# -gt 0 ]; then
  out=$(mktemp)
  trap 'rm -f "$out"' EXIT
  status=0
  "$@" >"$out" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    cat "$out"
    echo "$machine $name: the run failed (exit status $status)"
    exit 1
  fi
  # The first of each: netduinoplus2 prints the report twice (UART, then semihosting).
  instructions=$(sed -n 's/^fw: instructions_per_inference .* max \([0-9][0-9]*\) .*/\1/p' "$out" | head -n 1)
  stack=$(sed -n 's/^fw: max_stack_bytes \([0-9][0-9]*\) of .*/\1/p' "$out" | head -n 1)
  images=$(sed -n 's/^fw: machine .* images \([0-9][0-9]*\) .*/\1/p' "$out" | head -n 1)
  if [ -z "$instructions" ] || [ -z "$stack" ]; then
    cat "$out"
    echo "$machine $name: no 'fw: instructions_per_inference ... max N' or 'fw: max_stack_bytes' line in the output"
    exit 1
  fi
  ram=$((data + bss + stack))
  check ram "$ram" "$budget_ram" "data $data + bss $bss + stack $stack"
  check instructions "$instructions" "$budget_instructions" "per inference, the most of $images images"
  line_ram=$((ram + ram_margin))
  line_instructions=$((instructions + (instructions * instructions_margin_per_10000 + 9999) / 10000))
else
  echo "$machine $name ram, instructions: not measured (no test data to run the image on)"
  unchecked=1
fi

echo "budgets line for these figures: $machine $name $((flash + flash_margin)) $line_ram $line_instructions"
if [ "$over" -ne 0 ]; then
  exit 1
fi
if [ "$unchecked" -ne 0 ]; then
  echo "SKIP $machine $name: a figure has no budget or was not measured"
  exit $skip
fi
