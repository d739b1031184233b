# lm3s6965evb: TI Stellaris LM3S6965 evaluation board, Cortex-M3 (soft float), 256 KiB flash,
# 64 KiB RAM. Included by targets/CMakeLists.txt when STATICNN_MACHINE=lm3s6965evb.
set(STATICNN_CPU_FLAGS -mthumb -mcpu=cortex-m3 -mfloat-abi=soft)
set(STATICNN_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/memory.ld)
set(STATICNN_STACK_SIZE_DEFAULT 0x2000)  # 8 of the 64 KiB
set(STATICNN_UART_SOURCE ${CMAKE_CURRENT_LIST_DIR}/../common/uart_none.cpp)

# QEMU clocks SysTick at 12.5 MHz here: with -icount shift=0 a tick is 80 instructions
# (fw_selftest's known loop confirms it: docs/using.md, "Adding a board").
set(STATICNN_SYSTICK_HZ 12500000)

set(STATICNN_QEMU_MACHINE lm3s6965evb)
set(STATICNN_QEMU_SERIAL none)  # no UART console: semihosting only
set(STATICNN_RAM_ORIGIN 0x20000000)  # as memory.ld; qemu-run.sh pre-fills RAM from here (the emulator
                                     # line follows from these: staticnn-firmware.cmake)
set(STATICNN_RAM_SIZE 0x10000)
# No STATICNN_BUS_FAULT_ADDRESS: QEMU's Stellaris bus answers reads everywhere (0xF0000000 reads
# as 0, logged as "Invalid read ... rejected"), so fw_fault_bus is reported as skipped.
