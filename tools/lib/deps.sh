# Sourced by tools/demo and tools/test: installs what is missing on Debian (apt-get when root,
# otherwise prints the exact command and stops).
staticnn_require() {  # staticnn_require "command:package" ...
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd=${pair%%:*} pkg=${pair#*:}
    if [[ $cmd == /* ]]; then [[ -e $cmd ]] && continue; else command -v "$cmd" >/dev/null 2>&1 && continue; fi
    missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  if [[ $(id -u) == 0 ]]; then
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
      { echo "error: apt-get install ${missing[*]} failed" >&2; exit 1; }
  else
    echo "missing packages; run:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}

staticnn_host_deps=(cmake:cmake ninja:ninja-build g++:g++ /usr/include/doctest/doctest.h:doctest-dev)
staticnn_data_deps=(node:nodejs npm:npm)
staticnn_arm_deps=(arm-none-eabi-g++:gcc-arm-none-eabi
  /usr/lib/arm-none-eabi/newlib/libc.a:libnewlib-arm-none-eabi
  /usr/lib/arm-none-eabi/newlib/libstdc++.a:libstdc++-arm-none-eabi-newlib
  qemu-system-arm:qemu-system-arm)
staticnn_fuzz_deps=(clang++:clang)
# The libFuzzer runtime of the installed clang (package libclang-rt-dev; clang alone lacks it).
staticnn_fuzzer_runtime() { echo "$(clang++ --print-runtime-dir)/libclang_rt.fuzzer-$(uname -m).a"; }
