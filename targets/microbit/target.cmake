# microbit: BBC micro:bit v1, Nordic nRF51822, Cortex-M0 (ARMv6-M: no Thumb-2, no DSP, no divide,
# soft float), 16 MHz. The small-memory machine: 256 KiB flash, 16 KiB RAM.
# Included by targets/CMakeLists.txt when STATICNN_MACHINE=microbit.
set(STATICNN_CPU_FLAGS -mthumb -mcpu=cortex-m0 -mfloat-abi=soft)
set(STATICNN_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/memory.ld)
set(STATICNN_STACK_SIZE_DEFAULT 0x1000)  # 4 of the 16 KiB
set(STATICNN_UART_SOURCE ${CMAKE_CURRENT_LIST_DIR}/../common/uart_none.cpp)

# SysTick runs on the core clock; with -icount shift=0 a tick is 1e9 / Hz = 62.5 instructions
# (fw_selftest's known loop confirms it: docs/using.md, "Adding a board").
set(STATICNN_SYSTICK_HZ 16000000)

set(STATICNN_QEMU_MACHINE microbit)
set(STATICNN_QEMU_SERIAL none)  # no UART console: semihosting only
set(STATICNN_RAM_ORIGIN 0x20000000)  # as memory.ld; qemu-run.sh pre-fills RAM from here (the emulator
                                     # line follows from these: staticnn-firmware.cmake)
set(STATICNN_RAM_SIZE 0x4000)
# Nothing answers here (QEMU maps 0xF0000000 as an unimplemented device that reads as 0): a read
# raises a bus error, which ARMv6-M takes as a HardFault (fw_fault_bus).
set(STATICNN_BUS_FAULT_ADDRESS 0x60000000)
