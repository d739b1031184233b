#pragma once
// Stack high-water mark. The reset handler paints the free part of the stack region
// [__stack_bottom, sp) with stack_paint; stack_usage() finds the lowest word that no longer
// holds it. That is a lower bound: a local that is reserved but never written does not show.
// The stack region sits at the top of RAM; its size is STATICNN_STACK_SIZE (target.cmake).
#include <cstddef>
#include <cstdint>

namespace staticnn::fw {

inline constexpr std::uint32_t stack_paint = 0xC0DEFACEu;

std::size_t stack_size();   // bytes reserved for the stack
std::size_t stack_usage();  // deepest use since reset, in bytes (stack_size() if it overflowed)
// True once the stack has grown past its bottom: the painted canary word there is overwritten.
// Check it after the work (fw_infer does after every run): an overflow corrupts whatever lies
// below the stack, so a run that reports it must not be trusted.
bool stack_overflowed();

}  // namespace staticnn::fw
