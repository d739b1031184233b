# cmake -DMODE=install|subdirectory -DSTEP=host|firmware -DSOURCE=<staticnn source>
#       -DBUILD=<staticnn build> -DWORK=<scratch dir> -DCXX=<host compiler> [-DMACHINE=<machine>] -P run.cmake
# Uses staticnn from a project of its own (tests/consumer/project): MODE=install installs the
# build to WORK/prefix and finds it with find_package; MODE=subdirectory add_subdirectory()s the
# source tree. STEP=host builds and runs the host program (train, fold, export) and, in install
# mode, the project's own CLI (staticnn_add_model: staticnn-small), which trains on the IDX files
# consumer_host wrote and exports float and int8 headers with their reference logits.
# STEP=firmware (after host, in the same WORK) builds the firmware for MACHINE against the same
# package (the project's image and the inference firmware for the CLI's headers) and runs it
# under QEMU (CTest); without MACHINE it prints "consumer: skipped" (CTest: SKIPPED).
cmake_minimum_required(VERSION 3.25)
foreach(var MODE STEP SOURCE BUILD WORK CXX)
  if(NOT ${var})
    message(FATAL_ERROR "consumer: -D${var}= is required")
  endif()
endforeach()
set(project ${CMAKE_CURRENT_LIST_DIR}/project)

function(run what)
  string(TIMESTAMP t0 "%s")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  string(TIMESTAMP t1 "%s")
  math(EXPR dt "${t1} - ${t0}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "consumer: ${what} failed (${rc}):\n  ${ARGN}\n${out}")
  endif()
  message("consumer: ${what} (${dt} s)")
  set(output "${out}" PARENT_SCOPE)
endfunction()

set(common -G Ninja -DCMAKE_BUILD_TYPE=Release)
set(prefix ${WORK}/prefix)
if(MODE STREQUAL "install")
  list(APPEND common -DCMAKE_PREFIX_PATH=${prefix})
  set(toolchain ${prefix}/share/staticnn/targets/cmake/arm-none-eabi-gcc.cmake)
else()
  list(APPEND common -DSTATICNN_SOURCE=${SOURCE})
  set(toolchain ${SOURCE}/targets/cmake/arm-none-eabi-gcc.cmake)
endif()
set(cli ${WORK}/host/staticnn-small)  # the project's own CLI (install mode)
set(out ${WORK}/model)

if(STEP STREQUAL "firmware")
  if(NOT MACHINE)
    message("consumer: skipped: no arm-none-eabi-g++ or qemu-system-arm, no firmware built")
    return()
  endif()
  set(fw_args -DCONSUMER_MACHINE=${MACHINE} -DCONSUMER_MODEL=${out}/model.hpp)
  if(EXISTS ${out}/small_int8.hpp)
    list(APPEND fw_args -DCONSUMER_CLI_MODELS=${out})
  endif()
  run("firmware: configure for ${MACHINE}" ${CMAKE_COMMAND} -S ${project} -B ${WORK}/fw ${common}
      --toolchain ${toolchain} ${fw_args})
  run("firmware: build" ${CMAKE_COMMAND} --build ${WORK}/fw)
  run("firmware: CTest (QEMU and no-heap check)" ${CMAKE_COMMAND} -E chdir ${WORK}/fw ${CMAKE_CTEST_COMMAND}
      --output-on-failure)
  message("${output}")
  if(EXISTS ${out}/small_int8.hpp AND NOT output MATCHES "consumer_infer_int8 [.]+ +Passed")
    message(FATAL_ERROR "consumer: the inference firmware for the CLI's int8 header did not run")
  endif()
  message("consumer: ${MODE}: firmware steps passed")
  return()
endif()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${out})
if(MODE STREQUAL "install")
  run("install to ${prefix}" ${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix})
  foreach(file include/staticnn/staticnn.hpp include/staticnn/layers/group_norm.hpp bin/staticnn
               lib/cmake/staticnn/staticnnConfig.cmake lib/cmake/staticnn/staticnn-cli.cmake
               share/staticnn/cli/train.cpp share/staticnn/cli/ops_model.cpp
               share/staticnn/targets/cmake/arm-none-eabi-gcc.cmake share/staticnn/targets/common/startup.cpp
               share/staticnn/targets/mps2-an386/memory.ld share/staticnn/targets/firmware/inference.cpp
               share/staticnn/targets/firmware/main.cpp share/staticnn/targets/firmware/harness.cpp)
    if(NOT EXISTS ${prefix}/${file})
      message(FATAL_ERROR "consumer: the install lacks ${file}")
    endif()
  endforeach()
  run("installed CLI runs" ${prefix}/bin/staticnn --help)
else()
  list(APPEND common -DCONSUMER_CLI=OFF)  # staticnn_add_model is tested in install mode and in-tree (tests/cli)
endif()

# The host half is a Debug build at -O0 without debug information: its networks are tiny (2 x 8 x 8
# inputs, a few hundred images) and staticnn_add_model compiles the CLI at -O0 in a Debug build,
# for tools/test's time. The firmware half keeps the release flags its images are built with.
run("host: configure" ${CMAKE_COMMAND} -S ${project} -B ${WORK}/host ${common} -DCMAKE_BUILD_TYPE=Debug
    -DCMAKE_CXX_FLAGS_DEBUG= -DCMAKE_CXX_COMPILER=${CXX})
if(MODE STREQUAL "install")
  # The package was found in the install, not in the source or build tree.
  file(STRINGS ${WORK}/host/CMakeCache.txt dir REGEX "^staticnn_DIR:")
  if(NOT dir MATCHES "=${prefix}/")
    message(FATAL_ERROR "consumer: staticnn was not found in ${prefix}: ${dir}")
  endif()
endif()
run("host: build" ${CMAKE_COMMAND} --build ${WORK}/host)
run("host: train, fold, export" ${WORK}/host/consumer_host ${out})
message("${output}")

if(MODE STREQUAL "install")
  # The project's own CLI on the IDX files consumer_host wrote (idx4, 2 x 8 x 8, 3 classes).
  set(data --data ${out}/data)
  run("staticnn-small train" ${cli} train --epochs 3 --batch 8 --lr 0.05 --threads 1 ${data} --out ${out}/run)
  message("${output}")
  if(NOT output MATCHES "epoch  3/3 .* test acc (0[.][6-9]|1[.]0)")
    message(FATAL_ERROR "consumer: staticnn-small did not learn the task (test accuracy <= 0.6 after 3 epochs)")
  endif()
  run("staticnn-small eval" ${cli} eval --checkpoint ${out}/run/checkpoint.snn ${data})
  run("staticnn-small export" ${cli} export --checkpoint ${out}/run/checkpoint.snn --out ${out}/small_float.hpp
      --namespace consumer_small_float --reference ${out}/reference_float.bin --count 64 ${data})
  run("staticnn-small export --int8" ${cli} export --int8 --calibrate 64 --checkpoint ${out}/run/checkpoint.snn
      --out ${out}/small_int8.hpp --namespace consumer_small_int8 --reference ${out}/reference_int8.bin --count 64 ${data})
  message("${output}")
endif()
message("consumer: ${MODE}: host steps passed")
