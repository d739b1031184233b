# Firmware support for Cortex-M machines: the machine definitions, the shared runtime
# (targets/common) and the functions that build and test images. Included by targets/CMakeLists.txt
# in this tree and by staticnnConfig.cmake for find_package(staticnn) users. Everything it uses
# lives beside it (../common, ../<machine>/, the scripts in this folder), so it works the same
# from the source tree and from an install. Needs a cross build (the toolchain file beside it).
#
#   staticnn_add_firmware(<name> | NAME <name> SOURCES <src>... [LIBRARIES <lib>...]
#                         [MACHINE <machine>] [MODEL <header>] [MODEL_NAMESPACE <ns>]
#                         [STACK_SIZE <bytes>])
#     <name>.elf (+ .bin, .hex, .map, .size) for MACHINE (default: STATICNN_MACHINE), and the CTests
#     <name>_no_heap and <name>_load (load-check.cmake: no zero-filled segment tail, i.e. .bss, at a
#     load address other than its run address). MODEL adds -DSTATICNN_MODEL_HEADER="<header>" (and STATICNN_MODEL_NAMESPACE,
#     default staticnn_model) so the source can `#include STATICNN_MODEL_HEADER`. With MODEL and
#     no SOURCES the image is the inference application (../firmware: inference.cpp, main.cpp,
#     harness.cpp) for the header written by `staticnn export [--int8]`, run as
#       <name>.elf <images.idx> <labels.idx> <count> [reference.bin] [--print]
#     (idx3 N x H x W or idx4 N x C x H x W images); it reports accuracy, instructions per
#     inference and memory, and checks the logits against `export --reference`.
#   staticnn_add_qemu_test(NAME <test> TARGET <image> [ARGS ...] [PASS_REGEX ...] [FAIL_REGEX ...]
#                          [EXPECT_EXIT <code>] [SKIP_EXIT <code>] [REPEAT_COMPARE <regex>]
#                          [ENVIRONMENT ...] [TIMEOUT <s>])
#     runs the image under QEMU (see the function).
#   staticnn_machines(<var>)                     the machines found (built-in and STATICNN_MACHINE_PATH)
#   staticnn_machine_property(<var> <machine> <key>)  a setting of target.cmake, e.g. CPU_FLAGS
#
# A machine is a folder <machine>/ holding target.cmake and memory.ld. The built-in ones sit next
# to this folder; your own boards can live in your project: list their parent folders in
# STATICNN_MACHINE_PATH.
include_guard(GLOBAL)

set(STATICNN_MACHINE_PATH "" CACHE STRING "Extra folders holding <machine>/target.cmake (your own boards)")
set(STATICNN_QEMU_TIMEOUT 900 CACHE STRING "Seconds before qemu-run.sh kills a firmware run")
# Debug information (-g) in firmware objects, for a debugger on the board; it does not reach the
# flashed image (.bin/.hex), only the .elf. tools/test turns it off: a third of the compile time.
option(STATICNN_FIRMWARE_DEBUG_INFO "Compile firmware with debug information (-g)" ON)
# Compile options for firmware code that runs outside measured regions: size over speed, and its
# loops stay loops (not calls to newlib's memcpy and memset, 470 bytes that an image whose
# inference needs neither then does not link). Used for the runtime here, and for the harness of
# targets/firmware and its examples.
set(STATICNN_FIRMWARE_SIZE_OPTIONS "-Os;-fno-tree-loop-distribute-patterns" CACHE INTERNAL "")
find_program(STATICNN_QEMU qemu-system-arm)
# Binutils: from the toolchain file beside this one, else what CMake found next to the compiler.
if(NOT STATICNN_ARM_OBJCOPY)
  set(STATICNN_ARM_OBJCOPY ${CMAKE_OBJCOPY} CACHE FILEPATH "objcopy for firmware images")
endif()
if(NOT STATICNN_ARM_NM)
  set(STATICNN_ARM_NM ${CMAKE_NM} CACHE FILEPATH "nm for the no-heap checks")
endif()
if(NOT STATICNN_ARM_SIZE)
  find_program(STATICNN_ARM_SIZE arm-none-eabi-size)
endif()

