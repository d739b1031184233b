# Helpers of the CLI test scripts (sourced; they set bin and work first).
# fail MESSAGE: the test fails with MESSAGE.
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_error CODE REGEX command...: the command must exit CODE (1: bad file or data, 2: usage)
# with REGEX on the first line of stderr, one line only for exit 1, and no crash report.
expect_error() {
  local code=$1 regex=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  [[ $rc == "$code" ]] || fail "$* exited $rc, expected $code; stderr: $(cat "$work/err")"
  head -1 "$work/err" | grep -Eq -- "$regex" || fail "$* printed '$(cat "$work/err")', expected /$regex/"
  [[ $code != 1 || $(wc -l <"$work/err") == 1 ]] || fail "$* printed more than one line: $(cat "$work/err")"
  grep -Eq 'Sanitizer|runtime error|terminate called|Abort|Segmentation' "$work/err" && fail "$* crashed: $(cat "$work/err")"
  local cmd="$*"
  echo "ok: ${cmd#"$bin "} -> exit $rc: $(head -1 "$work/err")"
}
# no_output PATH...: a failed command left nothing behind (no folder, no file, no temporary).
no_output() {
  local p
  for p in "$@"; do [[ -e $p ]] && fail "a failed run left $p behind"; done
  ! compgen -G "$work/*.tmp-*" >/dev/null || fail "temporary files left: $(echo "$work"/*.tmp-*)"
}
# be32 N prints N as 4 big-endian bytes.
be32() { printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)))"; }
