#!/bin/sh
# Runs a Cortex-M image in qemu-system-arm the way the tests need it: headless, semihosting on
# (the image's arguments arrive as `arg=` words, its exit status is main's return through
# SYS_EXIT_EXTENDED), -icount shift=0 (virtual time = 1 ns per instruction, for
# instruction_counter), under `timeout`. CMake uses it as CMAKE_CROSSCOMPILING_EMULATOR:
#
#   qemu-run.sh -M <machine> [-s none|stdio] [-f <addr>:<file>] [-t <seconds>] [-q <qemu>] \
#               [--] image.elf [args...]
#
#   -s stdio   connect the first UART to stdout (netduinoplus2 prints through USART1)
#   -f a:file  preload RAM at address a with file before boot (tests that .bss is really zeroed)
#   -t s       kill QEMU after s seconds (default 900, as STATICNN_QEMU_TIMEOUT; exit status 124)
# With -s stdio the UART text streams to stdout and the semihosting text (the same lines on
# netduinoplus2) is collected and printed to stderr when QEMU ends, so the two do not interleave.
# Environment: STATICNN_QEMU_SEMIHOSTING_CONSOLE=null drops semihosting text (to prove that
# output arrives through the UART); STATICNN_QEMU_EXTRA adds QEMU options (e.g. "-d unimp").
set -eu

machine= serial=none fill= seconds=900 qemu=qemu-system-arm
while [ $# -gt 0 ]; do
  case "$1" in
    -M) machine=$2; shift 2 ;;
    -s) serial=$2; shift 2 ;;
    -f) fill=$2; shift 2 ;;
    -t) seconds=$2; shift 2 ;;
    -q) qemu=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "qemu-run.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ -z "$machine" ] || [ $# -lt 1 ]; then
  echo "usage: qemu-run.sh -M <machine> [-s none|stdio] [-f addr:file] [-t s] [--] image.elf [args...]" >&2
  exit 2
fi
image=$1 image_name=$(basename "$1")
shift

# Semihosting command line: argv[0] is the image name, then the arguments. QEMU splits its
# options at commas, so a literal comma is doubled.
quote() { printf '%s' "$1" | sed 's/,/,,/g'; }
semihosting="enable=on,target=native,arg=$(quote "$(basename "$image" .elf)")"
for a in "$@"; do semihosting="$semihosting,arg=$(quote "$a")"; done

set -- -M "$machine" -nographic -monitor none -serial "$serial" -icount shift=0,sleep=off
semihosting_log=
if [ "${STATICNN_QEMU_SEMIHOSTING_CONSOLE:-}" = null ]; then
  set -- "$@" -chardev null,id=semihosting_console
  semihosting="$semihosting,chardev=semihosting_console"
elif [ "$serial" = stdio ]; then
  semihosting_log=$(mktemp)
  set -- "$@" -chardev "file,id=semihosting_console,path=$semihosting_log"
  semihosting="$semihosting,chardev=semihosting_console"
fi
# With a RAM fill, QEMU is not given the segments that have no file bytes and load where they run
# (.bss, cortex-m.ld): QEMU 7.2 refuses to start when a loaded segment overlaps the fill ("Some ROM
# regions are overlapping"), and the RAM under .bss is to hold the fill at boot, as a board's holds
# whatever it held, so that only the reset handler zeroes .bss. The image's copy has those
# segments' type set to PT_NULL (ELF32 little-endian: e_phoff at byte 28, e_phentsize at 42,
# e_phnum at 44; in each entry p_type at 0, p_vaddr at 8, p_paddr at 12, p_filesz at 16). Other
# segments load as the ELF says, a zero-filled tail at a flash address included (the defect that
# <image>_load names and fw_large_bss shows).
tmp=
cleanup() { [ -z "$semihosting_log" ] || rm -f "$semihosting_log"; [ -z "$tmp" ] || rm -rf "$tmp"; }
trap cleanup EXIT
if [ -n "$fill" ] && [ "$(od -An -tx1 -N6 "$image" | tr -d ' \n')" = 7f454c460101 ]; then
  u() {  # unsigned little-endian integer of $3 bytes at offset $2 of file $1
    od -An -tu1 -j "$2" -N "$3" "$1" |
      awk '{ for (i = NF; i >= 1; --i) v = v * 256 + $i } END { print v + 0 }'
  }
  phoff=$(u "$image" 28 4) phentsize=$(u "$image" 42 2) phnum=$(u "$image" 44 2)
  i=0 nulls=
  while [ "$i" -lt "$phnum" ]; do
    entry=$((phoff + i * phentsize))
    if [ "$(u "$image" "$entry" 4)" -eq 1 ] && [ "$(u "$image" $((entry + 16)) 4)" -eq 0 ] &&
       [ "$(u "$image" $((entry + 8)) 4)" -eq "$(u "$image" $((entry + 12)) 4)" ]; then
      nulls="$nulls $entry"
    fi
    i=$((i + 1))
  done
  if [ -n "$nulls" ]; then
    tmp=$(mktemp -d)
    cp "$image" "$tmp/image.elf"
    image=$tmp/image.elf
    for entry in $nulls; do
      printf '\000\000\000\000' | dd of="$image" bs=1 seek="$entry" count=4 conv=notrunc 2>/dev/null
    done
  fi
fi
set -- "$@" -semihosting-config "$semihosting" -kernel "$image"
if [ -n "$fill" ]; then
  set -- "$@" -device "loader,file=${fill#*:},addr=${fill%%:*},force-raw=on"
fi
status=0
# shellcheck disable=SC2086 # STATICNN_QEMU_EXTRA is a list of words
timeout -k 2 "$seconds" "$qemu" "$@" ${STATICNN_QEMU_EXTRA:-} </dev/null || status=$?
if [ -n "$semihosting_log" ] && [ -s "$semihosting_log" ]; then
  echo "--- semihosting console ---" >&2
  cat "$semihosting_log" >&2
fi
if [ "$status" -eq 124 ]; then
  echo "qemu-run.sh: $image_name still running after ${seconds} s, killed" >&2
fi
exit "$status"
