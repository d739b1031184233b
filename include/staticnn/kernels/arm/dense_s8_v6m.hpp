#pragma once
// ARMv6-M (Cortex-M0/M0+) kernel for the int8 dense layer, any M >= 1 inputs and N >= 1 outputs,
// the same int32 sums and outputs as dense_s8_portable. The input is widened to int32 once per
// call (in the caller's scratch), so each input is one LDR with an immediate offset; four rows at
// a time share it: per input one LDR, then per row an LDRB + SXTB of the weight, a MULS and an ADD
// into an accumulator in a high register (the weights cannot stay in registers: each is used
// once). Inputs run in steps of `step` (the offsets are LDRB's and LDR's
// 5-bit immediates); the last M % step inputs and the last N % 4 rows in C++.
#include <cstddef>
#include <cstdint>

#include "../fixed_point.hpp"
#include "../target.hpp"
#include "rescale_v6m.hpp"

namespace staticnn::kernels::arm {

namespace dense_v6m {
inline constexpr std::size_t rows = 4;   // accumulators in r8-r11
inline constexpr std::size_t step = 16;  // inputs per loop step: weight byte offsets 0-15, input words 0-15
}  // namespace dense_v6m

// Bytes of scratch dense_s8_v6m needs: the widened input and the alignment slack.
template <std::size_t M>
inline constexpr std::size_t dense_s8_v6m_scratch = M * sizeof(std::int32_t) + 3;

#ifdef STATICNN_ARM_V6M
// acc[r] += sum over the first `chunks` steps of w_r[i] x[i], rows w_r = w + r M: x the widened
// input. Out of line and one asm statement (GCC places no branch of its own across it).
template <std::size_t M>
[[gnu::noinline]] void dense_rows4_v6m(const std::int32_t* x, const std::int8_t* w, std::size_t chunks,
                                       std::int32_t* acc) {
#ifdef STATICNN_ARM_V6M_ASM
  std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], xv, t;
  const std::int8_t *w0 = w, *w1 = w + M, *w2 = w + 2 * M, *w3 = w + 3 * M;
  const std::int32_t* xend = x + chunks * dense_v6m::step;
  asm volatile(
      ".syntax unified\n"
      "1:\n"
      ".set snn_v6m_i, 0\n"
      ".rept %c[step]\n"
      "ldr %[xv], [%[xp], #4 * snn_v6m_i]\n"
      "ldrb %[t], [%[w0], #snn_v6m_i]\n"
      "sxtb %[t], %[t]\n"
      "muls %[t], %[xv], %[t]\n"
      "add %[a0], %[t]\n"
      "ldrb %[t], [%[w1], #snn_v6m_i]\n"
      "sxtb %[t], %[t]\n"
      "muls %[t], %[xv], %[t]\n"
      "add %[a1], %[t]\n"
      "ldrb %[t], [%[w2], #snn_v6m_i]\n"
      "sxtb %[t], %[t]\n"
      "muls %[t], %[xv], %[t]\n"
      "add %[a2], %[t]\n"
      "ldrb %[t], [%[w3], #snn_v6m_i]\n"
      "sxtb %[t], %[t]\n"
      "muls %[t], %[xv], %[t]\n"
      "add %[a3], %[t]\n"
      ".set snn_v6m_i, snn_v6m_i + 1\n"
      ".endr\n"
      "adds %[xp], #4 * %c[step]\n"
      "adds %[w0], %[step]\n"
      "adds %[w1], %[step]\n"
      "adds %[w2], %[step]\n"
      "adds %[w3], %[step]\n"
      "cmp %[xp], %[xend]\n"
      "beq 2f\n"
      "b 1b\n"
      "2:\n"
      : [a0] "+h"(a0), [a1] "+h"(a1), [a2] "+h"(a2), [a3] "+h"(a3), [xv] "=&l"(xv), [t] "=&l"(t), [xp] "+l"(x),
        [w0] "+l"(w0), [w1] "+l"(w1), [w2] "+l"(w2), [w3] "+l"(w3)
      : [xend] "h"(xend), [step] "I"(dense_v6m::step)
      : "cc", "memory");
  acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
#else  // the same sums in C++ (-Os, -O0: kernels/target.hpp)
  for (std::size_t r = 0; r < dense_v6m::rows; ++r)
    for (std::size_t i = 0; i < chunks * dense_v6m::step; ++i) acc[r] += std::int32_t{w[r * M + i]} * x[i];
#endif
}

// dense_s8's contract (kernels/dense_s8.hpp); scratch: dense_s8_v6m_scratch<M> bytes at any
// alignment that may overlap y but not x.
template <std::size_t M, std::size_t N>
void dense_s8_v6m(const std::int8_t* w, const channel_rescale& r, const std::int8_t* x, std::int8_t* y,
                  const std::int8_t* table, std::int8_t* scratch) {
  constexpr std::size_t chunks = M / dense_v6m::step, head = chunks * dense_v6m::step, R = dense_v6m::rows;
  constexpr std::uint64_t sum_max = std::uint64_t{M} * 127u * 128u;
  const auto a = reinterpret_cast<std::uintptr_t>(scratch);
  auto* xw = reinterpret_cast<std::int32_t*>(scratch + ((0u - a) & 3u));
  for (std::size_t i = 0; i < M; ++i) xw[i] = x[i];
  const bool clamped = r.act_min > -128 || r.act_max < 127;
  std::int8_t out[N];  // y may overlap the widened input: written once every row is done
  auto finish = [&](std::size_t o, std::int32_t acc) {
    const std::int32_t bias = r.bias[o];
    const std::uint32_t bias_abs = bias < 0 ? 0u - static_cast<std::uint32_t>(bias) : static_cast<std::uint32_t>(bias);
    const std::uint32_t bound =
        bias_abs < (1u << 30) && sum_max < (1u << 30) ? bias_abs + static_cast<std::uint32_t>(sum_max) : ~0u;
    std::int8_t v = rescale_v6m::make(r.multiplier[o], r.shift[o], r.zero_point, bound)(acc);
    if (clamped) v = r.clamp(v);
    out[o] = table != nullptr ? table[v] : v;
  };
  constexpr std::size_t grouped = chunks > 0 ? N / R * R : 0;  // rows through dense_rows4_v6m
  if constexpr (grouped > 0) {
    for (std::size_t o = 0; o < grouped; o += R) {
      std::int32_t acc[R] = {r.bias[o], r.bias[o + 1], r.bias[o + 2], r.bias[o + 3]};
      dense_rows4_v6m<M>(xw, w + o * M, chunks, acc);
      for (std::size_t k = 0; k < R; ++k)
        for (std::size_t i = head; i < M; ++i) acc[k] += std::int32_t{w[(o + k) * M + i]} * xw[i];
      for (std::size_t k = 0; k < R; ++k) finish(o + k, acc[k]);
    }
  }
  for (std::size_t o = grouped; o < N; ++o) {
    std::int32_t acc = r.bias[o];
    for (std::size_t i = 0; i < M; ++i) acc += std::int32_t{w[o * M + i]} * xw[i];
    finish(o, acc);
  }
  for (std::size_t i = 0; i < N; ++i) y[i] = out[i];
}
#else
template <std::size_t M, std::size_t N>
void dense_s8_v6m(const std::int8_t*, const channel_rescale&, const std::int8_t*, std::int8_t*, const std::int8_t*,
                  std::int8_t*);  // ARMv6-M only
#endif

}  // namespace staticnn::kernels::arm
