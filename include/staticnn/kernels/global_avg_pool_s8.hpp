#pragma once
// int8 global average pooling as TFLite's int8 AVERAGE_POOL_2D with the filter the whole map
// (reference_integer_ops::AveragePool): the output keeps the input's scale and zero point, and
//   y[c] = clamp((s + n/2) / n if s >= 0 else (s - n/2) / n, act_min, act_max),
//   s = sum of the n = H W int8 values of channel c (int32), / truncating,
// i.e. the mean rounded half away from zero. x: C x n int8, y: C int8.
// On Armv7E-M DSP targets the sums come from USADA8 (arm::sum_s8_dsp; for a 4-byte aligned map
// of a multiple of 16 values up to 256 a channel, arm::sum_s8_dsp_unrolled): the same sums.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "target.hpp"
#ifdef STATICNN_ARM_DSP
#include <arm_acle.h>
#endif

namespace staticnn::kernels {

namespace arm {
// Whether the sums run on USADA8: a DSP target and a channel of at least 16 values.
template <std::size_t N>
inline constexpr bool global_avg_pool_s8_runs_dsp = target::arm_dsp && N >= 16;
inline constexpr std::size_t max_unrolled = 256;  // sum_s8_dsp_unrolled's largest n
#ifdef STATICNN_ARM_DSP
inline constexpr std::uint32_t plus_128 = 0x80808080u;  // x ^ plus_128: each byte + 128, unsigned
// One group of 16 values from p (4-byte aligned; p moves past them) added to total: LDM of 4
// words (r0-r3: the list in ascending order), each EOR plus_128 and USADA8 against 0.
[[gnu::always_inline]] inline void add_group_dsp(const std::int8_t*& p, std::uint32_t& total) {
  register std::uint32_t v0 asm("r0"), v1 asm("r1"), v2 asm("r2"), v3 asm("r3");
  asm("ldm %[p]!, {%[v0], %[v1], %[v2], %[v3]}\n"
      "eor %[v0], %[v0], %[b]\n"
      "eor %[v1], %[v1], %[b]\n"
      "eor %[v2], %[v2], %[b]\n"
      "eor %[v3], %[v3], %[b]\n"
      "usada8 %[t], %[v0], %[z], %[t]\n"
      "usada8 %[t], %[v1], %[z], %[t]\n"
      "usada8 %[t], %[v2], %[z], %[t]\n"
      "usada8 %[t], %[v3], %[z], %[t]\n"
      : [p] "+&r"(p), [t] "+&r"(total), [v0] "=&r"(v0), [v1] "=&r"(v1), [v2] "=&r"(v2), [v3] "=&r"(v3)
      : [b] "r"(plus_128), [z] "r"(0u)
      : "memory");
}
// The int32 sum of n int8 values: per word x ^ plus_128 is its 4 values + 128 as unsigned
// bytes, and USADA8 against 0 adds those 4 to the sum; so the sum is that total - 128 n. Groups
// of 16 (add_group_dsp) where x is 4-byte aligned, else (and for the last n % 16) one LDR
// (unaligned allowed) a word; the last n % 4 one by one.
[[gnu::noinline]] inline std::int32_t sum_s8_dsp(const std::int8_t* x, std::size_t n) {
  std::uint32_t total = 0;
  std::size_t i = 0;
  if (const std::size_t groups = n / 16; groups > 0 && (reinterpret_cast<std::uintptr_t>(x) & 3u) == 0) {
    const std::int8_t* p = x;
    const std::int8_t* end = x + 16 * groups;
#pragma GCC unroll 1
    do add_group_dsp(p, total);
    while (p != end);
    i = 16 * groups;
  }
  for (; i + 4 <= n; i += 4) {
    std::uint32_t v;
    __builtin_memcpy(&v, x + i, 4);
    total = __usada8(v ^ plus_128, 0u, total);
  }
  auto sum = static_cast<std::int32_t>(total) - 128 * static_cast<std::int32_t>(i);
  for (; i < n; ++i) sum += x[i];
  return sum;
}
// The same sum for a compile-time n, a multiple of 16 of at most max_unrolled, from a 4-byte
// aligned x: its n / 16 groups written out (no loop, no call).
template <std::size_t N>
  requires(N % 16 == 0 && N > 0 && N <= max_unrolled)
[[gnu::always_inline]] inline std::int32_t sum_s8_dsp_unrolled(const std::int8_t* x) {
  std::uint32_t total = 0;
#pragma GCC unroll 16
  for (std::size_t g = 0; g < N / 16; ++g) add_group_dsp(x, total);
  return static_cast<std::int32_t>(total) - 128 * static_cast<std::int32_t>(N);
}
#else
std::int32_t sum_s8_dsp(const std::int8_t* x, std::size_t n);  // Armv7E-M DSP only
template <std::size_t N>
std::int32_t sum_s8_dsp_unrolled(const std::int8_t* x);  // Armv7E-M DSP only
#endif
}  // namespace arm

template <std::size_t C, std::size_t N>
constexpr void global_avg_pool_s8(const std::int8_t* x, std::int8_t* y, std::int32_t act_min = -128,
                                  std::int32_t act_max = 127) {
  static_assert(N > 0 && N < (std::size_t{1} << 23), "global_avg_pool_s8: the int32 sum needs n < 2^23");
  constexpr auto n = static_cast<std::int32_t>(N);
  auto put = [&](std::size_t c, std::int32_t s) {
    std::int32_t v = s >= 0 ? (s + n / 2) / n : (s - n / 2) / n;  // in [-128, 127]: a mean of int8
    v = v < act_min ? act_min : (v > act_max ? act_max : v);
    y[c] = static_cast<std::int8_t>(v);
  };
  if constexpr (arm::global_avg_pool_s8_runs_dsp<N>) {
    if (!std::is_constant_evaluated()) {
      if constexpr (N % 16 == 0 && N <= arm::max_unrolled) {
        if ((reinterpret_cast<std::uintptr_t>(x) & 3u) == 0) {  // then every channel's start is too
          for (std::size_t c = 0; c < C; ++c) put(c, arm::sum_s8_dsp_unrolled<N>(x + c * N));
          return;
        }
      }
      for (std::size_t c = 0; c < C; ++c) put(c, arm::sum_s8_dsp(x + c * N, N));
      return;
    }
  }
  for (std::size_t c = 0; c < C; ++c) {
    std::int32_t s = 0;
    for (std::size_t i = 0; i < N; ++i) s += x[c * N + i];
    put(c, s);
  }
}

}  // namespace staticnn::kernels
