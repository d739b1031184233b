# cmake -DELF=<image.elf> -P load-check.cmake
# Fails if a loaded segment (PT_LOAD) of the image has a zero-filled tail (memory size over file
# size) at a load address other than its run address. A loader writes that tail at the load
# address: for .bss in .data's segment that is flash, after .data's load image, and past the end
# of a large image's code memory it wraps onto the vector table (QEMU's MPS2 boards: the image
# locked up at reset). A segment that is only copied from its load address by the reset handler
# (.data) has no tail; .bss loads where it runs (cortex-m.ld). Reads the ELF32 little-endian
# program headers itself: e_phoff at byte 28, e_phentsize at 42, e_phnum at 44; in each entry
# p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz (4 bytes each).
cmake_minimum_required(VERSION 3.25)

# Unsigned little-endian integer of `bytes` bytes at `offset`.
function(_elf_read out offset bytes)
  file(READ ${ELF} hex OFFSET ${offset} LIMIT ${bytes} HEX)
  set(value 0)
  math(EXPR last "${bytes} - 1")
  foreach(i RANGE 0 ${last})
    math(EXPR at "2 * ${i}")
    string(SUBSTRING "${hex}" ${at} 2 byte)
    math(EXPR value "${value} + (0x${byte} << (8 * ${i}))")
  endforeach()
  set(${out} ${value} PARENT_SCOPE)
endfunction()

function(_hex out value)
  math(EXPR value "${value}" OUTPUT_FORMAT HEXADECIMAL)
  set(${out} ${value} PARENT_SCOPE)
endfunction()

file(READ ${ELF} ident LIMIT 6 HEX)
if(NOT ident STREQUAL "7f454c460101")
  message(FATAL_ERROR "load_check: ${ELF} is not an ELF32 little-endian file")
endif()
_elf_read(phoff 28 4)
_elf_read(phentsize 42 2)
_elf_read(phnum 44 2)
get_filename_component(image ${ELF} NAME)
set(bad 0)
set(loads 0)
math(EXPR last "${phnum} - 1")
foreach(i RANGE 0 ${last})
  math(EXPR entry "${phoff} + ${i} * ${phentsize}")
  _elf_read(type ${entry} 4)
  if(NOT type EQUAL 1)
    continue()
  endif()
  math(EXPR loads "${loads} + 1")
  foreach(field IN ITEMS vaddr:8 paddr:12 filesz:16 memsz:20)
    string(REPLACE ":" ";" field "${field}")
    list(GET field 0 name)
    list(GET field 1 at)
    math(EXPR at "${entry} + ${at}")
    _elf_read(${name} ${at} 4)
  endforeach()
  _hex(v ${vaddr})
  _hex(p ${paddr})
  _hex(f ${filesz})
  _hex(m ${memsz})
  set(line "segment ${i}: run ${v}, load ${p}, file ${f}, memory ${m}")
  if(memsz GREATER filesz AND NOT paddr EQUAL vaddr)
    math(EXPR tail_start "${paddr} + ${filesz}")
    math(EXPR tail_end "${paddr} + ${memsz}")
    _hex(tail_start ${tail_start})
    _hex(tail_end ${tail_end})
    message("load_check: ${image}: ${line}: its zero-filled tail loads at ${tail_start}..${tail_end}, "
            "not where it runs")
    set(bad 1)
  else()
    message("load_check: ${image}: ${line}")
  endif()
endforeach()
if(loads EQUAL 0)
  message(FATAL_ERROR "load_check: ${ELF} has no loaded segment")
endif()
if(bad)
  message(FATAL_ERROR "load_check: ${ELF}: a loader would write zeros at load addresses where the "
                      "image does not run (.bss in .data's segment? cortex-m.ld gives .bss AT > RAM)")
endif()
