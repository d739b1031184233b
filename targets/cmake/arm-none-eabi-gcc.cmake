# Toolchain file for bare-metal Arm (Cortex-M) with the GNU Arm Embedded toolchain.
# It only picks the compilers and binutils; CPU flags, linker script and the QEMU emulator
# come from targets/<machine>/target.cmake (selected with -DSTATICNN_MACHINE=<machine>).
# Set STATICNN_ARM_TOOLCHAIN_DIR (cache or environment) to use a toolchain outside PATH.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

if(NOT STATICNN_ARM_TOOLCHAIN_DIR AND DEFINED ENV{STATICNN_ARM_TOOLCHAIN_DIR})
  set(STATICNN_ARM_TOOLCHAIN_DIR "$ENV{STATICNN_ARM_TOOLCHAIN_DIR}")
endif()
if(STATICNN_ARM_TOOLCHAIN_DIR)
  set(_staticnn_prefix "${STATICNN_ARM_TOOLCHAIN_DIR}/")
else()
  set(_staticnn_prefix "")
endif()
set(CMAKE_C_COMPILER ${_staticnn_prefix}arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER ${_staticnn_prefix}arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER ${_staticnn_prefix}arm-none-eabi-gcc)

# Compiler checks cannot link without a linker script and startup code.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

find_program(STATICNN_ARM_SIZE arm-none-eabi-size HINTS ${STATICNN_ARM_TOOLCHAIN_DIR} REQUIRED)
find_program(STATICNN_ARM_NM arm-none-eabi-nm HINTS ${STATICNN_ARM_TOOLCHAIN_DIR} REQUIRED)
find_program(STATICNN_ARM_OBJCOPY arm-none-eabi-objcopy HINTS ${STATICNN_ARM_TOOLCHAIN_DIR} REQUIRED)

# Host programs (qemu, sh) from the host; headers and libraries only from the target sysroot.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
