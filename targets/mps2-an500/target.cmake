# mps2-an500: Arm MPS2 FPGA with AN500, Cortex-M7 with double-precision FPU (fpv5-d16,
# hard-float ABI: multilib thumb/v7e-m+dp/hard; float and double both in hardware), 25 MHz.
# Included by targets/CMakeLists.txt when STATICNN_MACHINE=mps2-an500.
set(STATICNN_CPU_FLAGS -mthumb -mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard)
set(STATICNN_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/memory.ld)
set(STATICNN_STACK_SIZE_DEFAULT 0x10000)
set(STATICNN_UART_SOURCE ${CMAKE_CURRENT_LIST_DIR}/../common/uart_none.cpp)

# SysTick runs on the core clock; with -icount shift=0 a tick is 1e9 / Hz = 40 instructions.
set(STATICNN_SYSTICK_HZ 25000000)

set(STATICNN_QEMU_MACHINE mps2-an500)
set(STATICNN_QEMU_SERIAL none)  # no UART console: semihosting only
set(STATICNN_RAM_ORIGIN 0x20000000)  # as memory.ld; qemu-run.sh pre-fills RAM from here
set(STATICNN_RAM_SIZE 0x400000)
# A read here raises a precise BusFault (reserved in the MPS2 map; fw_fault_bus).
set(STATICNN_BUS_FAULT_ADDRESS 0xF0000000)
set(CMAKE_CROSSCOMPILING_EMULATOR ${STATICNN_QEMU_RUN}
    -M ${STATICNN_QEMU_MACHINE} -s ${STATICNN_QEMU_SERIAL}
    -f ${STATICNN_RAM_ORIGIN}:${STATICNN_RAM_FILL} --)
