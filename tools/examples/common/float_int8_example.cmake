# An example network exported as float and int8 (common/float_int8_example.hpp), from the folder
# of the calling CMakeLists.txt: <NAME>.cpp and replay.cpp.
#
# Host build: <NAME> runs at build time and writes model/ in this build folder (float.hpp,
# int8.hpp, {float,int8}-reference.bin, test-{images,labels}.idx); CTest example.<NAME> checks the
# headers against the reference logits with the headers compiled in (replay.cpp).
# Firmware build: fw_<NAME>_float and fw_<NAME>_int8, the inference firmware of targets/firmware
# (a MODEL and no SOURCES, as a user builds it: its harness built for size, its forward pass with
# the release flags) for the two exported types, each compared under QEMU with the host's logits
# of PARITY_IMAGES test images: int8 bit for bit, float within the firmware's tolerance. The model
# folder is MODEL_DIR if given, else STATICNN_EXAMPLES_OUTPUT/<NAME>/model (the host build's).
#
#   staticnn_float_int8_example(NAME <name> COMMENT <what the program exports>
#     FLOAT_TYPE <the float model's type> INT8_TYPE <the int8 model's type> PARITY_IMAGES <n>
#     [FLOAT_PARITY_IMAGES <n for the float image; default PARITY_IMAGES>]
#     [MODEL_DIR <dir>] [TYPES_HEADER <header naming the types, for the firmware>])
function(staticnn_float_int8_example)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "NAME;COMMENT;FLOAT_TYPE;INT8_TYPE;PARITY_IMAGES;FLOAT_PARITY_IMAGES;MODEL_DIR;TYPES_HEADER" "")
  set(name ${ARG_NAME})
  if(NOT CMAKE_CROSSCOMPILING)
    add_executable(${name} ${name}.cpp)
    target_link_libraries(${name} PRIVATE staticnn::staticnn staticnn_warnings)
    set(out ${CMAKE_CURRENT_BINARY_DIR}/model)
    set(outputs ${out}/float.hpp ${out}/int8.hpp ${out}/float-reference.bin ${out}/int8-reference.bin
                ${out}/test-images.idx ${out}/test-labels.idx)
    add_custom_command(OUTPUT ${outputs} COMMAND ${CMAKE_COMMAND} -E make_directory ${out}
      COMMAND ${name} --out ${out} DEPENDS ${name}
      COMMENT "${name}: ${ARG_COMMENT} to ${out}" VERBATIM)
    add_custom_target(${name}_model ALL DEPENDS ${outputs})
    add_executable(${name}_replay replay.cpp ${out}/float.hpp ${out}/int8.hpp)
    target_include_directories(${name}_replay PRIVATE ${out} ${CMAKE_CURRENT_SOURCE_DIR})
    target_link_libraries(${name}_replay PRIVATE staticnn::staticnn staticnn_warnings)
    # Both programs -O1 in an optimized build, for compile time: they train a few steps at most
    # (seeded parameters, folded, quantized) and run for seconds; the replay checks the exported
    # headers against the logits of the same build (for cnn3x3 and separable the files were
    # byte-identical to the -O3 build's).
    target_compile_options(${name} PRIVATE $<$<NOT:$<CONFIG:Debug>>:-O1>)
    target_compile_options(${name}_replay PRIVATE $<$<NOT:$<CONFIG:Debug>>:-O1>)
    add_dependencies(${name}_replay ${name}_model)
    add_test(NAME example.${name} COMMAND ${name}_replay ${out})
    set_tests_properties(example.${name} PROPERTIES LABELS example PASS_REGULAR_EXPRESSION "mismatches 0 PASS")
    return()
  endif()

  if(ARG_MODEL_DIR)
    set(out ${ARG_MODEL_DIR})
  elseif(STATICNN_EXAMPLES_OUTPUT)
    set(out ${STATICNN_EXAMPLES_OUTPUT}/${name}/model)
  else()
    message(STATUS "${name} firmware: no STATICNN_EXAMPLES_OUTPUT, not built")
    return()
  endif()
  if(NOT EXISTS ${out}/float.hpp OR NOT EXISTS ${out}/int8.hpp)
    message(STATUS "${name} firmware: ${out} has no float.hpp/int8.hpp (build the host preset's ${name}_model); not built")
    return()
  endif()
  if(STATICNN_QEMU_SERIAL STREQUAL "stdio")
    set(uart_only ENVIRONMENT STATICNN_QEMU_SEMIHOSTING_CONSOLE=null)
  endif()
  foreach(kind float int8)
    set(image fw_${name}_${kind})
    if(image IN_LIST STATICNN_TOO_LARGE_IMAGES)  # board data: its code memory cannot hold the image
      add_test(NAME ${image}_parity COMMAND sh -c "echo '${image}: the image does not fit ${STATICNN_MACHINE}: skipped'; exit 77")
      set_tests_properties(${image}_parity PROPERTIES SKIP_RETURN_CODE 77)
      continue()
    endif()
    staticnn_add_firmware(${image} MODEL ${out}/${kind}.hpp MODEL_NAMESPACE ${name}_${kind} LIBRARIES staticnn_warnings)
    if(ARG_TYPES_HEADER)
      target_compile_definitions(${image} PRIVATE STATICNN_MODEL_TYPES_HEADER="${ARG_TYPES_HEADER}")
    endif()
    set(images ${ARG_PARITY_IMAGES})
    if(kind STREQUAL "int8")
      target_compile_definitions(${image} PRIVATE "STATICNN_EXPECTED_MODEL=${ARG_INT8_TYPE}")
      set(pass "int8 max_abs_logit_diff 0 argmax_mismatches 0 PASS")
    else()
      target_compile_definitions(${image} PRIVATE "STATICNN_EXPECTED_MODEL=${ARG_FLOAT_TYPE}")
      set(pass "argmax_mismatches 0 PASS")
      if(ARG_FLOAT_PARITY_IMAGES)
        set(images ${ARG_FLOAT_PARITY_IMAGES})
      endif()
    endif()
    staticnn_add_qemu_test(NAME ${image}_parity TARGET ${image}
      ARGS ${out}/test-images.idx ${out}/test-labels.idx ${images} ${out}/${kind}-reference.bin
      PASS_REGEX "${pass}" FAIL_REGEX "mismatch: " TIMEOUT 600 ${uart_only})
  endforeach()
