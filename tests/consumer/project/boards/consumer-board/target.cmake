# A board defined outside staticnn (found through STATICNN_MACHINE_PATH): Cortex-M4F flags, its
# own memory.ld and stack size, run on QEMU's mps2-an386. No UART: the default console.
set(STATICNN_CPU_FLAGS -mthumb -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard)
set(STATICNN_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/memory.ld)
set(STATICNN_STACK_SIZE_DEFAULT 0x3000)
set(STATICNN_SYSTICK_HZ 25000000)

set(STATICNN_QEMU_MACHINE mps2-an386)
set(STATICNN_QEMU_SERIAL none)
set(STATICNN_RAM_ORIGIN 0x20000000)
set(STATICNN_RAM_SIZE 0x400000)
set(CMAKE_CROSSCOMPILING_EMULATOR ${STATICNN_QEMU_RUN}
    -M ${STATICNN_QEMU_MACHINE} -s ${STATICNN_QEMU_SERIAL} -f ${STATICNN_RAM_ORIGIN}:${STATICNN_RAM_FILL} --)
