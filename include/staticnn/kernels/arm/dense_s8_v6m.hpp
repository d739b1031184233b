#pragma once
// ARMv6-M (Cortex-M0/M0+) kernel for the int8 dense layer, any M >= 1 inputs and N >= 1 outputs,
// the same int32 sums and outputs as dense_s8_portable. Four rows at a time share each input, all
// five loaded by LDRSB at one register index (the pointers biased to the run's end, the index
// counting up from -n to 0, so its ADDS ends the loop): per input one LDRSB of x, then per row an
// LDRSB of the weight, a MULS and an ADD into an accumulator in a high register (the weights
// cannot stay in registers: each is used once). Inputs run in steps of `step` (unrolled); the
// last M % step inputs and the last N % 4 rows in C++. No scratch: x is read as it is.
#include <cstddef>
#include <cstdint>

#include "../fixed_point.hpp"
#include "../target.hpp"
#include "rescale_v6m.hpp"

namespace staticnn::kernels::arm {

namespace dense_v6m {
inline constexpr std::size_t rows = 4;  // accumulators in high registers
inline constexpr std::size_t step = 8;  // inputs per loop step (the body within BNE's reach)
}  // namespace dense_v6m

// Bytes of scratch dense_s8_v6m needs.
template <std::size_t M>
inline constexpr std::size_t dense_s8_v6m_scratch = 0;

#ifdef STATICNN_ARM_V6M
// acc[r] += sum over the first n = chunks step inputs of w_r[i] x[i], rows w_r = w + r M. Out of
// line and one asm statement (GCC places no branch of its own across it). Registers: x, w0-w2,
// w3 (r7: eight low registers), the index i, xv (the input), t (the weight, then the product);
// a0-a3 high.
template <std::size_t M>
[[gnu::noinline]] void dense_rows4_v6m(const std::int8_t* x, const std::int8_t* w, std::size_t chunks,
                                       std::int32_t* acc) {
  const std::size_t n = chunks * dense_v6m::step;
#ifdef STATICNN_ARM_V6M_ASM
  std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], xv, t;
  std::int32_t i = -static_cast<std::int32_t>(n);
  const std::int8_t *xe = x + n, *w0 = w + n, *w1 = w + M + n, *w2 = w + 2 * M + n;
  register const std::int8_t* w3 asm("r7") = w + 3 * M + n;
  asm volatile(
      ".syntax unified\n"
      "1:\n"
      ".rept %c[step]\n"
      "ldrsb %[xv], [%[xe], %[i]]\n"
      "ldrsb %[t], [%[w0], %[i]]\n"
      "muls %[t], %[xv], %[t]\n"
      "add %[a0], %[t]\n"
      "ldrsb %[t], [%[w1], %[i]]\n"
      "muls %[t], %[xv], %[t]\n"
      "add %[a1], %[t]\n"
      "ldrsb %[t], [%[w2], %[i]]\n"
      "muls %[t], %[xv], %[t]\n"
      "add %[a2], %[t]\n"
      "ldrsb %[t], [%[w3], %[i]]\n"
      "muls %[t], %[xv], %[t]\n"
      "add %[a3], %[t]\n"
      "adds %[i], #1\n"
      ".endr\n"
      "bne 1b\n"
      : [a0] "+h"(a0), [a1] "+h"(a1), [a2] "+h"(a2), [a3] "+h"(a3), [xv] "=&l"(xv), [t] "=&l"(t), [i] "+l"(i)
      : [xe] "l"(xe), [w0] "l"(w0), [w1] "l"(w1), [w2] "l"(w2), [w3] "r"(w3), [step] "I"(dense_v6m::step)
      : "cc", "memory");
  acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
#else  // the same sums in C++ (-Os, -O0: kernels/target.hpp)
  for (std::size_t r = 0; r < dense_v6m::rows; ++r)
    for (std::size_t i = 0; i < n; ++i) acc[r] += std::int32_t{w[r * M + i]} * x[i];
#endif
}

// dense_s8's contract (kernels/dense_s8.hpp).
template <std::size_t M, std::size_t N>
void dense_s8_v6m(const std::int8_t* w, const channel_rescale& r, const std::int8_t* x, std::int8_t* y,
                  const std::int8_t* table) {
  constexpr std::size_t chunks = M / dense_v6m::step, head = chunks * dense_v6m::step, R = dense_v6m::rows;
  constexpr std::uint64_t sum_max = std::uint64_t{M} * 127u * 128u;
  const bool clamped = r.act_min > -128 || r.act_max < 127;
  auto finish = [&](std::size_t o, std::int32_t acc) {
    const std::int32_t bias = r.bias[o];
    const std::uint32_t bias_abs = bias < 0 ? 0u - static_cast<std::uint32_t>(bias) : static_cast<std::uint32_t>(bias);
    const std::uint32_t bound =
        bias_abs < (1u << 30) && sum_max < (1u << 30) ? bias_abs + static_cast<std::uint32_t>(sum_max) : ~0u;
    std::int8_t v = rescale_v6m::make(r.multiplier[o], r.shift[o], r.zero_point, bound)(acc);
    if (clamped) v = r.clamp(v);
    y[o] = table != nullptr ? table[v] : v;
  };
  constexpr std::size_t grouped = chunks > 0 ? N / R * R : 0;  // rows through dense_rows4_v6m
  if constexpr (grouped > 0) {
    for (std::size_t o = 0; o < grouped; o += R) {
      std::int32_t acc[R] = {r.bias[o], r.bias[o + 1], r.bias[o + 2], r.bias[o + 3]};
      dense_rows4_v6m<M>(x, w + o * M, chunks, acc);
      for (std::size_t k = 0; k < R; ++k)
        for (std::size_t i = head; i < M; ++i) acc[k] += std::int32_t{w[(o + k) * M + i]} * x[i];
      for (std::size_t k = 0; k < R; ++k) finish(o + k, acc[k]);
    }
  }
  for (std::size_t o = grouped; o < N; ++o) {
    std::int32_t acc = r.bias[o];
    for (std::size_t i = 0; i < M; ++i) acc += std::int32_t{w[o * M + i]} * x[i];
    finish(o, acc);
  }
}
#else
template <std::size_t M, std::size_t N>
void dense_s8_v6m(const std::int8_t*, const channel_rescale&, const std::int8_t*, std::int8_t*,
                  const std::int8_t*);  // ARMv6-M only
#endif

}  // namespace staticnn::kernels::arm
