#pragma once
// Armv7E-M DSP kernel for int8 dot products of four weight rows with one input (Cortex-M4, M7,
// M33). The input is widened once per layer: each word [x0 x1 x2 x3] becomes the two int16 pair
// words (x0, x2) and (x1, x3), the order SXTB16 and SXTB16 ROR #8 give a word of weights, so per
// eight inputs one LDM brings four pair words shared by the four rows, and each row's LDRD of
// eight weights unpacks with four SXTB16 into four SMLADs.
#include <bit>
#include <cstddef>
#include <cstdint>

#include "../fixed_point.hpp"
#include "../target.hpp"
#ifdef STATICNN_ARM_DSP
#include <arm_acle.h>
#endif

namespace staticnn::kernels::arm {

// The shapes dense_rows_s8 takes: rows of whole words, three rows' offset within an LDRD immediate.
template <std::size_t M>
inline constexpr bool dense_rows_s8_supported = M % 4 == 0 && M >= 12 && 3 * M <= 1020;

// A dense layer's parameters and output, for dense_rows_s8 (built once by the caller).
struct dense_s8_args {
  const std::int8_t* w;
  const std::int32_t *bias, *multiplier;
  const std::int8_t* shift;
  std::int32_t zero_point;
  std::int8_t* y;
  const std::int8_t* mid;  // a 256-entry table's middle (y = mid[y]), or null
};

#ifdef STATICNN_ARM_DSP
// Pair words of x[0 .. 4 words) into xp[0 .. 2 words): (x0, x2), (x1, x3), (x4, x6), ... One copy
// for every layer. words >= 1.
[[gnu::noipa]] inline void widen_pairs_s8(const std::int8_t* x, std::int32_t* xp, std::size_t words) {
  std::uint32_t v, a, b;
  asm volatile("1:\n"
               "ldr %[v], [%[x]], #4\n"
               "sxtb16 %[a], %[v]\n"
               "sxtb16 %[b], %[v], ror #8\n"
               "strd %[a], %[b], [%[p]], #8\n"
               "subs %[n], %[n], #1\n"
               "bne 1b\n"
               : [x] "+r"(x), [p] "+r"(xp), [n] "+r"(words), [v] "=&r"(v), [a] "=&r"(a), [b] "=&r"(b)
               :
               : "cc", "memory");
}

// acc[4g + r] = bias[4g + r] + w[(4g + r) M .. (4g + r + 1) M) . x for r < 4, g < groups, x given
// as pair words xp[0 .. M/2) that end at an address aligned to 2^Align bytes (each row's loop ends
// there); w 4-byte aligned, M % 8 == 0. The loop over the groups is in the asm too (the bias and
// end pointers live on the stack, the output pointer in LR).
template <std::size_t M, unsigned Align>
[[gnu::always_inline]] inline void dot4x8_groups_s8(const std::int32_t* xp, const std::int8_t* w, const std::int32_t* bias,
                                                    std::int32_t* acc, std::size_t groups) {
  static_assert(M % 8 == 0 && M >= 8 && 3 * M <= 1020 && Align >= 4 && Align < 32, "dot4x8_groups_s8: rows at LDRD offsets");
  register std::int32_t x0 asm("r0"), x1 asm("r1"), x2 asm("r2"), x3 asm("r3");
  register std::int32_t t0 asm("r4"), t1 asm("r5"), t2 asm("r6");
  register std::int32_t a0 asm("r7"), a1 asm("r8"), a2 asm("r10"), a3 asm("r11");
  register const std::int8_t* wp asm("r9") = w;
  register const std::int32_t* xq asm("r12") = xp;
  register std::int32_t* out asm("lr") = acc;
  const std::int32_t* const end = acc + 4 * groups;
#define STATICNN_DOT4X8_ROW(A, LOAD)                                                                \
  LOAD                                                                                              \
  "sxtb16 r6, r4\n"                                                                                 \
  "smlad %[" A "], r0, r6, %[" A "]\n"                                                              \
  "sxtb16 r4, r4, ror #8\n"                                                                         \
  "smlad %[" A "], r1, r4, %[" A "]\n"                                                              \
  "sxtb16 r6, r5\n"                                                                                 \
  "smlad %[" A "], r2, r6, %[" A "]\n"                                                              \
  "sxtb16 r5, r5, ror #8\n"                                                                         \
  "smlad %[" A "], r3, r5, %[" A "]\n"
  asm volatile("2:\n"
               "ldr r4, %[bp]\n"
               "ldm r4!, {r7, r8, r10, r11}\n"
               "str r4, %[bp]\n"
               "1:\n"
               "ldm %[x]!, {r0, r1, r2, r3}\n"
               STATICNN_DOT4X8_ROW("a1", "ldrd r4, r5, [%[w], #%c[m1]]\n")
               STATICNN_DOT4X8_ROW("a2", "ldrd r4, r5, [%[w], #%c[m2]]\n")
               STATICNN_DOT4X8_ROW("a3", "ldrd r4, r5, [%[w], #%c[m3]]\n")
               STATICNN_DOT4X8_ROW("a0", "ldrd r4, r5, [%[w]], #8\n")
               "lsls r4, %[x], #%c[sh]\n"
               "bne 1b\n"
               "sub %[x], %[x], #%c[xback]\n"
               "add %[w], %[w], #%c[wskip]\n"
               "stm %[o]!, {r7, r8, r10, r11}\n"
               "ldr r4, %[end]\n"
               "cmp %[o], r4\n"
               "bne 2b\n"
               : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [w] "+r"(wp), [x] "+r"(xq), [o] "+r"(out),
                 "=&r"(x0), "=&r"(x1), "=&r"(x2), "=&r"(x3), "=&r"(t0), "=&r"(t1), "=&r"(t2), [bp] "+m"(bias)
               : [m1] "i"(M), [m2] "i"(2 * M), [m3] "i"(3 * M), [sh] "i"(32 - Align), [xback] "i"(2 * M),
                 [wskip] "i"(3 * M), [end] "m"(end)
               : "cc", "memory");
#undef STATICNN_DOT4X8_ROW
}

// A buffer of M/2 pair words on the stack whose end is aligned to 2^align_bits bytes.
template <std::size_t M>
struct pair_buffer {
  static constexpr std::size_t words = M / 2, bytes = std::bit_ceil(words * 4);
  static constexpr unsigned align_bits = std::countr_zero(bytes);
  alignas(bytes) std::int32_t storage[bytes / 4];
  std::int32_t* begin() { return storage + bytes / 4 - words; }
};

// One output's rescale, saturated to int8: inline in the short (doubled) form when AllDoubled
// (SMMULR of 2 acc, as the conv stages; c = 2^(e-1) + (zero_point << e) = (2 zero_point + 1) <<
// (e - 1), e - 1 = ~shift), else requantize_out_of_line (fixed_point.hpp).
template <bool AllDoubled>
[[gnu::always_inline]] inline std::int32_t dense_out(std::int32_t acc, std::int32_t multiplier, std::int32_t shift,
                                                     std::int32_t zero_point) {
  if constexpr (AllDoubled) {
    const std::int32_t e = -shift;
    const auto c = static_cast<std::int32_t>(static_cast<std::uint32_t>(2 * zero_point + 1) << ~shift);
    std::int32_t s;
    asm("smmulr %0, %1, %2" : "=r"(s) : "r"(acc * 2), "r"(multiplier));
    return __ssat((s + c + (s >> 31)) >> e, 8);
  } else {
    return requantize_out_of_line(acc, multiplier, shift, zero_point);
  }
}

// Rows [o, N) one at a time over the widened input xp (M / 2 pair words), four inputs a step: the
// rows that blocks of four leave over, and every row of a layer with M % 8 != 0 (LeNet's 84 -> 10,
// 840 MACs). Sizes at run time, so that every layer shares this one copy.
// Rows [done, N) are computed here into acc[done .. N) (the blocks of four left acc[0 .. done)),
// then all N rescaled in one loop with no asm in it (so the compiler keeps its state in
// registers), looked up in the same loop whether or not a.mid is set (no-unswitch-loops: one loop).
template <bool AllDoubled>
[[gnu::noipa, gnu::optimize("no-unswitch-loops")]] void dense_rows_one_s8(const dense_s8_args& a, const std::int32_t* xp, std::size_t M, std::size_t done,
                                      std::size_t N, std::int32_t* acc) {
  const std::int8_t* wr = a.w + done * M;
#pragma GCC unroll 1
  for (std::size_t o = done; o < N; ++o) {
    std::int32_t sum = a.bias[o];
    const std::int32_t* xw = xp;
    if (M % 8) {
      std::uint32_t v;
      __builtin_memcpy(&v, wr, 4);
      sum = __smlad(xw[0], __sxtb16(v), sum);
      sum = __smlad(xw[1], __sxtb16(std::rotr(v, 8)), sum);
      wr += 4, xw += 2;
    }
    if (M >= 8) {  // per 8 inputs one LDRD of weights, one LDM of 4 pair words
      register std::int32_t x0 asm("r0"), x1 asm("r1"), x2 asm("r2"), x3 asm("r3");
      std::int32_t t0, t1, t2;
      std::size_t n = M / 8;
      asm volatile("1:\n"
                   "ldrd %[t0], %[t1], [%[w]], #8\n"
                   "ldm %[x]!, {r0, r1, r2, r3}\n"
                   "sxtb16 %[t2], %[t0]\n"
                   "smlad %[a], r0, %[t2], %[a]\n"
                   "sxtb16 %[t0], %[t0], ror #8\n"
                   "smlad %[a], r1, %[t0], %[a]\n"
                   "sxtb16 %[t2], %[t1]\n"
                   "smlad %[a], r2, %[t2], %[a]\n"
                   "sxtb16 %[t1], %[t1], ror #8\n"
                   "smlad %[a], r3, %[t1], %[a]\n"
                   "subs %[n], %[n], #1\n"
                   "bne 1b\n"
                   : [a] "+r"(sum), [w] "+r"(wr), [x] "+r"(xw), [n] "+r"(n), "=&r"(x0), "=&r"(x1), "=&r"(x2),
                     "=&r"(x3), [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2)
                   :
                   : "cc", "memory");
    }
    acc[o] = sum;
  }
  const std::int32_t* const multiplier = a.multiplier;
  const std::int8_t* const shift = a.shift;
  const std::int8_t* const mid = a.mid;
  const std::int32_t zero_point = a.zero_point;
  std::int8_t* const y = a.y;
#pragma GCC unroll 1
  for (std::size_t o = 0; o < N; ++o) {
    const std::int32_t v = dense_out<AllDoubled>(acc[o], multiplier[o], shift[o], zero_point);
    y[o] = mid != nullptr ? mid[v] : static_cast<std::int8_t>(v);
  }
}

// The whole int8 dense layer (kernels/dense_s8.hpp's arithmetic) over the widened input: when
// M % 8 == 0 four rows at a time (dot4x8_groups_s8), the N % 4 rows left over one at a time; otherwise
// every row one at a time. AllDoubled: every output's rescale takes the short form
// (fixed_point.hpp's doubled_rescale_applies), inline, with no general path. a.mid: null, or the middle of a
// 256-entry table each output is looked up in (y = mid[y]).
// Not inlined: its input buffer lives in its own frame, not in the caller's for the whole
// forward pass (the stack high-water mark is the deepest stage's, not their sum).
template <std::size_t M, std::size_t N, bool AllDoubled = false>
[[gnu::noinline]] void dense_rows_s8(const dense_s8_args& a, const std::int8_t* x) {
  pair_buffer<M> buffer;
  std::int32_t* xp = buffer.begin();
  widen_pairs_s8(x, xp, M / 4);
  constexpr std::size_t groups = M % 8 == 0 ? N / 4 : 0;
  std::int32_t acc[N];  // blocks of four, then the rows left over
  if constexpr (groups > 0) dot4x8_groups_s8<M, pair_buffer<M>::align_bits>(xp, a.w, a.bias, acc, groups);
  dense_rows_one_s8<AllDoubled>(a, xp, M, 4 * groups, N, acc);
}
#else
template <std::size_t M, std::size_t N, bool AllDoubled = false>
void dense_rows_s8(const dense_s8_args& a, const std::int8_t* x);  // DSP only
#endif

}  // namespace staticnn::kernels::arm
