# cmake -DMODE=install|subdirectory -DSOURCE=<staticnn source> -DBUILD=<staticnn build>
#       -DWORK=<scratch dir> -DCXX=<host compiler> [-DMACHINE=<machine>] -P run.cmake
# Uses staticnn from a project of its own (tests/consumer/project): MODE=install installs the
# build to WORK/prefix and finds it with find_package; MODE=subdirectory add_subdirectory()s the
# source tree. Then builds and runs the host program (train, fold, export), and with MACHINE also
# builds the firmware for that machine against the same package and runs it under QEMU (CTest).
cmake_minimum_required(VERSION 3.25)
foreach(var MODE SOURCE BUILD WORK CXX)
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

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/model)
set(common -G Ninja -DCMAKE_BUILD_TYPE=Release)
if(MODE STREQUAL "install")
  set(prefix ${WORK}/prefix)
  run("install to ${prefix}" ${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix})
  foreach(file include/staticnn/staticnn.hpp include/staticnn/layers/group_norm.hpp bin/staticnn
               lib/cmake/staticnn/staticnnConfig.cmake share/staticnn/targets/cmake/arm-none-eabi-gcc.cmake
               share/staticnn/targets/common/startup.cpp share/staticnn/targets/mps2-an386/memory.ld)
    if(NOT EXISTS ${prefix}/${file})
      message(FATAL_ERROR "consumer: the install lacks ${file}")
    endif()
  endforeach()
  run("installed CLI runs" ${prefix}/bin/staticnn --help)
  list(APPEND common -DCMAKE_PREFIX_PATH=${prefix})
  set(toolchain ${prefix}/share/staticnn/targets/cmake/arm-none-eabi-gcc.cmake)
else()
  list(APPEND common -DSTATICNN_SOURCE=${SOURCE})
  set(toolchain ${SOURCE}/targets/cmake/arm-none-eabi-gcc.cmake)
endif()

run("host: configure" ${CMAKE_COMMAND} -S ${project} -B ${WORK}/host ${common} -DCMAKE_CXX_COMPILER=${CXX})
if(MODE STREQUAL "install")
  # The package was found in the install, not in the source or build tree.
  file(STRINGS ${WORK}/host/CMakeCache.txt dir REGEX "^staticnn_DIR:")
  if(NOT dir MATCHES "=${prefix}/")
    message(FATAL_ERROR "consumer: staticnn was not found in ${prefix}: ${dir}")
  endif()
endif()
run("host: build" ${CMAKE_COMMAND} --build ${WORK}/host)
run("host: train, fold, export" ${WORK}/host/consumer_host ${WORK}/model)
message("${output}")

if(MACHINE)
  run("firmware: configure for ${MACHINE}" ${CMAKE_COMMAND} -S ${project} -B ${WORK}/fw ${common}
      --toolchain ${toolchain} -DCONSUMER_MACHINE=${MACHINE} -DCONSUMER_MODEL=${WORK}/model/model.hpp)
  run("firmware: build" ${CMAKE_COMMAND} --build ${WORK}/fw)
  run("firmware: CTest (QEMU and no-heap check)" ${CMAKE_COMMAND} -E chdir ${WORK}/fw ${CMAKE_CTEST_COMMAND}
      --output-on-failure)
  message("${output}")
endif()
message("consumer: ${MODE}: all steps passed")
