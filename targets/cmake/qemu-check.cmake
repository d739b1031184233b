# cmake [-DEXPECT_EXIT=<n>] [-DSKIP_EXIT=<n>] [-DPASS_REGEX_COUNT=<k> -DPASS_REGEX_0=<re> ...]
#       [-DFAIL_REGEX_COUNT=<k> -DFAIL_REGEX_0=<re> ...] [-DREPEAT_COMPARE=<re>]
#       -P qemu-check.cmake -- <emulator...> image.elf [args...]
# Runs a firmware image and passes only if its exit status is EXPECT_EXIT (default 0), every
# PASS_REGEX matches stdout or stderr and no FAIL_REGEX matches either. (CTest's own
# PASS_REGULAR_EXPRESSION ignores the exit status.) With REPEAT_COMPARE the image runs twice
# and all lines matching that regex must be identical between the runs. An exit status equal to
# SKIP_EXIT (the image ran none of its tests) ends the check with the line
# "qemu-check: skipped (exit status <n>)", which the test's SKIP_REGULAR_EXPRESSION matches.
cmake_minimum_required(VERSION 3.25)
set(command "")
set(after_separator FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE ${last})
  if(after_separator)
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif(CMAKE_ARGV${i} STREQUAL "--")
    set(after_separator TRUE)
  endif()
endforeach()
if(NOT command)
  message(FATAL_ERROR "qemu-check: no command after --")
endif()
if(NOT DEFINED EXPECT_EXIT)
  set(EXPECT_EXIT 0)
endif()

# stdout and stderr are matched separately: on netduinoplus2 the same text arrives on both
# (UART on stdout, semihosting on stderr) and would interleave if merged.
function(run_once output_var)
  execute_process(COMMAND ${command} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc
                  ECHO_OUTPUT_VARIABLE ECHO_ERROR_VARIABLE)
  if(DEFINED SKIP_EXIT AND "${rc}" STREQUAL "${SKIP_EXIT}")
    message("qemu-check: skipped (exit status ${rc})")
    set(skipped TRUE PARENT_SCOPE)
    return()
  endif()
  if(NOT "${rc}" STREQUAL "${EXPECT_EXIT}")
    message(FATAL_ERROR "qemu-check: exit status ${rc}, expected ${EXPECT_EXIT}")
  endif()
  foreach(i RANGE 0 99)
    if(i LESS PASS_REGEX_COUNT AND NOT out MATCHES "${PASS_REGEX_${i}}"
       AND NOT err MATCHES "${PASS_REGEX_${i}}")
      message(FATAL_ERROR "qemu-check: output does not match '${PASS_REGEX_${i}}'")
    endif()
    if(i LESS FAIL_REGEX_COUNT AND (out MATCHES "${FAIL_REGEX_${i}}"
                                    OR err MATCHES "${FAIL_REGEX_${i}}"))
      message(FATAL_ERROR "qemu-check: output matches '${FAIL_REGEX_${i}}'")
    endif()
  endforeach()
  set(${output_var} "${out}\n${err}" PARENT_SCOPE)
endfunction()

run_once(first)
if(skipped)
  return()
endif()
if(DEFINED REPEAT_COMPARE)
  run_once(second)
  string(REGEX MATCHALL "${REPEAT_COMPARE}" lines_first "${first}")
  string(REGEX MATCHALL "${REPEAT_COMPARE}" lines_second "${second}")
  if(NOT lines_first)
    message(FATAL_ERROR "qemu-check: nothing matches '${REPEAT_COMPARE}'")
  endif()
  if(NOT lines_first STREQUAL lines_second)
    message(FATAL_ERROR "qemu-check: runs differ:\n  ${lines_first}\n  ${lines_second}")
  endif()
  list(JOIN lines_first "\n  " shown)
  message("qemu-check: identical in both runs:\n  ${shown}")
endif()
