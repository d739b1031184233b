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
image=$1
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
  trap 'rm -f "$semihosting_log"' EXIT
  set -- "$@" -chardev "file,id=semihosting_console,path=$semihosting_log"
  semihosting="$semihosting,chardev=semihosting_console"
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
  echo "qemu-run.sh: $(basename "$image") still running after ${seconds} s, killed" >&2
fi
exit "$status"
