# mps3-an547: Arm MPS3 FPGA with AN547 (SSE-300), Cortex-M55 with MVE (Helium, integer and
# single-precision float: __ARM_FEATURE_MVE == 3), DSP and FPU (hard-float ABI), 32 MHz. Boots in
# Secure state; the image runs Secure with the SAU off.
# Included by targets/CMakeLists.txt when STATICNN_MACHINE=mps3-an547.
set(STATICNN_CPU_FLAGS -mthumb -mcpu=cortex-m55 -mfloat-abi=hard)
set(STATICNN_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/memory.ld)
set(STATICNN_STACK_SIZE_DEFAULT 0x10000)
set(STATICNN_UART_SOURCE ${CMAKE_CURRENT_LIST_DIR}/../common/uart_none.cpp)

# SysTick runs on the core clock; with -icount shift=0 a tick is 1e9 / Hz = 31.25 instructions.
set(STATICNN_SYSTICK_HZ 32000000)

set(STATICNN_QEMU_MACHINE mps3-an547)
set(STATICNN_QEMU_SERIAL none)  # no UART console: semihosting only
set(STATICNN_RAM_ORIGIN 0x30000000)  # as memory.ld; qemu-run.sh pre-fills RAM from here
set(STATICNN_RAM_SIZE 0x80000)
# A read here raises a precise BusFault (reserved in the SSE-300 map; fw_fault_bus).
set(STATICNN_BUS_FAULT_ADDRESS 0xF0000000)
# Images larger than the 512 KiB ITCM the image runs from link with memory-sram.ld instead: their
# code and read-only data in the 2 MiB SRAM at 0x11000000 (the reset vector stays in the ITCM):
# the float images of the two MLPerf Tiny models with the most weights (MobileNetV1 0.25: 867 KB,
# the autoencoder: 1.07 MB; their int8 images fit the ITCM and run from there).
set(STATICNN_LARGE_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/memory-sram.ld)
set(STATICNN_LARGE_IMAGES fw_mobilenet_float fw_autoencoder_float)
# Reported as skipped here: fw_kernels_dsp (~750 KB of text on the Cortex-M55). This core runs the
# MVE kernels (fw_kernels_mve); the DSP ones run on mps2-an386, and fw_kernels_dsp's shape checks
# (static_asserts that the DSP kernels take their shapes) do not compile where MVE takes them.
set(STATICNN_TOO_LARGE_IMAGES fw_kernels_dsp)
