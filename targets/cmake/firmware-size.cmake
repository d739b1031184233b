# cmake -DSIZE=<arm-none-eabi-size> -DELF=<image.elf> -DOUT=<image.size> -P firmware-size.cmake
# Prints the image size (Berkeley format: text = code + read-only data in flash, data = .data,
# flash use = text + data, bss includes the stack region) and records it with the per-section
# sizes in OUT.
cmake_minimum_required(VERSION 3.25)
execute_process(COMMAND ${SIZE} -B ${ELF} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "firmware-size: ${SIZE} ${ELF} failed (${rc})")
endif()
execute_process(COMMAND ${SIZE} -A ${ELF} OUTPUT_VARIABLE sections)
file(WRITE ${OUT} "${out}\n${sections}")
message("${out}")
