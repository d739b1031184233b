# netduinoplus2: Netduino Plus 2 board, STM32F405RG, Cortex-M4F (fpv4-sp-d16, hard-float ABI).
# Console on USART1 (usart1.cpp) as well as semihosting. QEMU models SYSCLK at 168 MHz.
# Included by targets/CMakeLists.txt when STATICNN_MACHINE=netduinoplus2.
set(STATICNN_CPU_FLAGS -mthumb -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard)
set(STATICNN_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/memory.ld)
set(STATICNN_STACK_SIZE_DEFAULT 0x4000)  # 16 of the 128 KiB
set(STATICNN_UART_SOURCE ${CMAKE_CURRENT_LIST_DIR}/usart1.cpp)

# SysTick runs on the core clock; with -icount shift=0 a tick is 1e9 / Hz = 5.95 instructions
# (counts convert as ticks * 1e9 / 168e6). A real board runs at 16 MHz (HSI) until the
# firmware sets up the PLL; there SysTick counts cycles, not instructions.
set(STATICNN_SYSTICK_HZ 168000000)

set(STATICNN_QEMU_MACHINE netduinoplus2)
set(STATICNN_QEMU_SERIAL stdio)  # USART1 on QEMU's stdout (semihosting text on stderr)
set(STATICNN_RAM_ORIGIN 0x20000000)  # as memory.ld; qemu-run.sh pre-fills RAM from here
set(STATICNN_RAM_SIZE 0x20000)
# A read here raises a precise BusFault (reserved in the STM32F4 map; fw_fault_bus).
set(STATICNN_BUS_FAULT_ADDRESS 0xF0000000)
set(CMAKE_CROSSCOMPILING_EMULATOR ${STATICNN_QEMU_RUN}
    -M ${STATICNN_QEMU_MACHINE} -s ${STATICNN_QEMU_SERIAL}
    -f ${STATICNN_RAM_ORIGIN}:${STATICNN_RAM_FILL} --)