endfunction()

# Goals for an example's image on the Cortex-M4F (mps2-an386, the machine issue 14 states its
# goals for): CTest fw_<NAME>_<KIND>_goals runs the image on IMAGES test images (default 4) and
# checks it with targets/cmake/goal-check.sh: at most PER_MAC thousandths of an instruction per
# multiply-add (MACS an inference), RAM (data + bss + stack) at most RAM bytes, flash (text + data)
# at most the weights (the symbol <NAME>_<KIND>::network) + CODE bytes. Each goal is optional; a
# CODE figure is a budget to stop silent growth of the code, set a little above what it measured.
#
#   staticnn_example_goals(NAME <name> KIND <float|int8> [MACS <n> PER_MAC <thousandths>]
#     [RAM <bytes>] [CODE <bytes>] [IMAGES <n>] [MODEL_DIR <dir>])
function(staticnn_example_goals)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "NAME;KIND;MACS;PER_MAC;RAM;CODE;IMAGES;MODEL_DIR" "")
  set(image fw_${ARG_NAME}_${ARG_KIND})
  if(NOT CMAKE_CROSSCOMPILING OR NOT STATICNN_MACHINE STREQUAL "mps2-an386" OR NOT TARGET ${image})
    return()
  endif()
  if(ARG_MODEL_DIR)
    set(out ${ARG_MODEL_DIR})
  else()
    set(out ${STATICNN_EXAMPLES_OUTPUT}/${ARG_NAME}/model)
  endif()
  set(images 4)
  if(ARG_IMAGES)
    set(images ${ARG_IMAGES})
  endif()
  set(goals)
  if(ARG_PER_MAC)
    list(APPEND goals -m ${ARG_MACS} -i ${ARG_PER_MAC})
  endif()
  if(ARG_RAM)
    list(APPEND goals -r ${ARG_RAM})
  endif()
  if(ARG_CODE)
    list(APPEND goals -s ${ARG_NAME}_${ARG_KIND}::network -f ${ARG_CODE})
  endif()
  get_target_property(emulator ${image} CROSSCOMPILING_EMULATOR)
  add_test(NAME ${image}_goals
    COMMAND sh ${PROJECT_SOURCE_DIR}/targets/cmake/goal-check.sh -e $<TARGET_FILE:${image}>
            -z ${STATICNN_ARM_SIZE} -n ${STATICNN_ARM_NM} ${goals}
            -- ${emulator} $<TARGET_FILE:${image}> ${out}/test-images.idx ${out}/test-labels.idx ${images}
            ${out}/${ARG_KIND}-reference.bin)
  set_tests_properties(${image}_goals PROPERTIES LABELS qemu TIMEOUT 300)
endfunction()