function(staticnn_machines out)
  get_filename_component(builtin "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/.." ABSOLUTE)
  set(found "")
  foreach(dir IN LISTS STATICNN_MACHINE_PATH builtin)
    file(GLOB machines RELATIVE ${dir} CONFIGURE_DEPENDS ${dir}/*/target.cmake)
    list(TRANSFORM machines REPLACE "/target.cmake$" "")
    list(APPEND found ${machines})
  endforeach()
  list(REMOVE_DUPLICATES found)
  set(${out} ${found} PARENT_SCOPE)
endfunction()

function(staticnn_machine_property out machine key)
  _staticnn_use_machine(${machine})
  get_property(value GLOBAL PROPERTY STATICNN_MACHINE_${machine}_${key})
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

# Reads <machine>/target.cmake (in this function's scope, so machines do not leak settings into
# each other) and creates staticnn_fw_options_<machine> (compile and link flags) and
# staticnn_fw_runtime_<machine> (startup, fault handler, console, ...). Once per machine.
function(_staticnn_use_machine machine)
  get_property(done GLOBAL PROPERTY STATICNN_MACHINE_${machine}_DIR SET)
  if(done)
    return()
  endif()
  if(NOT CMAKE_CROSSCOMPILING)
    message(FATAL_ERROR "staticnn firmware needs a cross build: configure with "
                        "--toolchain <staticnn>/targets/cmake/arm-none-eabi-gcc.cmake")
  endif()
  get_filename_component(STATICNN_TARGETS_DIR "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/.." ABSOLUTE)
  set(machine_dir "")
  foreach(dir IN LISTS STATICNN_MACHINE_PATH STATICNN_TARGETS_DIR)
    if(EXISTS ${dir}/${machine}/target.cmake)
      set(machine_dir ${dir}/${machine})
      break()
    endif()
  endforeach()
  if(NOT machine_dir)
    staticnn_machines(known)
    message(FATAL_ERROR "staticnn: no machine '${machine}' (known: ${known}); a machine is a folder "
                        "<machine>/ with target.cmake and memory.ld, in targets/ or in STATICNN_MACHINE_PATH")
  endif()

  # What target.cmake reads: the emulator wrapper and the RAM image it preloads.
  set(common ${STATICNN_TARGETS_DIR}/common)
  set(STATICNN_QEMU_RUN sh ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/qemu-run.sh -q ${STATICNN_QEMU}
      -t ${STATICNN_QEMU_TIMEOUT})
  set(STATICNN_RAM_FILL ${CMAKE_BINARY_DIR}/staticnn-ram-fill-${machine}.bin)
  set(CMAKE_CROSSCOMPILING_EMULATOR "")
  set(STATICNN_UART_SOURCE ${common}/uart_none.cpp)
  include(${machine_dir}/target.cmake)
  foreach(key CPU_FLAGS LINKER_SCRIPT STACK_SIZE_DEFAULT SYSTICK_HZ)
    if(NOT DEFINED STATICNN_${key})
      message(FATAL_ERROR "staticnn: ${machine_dir}/target.cmake does not set STATICNN_${key}")
    endif()
  endforeach()
  # A board QEMU models needs only its data (STATICNN_QEMU_MACHINE, STATICNN_QEMU_SERIAL, the RAM
  # to pre-fill): the emulator line follows from them unless target.cmake writes its own.
  if(NOT CMAKE_CROSSCOMPILING_EMULATOR AND STATICNN_QEMU_MACHINE)
    if(NOT STATICNN_QEMU_SERIAL)
      set(STATICNN_QEMU_SERIAL none)
    endif()
    set(CMAKE_CROSSCOMPILING_EMULATOR ${STATICNN_QEMU_RUN} -M ${STATICNN_QEMU_MACHINE} -s ${STATICNN_QEMU_SERIAL})
    if(STATICNN_RAM_ORIGIN AND STATICNN_RAM_SIZE)
      list(APPEND CMAKE_CROSSCOMPILING_EMULATOR -f ${STATICNN_RAM_ORIGIN}:${STATICNN_RAM_FILL})
    endif()
    list(APPEND CMAKE_CROSSCOMPILING_EMULATOR --)
  endif()

  # RAM content before boot: 0x5A bytes rather than QEMU's zeros, as on a real power-up, so an
  # image that forgot to zero .bss fails here too.
  if(STATICNN_RAM_SIZE AND NOT EXISTS ${STATICNN_RAM_FILL})
    math(EXPR ram_size "${STATICNN_RAM_SIZE}")
    string(REPEAT "Z" ${ram_size} fill)
    file(WRITE ${STATICNN_RAM_FILL} "${fill}")
  endif()

  set(options staticnn_fw_options_${machine})
  add_library(${options} INTERFACE)
  target_compile_features(${options} INTERFACE cxx_std_20)
  target_compile_options(${options} INTERFACE
    ${STATICNN_CPU_FLAGS} --specs=nano.specs $<$<BOOL:${STATICNN_FIRMWARE_DEBUG_INFO}>:-g>
    -ffunction-sections -fdata-sections
    $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions -fno-rtti -fno-threadsafe-statics>)
  target_compile_definitions(${options} INTERFACE
    STATICNN_FIRMWARE=1
    STATICNN_MACHINE_NAME="${machine}"
    STATICNN_SYSTICK_HZ=${STATICNN_SYSTICK_HZ}u)
  target_include_directories(${options} INTERFACE ${common})
  target_link_options(${options} INTERFACE
    ${STATICNN_CPU_FLAGS} --specs=nano.specs -nostartfiles
    -L${common}
    -Wl,--gc-sections -Wl,--print-memory-usage)

  set(runtime staticnn_fw_runtime_${machine})
  add_library(${runtime} OBJECT
    ${common}/startup.cpp ${common}/fault.cpp ${common}/runtime.cpp ${common}/console.cpp
    ${common}/instruction_counter.cpp ${common}/stack_usage.cpp ${STATICNN_UART_SOURCE})
  target_link_libraries(${runtime} PUBLIC ${options})
  # Start-up, the fault reporter, the console and the runtime run outside measured regions.
  set_source_files_properties(${common}/startup.cpp ${common}/fault.cpp ${common}/console.cpp
                              ${common}/runtime.cpp TARGET_DIRECTORY ${runtime}
                              PROPERTIES COMPILE_OPTIONS "${STATICNN_FIRMWARE_SIZE_OPTIONS}")
  if(TARGET staticnn_warnings)  # this project's own warning set, when built in-tree
    target_link_libraries(${runtime} PRIVATE staticnn_warnings)
  endif()

  set_property(GLOBAL PROPERTY STATICNN_MACHINE_${machine}_DIR ${machine_dir})
  set_property(GLOBAL PROPERTY STATICNN_MACHINE_${machine}_EMULATOR "${CMAKE_CROSSCOMPILING_EMULATOR}")
  foreach(key CPU_FLAGS LINKER_SCRIPT STACK_SIZE_DEFAULT SYSTICK_HZ UART_SOURCE QEMU_MACHINE QEMU_SERIAL
              RAM_ORIGIN RAM_SIZE BUS_FAULT_ADDRESS TOO_LARGE_IMAGES LARGE_LINKER_SCRIPT LARGE_IMAGES)
    set_property(GLOBAL PROPERTY STATICNN_MACHINE_${machine}_${key} "${STATICNN_${key}}")
  endforeach()
endfunction()

# Builds <name>.elf (+ .bin, .hex, .map, .size), prints its size, and registers the CTests
# <name>_no_heap, that fails if malloc, _sbrk or operator new is linked into it, and <name>_load,
# that fails if a loader would write its .bss (a zero-filled segment tail) anywhere but in RAM.
function(staticnn_add_firmware name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "MACHINE;MODEL;MODEL_NAMESPACE;STACK_SIZE" "SOURCES;LIBRARIES")
  if(name STREQUAL "NAME")  # staticnn_add_firmware(NAME <name> SOURCES ...) works too
    list(POP_FRONT arg_UNPARSED_ARGUMENTS name)
  endif()
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "staticnn_add_firmware(${name}): unexpected arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  set(machine ${arg_MACHINE})
  if(NOT machine)
    set(machine ${STATICNN_MACHINE})
  endif()
  if(NOT machine)
    message(FATAL_ERROR "staticnn_add_firmware(${name}): no MACHINE given and STATICNN_MACHINE is not set")
  endif()
  _staticnn_use_machine(${machine})
  get_filename_component(targets_dir "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/.." ABSOLUTE)
  # The board's layout; an image its code memory cannot hold (board data: STATICNN_LARGE_IMAGES)
  # takes the board's layout for large images (STATICNN_LARGE_LINKER_SCRIPT).
  get_property(linker_script GLOBAL PROPERTY STATICNN_MACHINE_${machine}_LINKER_SCRIPT)
  get_property(large_images GLOBAL PROPERTY STATICNN_MACHINE_${machine}_LARGE_IMAGES)
  if(name IN_LIST large_images)
    get_property(linker_script GLOBAL PROPERTY STATICNN_MACHINE_${machine}_LARGE_LINKER_SCRIPT)
  endif()
  get_property(emulator GLOBAL PROPERTY STATICNN_MACHINE_${machine}_EMULATOR)

  # Stack: STACK_SIZE, else the STATICNN_STACK_SIZE cache entry for the build's own machine,
  # else the machine's default.
  set(stack ${arg_STACK_SIZE})
  if(NOT stack AND machine STREQUAL "${STATICNN_MACHINE}" AND STATICNN_STACK_SIZE)
    set(stack ${STATICNN_STACK_SIZE})
  endif()
  if(NOT stack)
    get_property(stack GLOBAL PROPERTY STATICNN_MACHINE_${machine}_STACK_SIZE_DEFAULT)
  endif()

  set(sources ${arg_SOURCES})
  if(NOT sources)
    if(NOT arg_MODEL)
      message(FATAL_ERROR "staticnn_add_firmware(${name}): give SOURCES, or a MODEL header for the inference firmware")
    endif()
    # The inference application. Its counted forward pass (inference.cpp, listed first so the
    # linker keeps its copies of the network's inline functions) keeps the build's flags; the loop
    # over the images and the harness run outside it and are built for size.
    set(app ${targets_dir}/firmware)
    set(sources ${app}/inference.cpp ${app}/main.cpp ${app}/harness.cpp)
    set_source_files_properties(${app}/main.cpp ${app}/harness.cpp PROPERTIES COMPILE_OPTIONS
                                "${STATICNN_FIRMWARE_SIZE_OPTIONS}")
    list(APPEND arg_LIBRARIES staticnn::staticnn)
  endif()
  add_executable(${name} ${sources})
  set_target_properties(${name} PROPERTIES SUFFIX .elf
    LINK_DEPENDS "${linker_script};${targets_dir}/common/cortex-m.ld"
    CROSSCOMPILING_EMULATOR "${emulator}")
  target_link_libraries(${name} PRIVATE staticnn_fw_runtime_${machine} staticnn_fw_options_${machine}
                        ${arg_LIBRARIES})
  target_link_options(${name} PRIVATE -T${linker_script} -Wl,--defsym=__stack_size=${stack}
                      -Wl,-Map=$<TARGET_FILE_DIR:${name}>/${name}.map)
  if(arg_MODEL)
    get_filename_component(model ${arg_MODEL} ABSOLUTE)
    set(ns ${arg_MODEL_NAMESPACE})
    if(NOT ns)
      set(ns staticnn_model)
    endif()
    target_compile_definitions(${name} PRIVATE STATICNN_MODEL_HEADER="${model}" STATICNN_MODEL_NAMESPACE=${ns})
    set_property(SOURCE ${sources} APPEND PROPERTY OBJECT_DEPENDS ${model})
  endif()
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND ${STATICNN_ARM_OBJCOPY} -O binary $<TARGET_FILE:${name}> $<TARGET_FILE_DIR:${name}>/${name}.bin
    COMMAND ${STATICNN_ARM_OBJCOPY} -O ihex $<TARGET_FILE:${name}> $<TARGET_FILE_DIR:${name}>/${name}.hex
    COMMAND ${CMAKE_COMMAND} -DSIZE=${STATICNN_ARM_SIZE} -DELF=$<TARGET_FILE:${name}>
            -DOUT=$<TARGET_FILE_DIR:${name}>/${name}.size
            -P ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/firmware-size.cmake
    VERBATIM)
  add_test(NAME ${name}_no_heap
    COMMAND ${CMAKE_COMMAND} -DNM=${STATICNN_ARM_NM} -DELF=$<TARGET_FILE:${name}>
            -DMAP=$<TARGET_FILE_DIR:${name}>/${name}.map
            -P ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/no-heap-check.cmake)
  set_tests_properties(${name}_no_heap PROPERTIES LABELS no_heap)
  # Every loaded segment's zero-filled part (.bss) loads where it runs, never at a flash address.
  add_test(NAME ${name}_load
    COMMAND ${CMAKE_COMMAND} -DELF=$<TARGET_FILE:${name}> -P ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/load-check.cmake)
  set_tests_properties(${name}_load PROPERTIES LABELS load_check)
endfunction()

# Runs image TARGET under QEMU (via the image's emulator) with ARGS. Without PASS_REGEX,
# EXPECT_EXIT or REPEAT_COMPARE this is a plain add_test: the exit status (main's return) decides.
# Otherwise qemu-check.cmake runs it and requires exit status EXPECT_EXIT (default 0) AND every
# PASS_REGEX to match AND no FAIL_REGEX to match; REPEAT_COMPARE runs the image twice and
# requires the lines matching that regex to be identical (deterministic instruction counts).
# SKIP_EXIT: the exit status of an image that ran none of its tests (the harness's skip_exit,
# 77); CTest then reports the test as skipped (SKIP_RETURN_CODE, or through qemu-check.cmake's
# "qemu-check: skipped" line, as a CMake 3.25 script cannot choose its own exit status).
function(staticnn_add_qemu_test)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME;TARGET;EXPECT_EXIT;SKIP_EXIT;REPEAT_COMPARE;TIMEOUT"
                        "ARGS;PASS_REGEX;FAIL_REGEX;ENVIRONMENT")
  if(NOT arg_NAME OR NOT arg_TARGET)
    message(FATAL_ERROR "staticnn_add_qemu_test: NAME and TARGET are required")
  endif()
  if(NOT STATICNN_QEMU)
    message(FATAL_ERROR "staticnn_add_qemu_test(${arg_NAME}): qemu-system-arm not found (set STATICNN_QEMU)")
  endif()
  get_target_property(emulator ${arg_TARGET} CROSSCOMPILING_EMULATOR)
  if(NOT emulator)
    message(FATAL_ERROR "staticnn_add_qemu_test(${arg_NAME}): ${arg_TARGET} has no QEMU machine "
                        "(make it with staticnn_add_firmware; its target.cmake sets CMAKE_CROSSCOMPILING_EMULATOR)")
  endif()
  if(NOT arg_PASS_REGEX AND NOT arg_FAIL_REGEX AND NOT DEFINED arg_EXPECT_EXIT
     AND NOT arg_REPEAT_COMPARE)
    add_test(NAME ${arg_NAME} COMMAND ${arg_TARGET} ${arg_ARGS})
    if(DEFINED arg_SKIP_EXIT)
      set_tests_properties(${arg_NAME} PROPERTIES SKIP_RETURN_CODE ${arg_SKIP_EXIT})
    endif()
  else()
    if(NOT DEFINED arg_EXPECT_EXIT)
      set(arg_EXPECT_EXIT 0)
    endif()
    set(defs -DEXPECT_EXIT=${arg_EXPECT_EXIT})
    if(DEFINED arg_SKIP_EXIT)
      list(APPEND defs -DSKIP_EXIT=${arg_SKIP_EXIT})
    endif()
    foreach(kind PASS_REGEX FAIL_REGEX)
      list(LENGTH arg_${kind} n)
      list(APPEND defs -D${kind}_COUNT=${n})
      set(i 0)
      foreach(re IN LISTS arg_${kind})
        list(APPEND defs "-D${kind}_${i}=${re}")
        math(EXPR i "${i} + 1")
      endforeach()
    endforeach()
    if(arg_REPEAT_COMPARE)
      list(APPEND defs "-DREPEAT_COMPARE=${arg_REPEAT_COMPARE}")
    endif()
    add_test(NAME ${arg_NAME}
      COMMAND ${CMAKE_COMMAND} ${defs} -P ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/qemu-check.cmake --
              ${emulator} $<TARGET_FILE:${arg_TARGET}> ${arg_ARGS})
    if(DEFINED arg_SKIP_EXIT)
      set_tests_properties(${arg_NAME} PROPERTIES
        SKIP_REGULAR_EXPRESSION "qemu-check: skipped \\(exit status ${arg_SKIP_EXIT}\\)")
    endif()
  endif()
  if(NOT arg_TIMEOUT)
    math(EXPR arg_TIMEOUT "2 * ${STATICNN_QEMU_TIMEOUT} + 5")
  endif()
  set_tests_properties(${arg_NAME} PROPERTIES LABELS qemu TIMEOUT ${arg_TIMEOUT})
  if(arg_ENVIRONMENT)
    set_tests_properties(${arg_NAME} PROPERTIES ENVIRONMENT "${arg_ENVIRONMENT}")
  endif()
endfunction()
