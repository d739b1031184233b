#pragma once
// Armv7E-M DSP kernels for a whole int8 conv 5x5 -> 256-entry lookup -> 2x2 average pool stage
// (Cortex-M4, M7, M33). Inputs and weights are widened to int16 once per stage, on the stack, in
// the order the multiply wants, so every SMLAD gets two ready pairs and loads are LDMs:
//   conv_row_c1: one input channel. For 4 outputs x..x+3 of a row, the words A..D = (x0,x1) ..
//     (x6,x7) serve the even outputs with weights (w0,w1),(w2,w3),(w4,0) and the odd ones with
//     (0,w0),(w1,w2),(w3,w4): per kernel row 1 LDM of inputs, 2 of weights, 12 SMLAD (20 MACs);
//     the rescale and lookup of the 4 outputs follow in the same asm.
//   conv2x2x4ch_c6: six input channels in HWC order, so one tap's channels are 3 words; four output
//     channels share each LDM of inputs: per tap 1 + 4 LDMs and 12 SMLAD (24 MACs).
// One operand is doubled (conv1's weights, conv2's input), so the int32 accumulator holds 2 acc and
// the TFLite rescale (acc m + 2^30) >> 31 is one SMMULR (see requantize_doubled).
#include <bit>
#include <cstddef>
#include <cstdint>

#include "../fixed_point.hpp"
#include "../target.hpp"
#ifdef STATICNN_ARM_DSP
#include <arm_acle.h>
#endif

namespace staticnn::kernels::arm {

#ifdef STATICNN_ARM_DSP
// saturate(zero_point + multiply_by_quantized_multiplier(acc, m, shift)) for acc2 = 2 acc,
// |acc| < 2^30, shift = -e in [-22, 0), m in [2^30, 2^31): SMMULR(2 acc, m) = (acc m + 2^30) >> 31 is
// gemmlowp's rounding doubling high multiply; c = 2^(e-1) + (zero_point << e), so adding c and
// [s < 0] before the shift is its rounding divide by 2^e with the zero point added.
[[gnu::always_inline]] inline std::int32_t requantize_doubled(std::int32_t acc2, std::int32_t m, std::int32_t c,
                                                              std::int32_t e) {
  std::int32_t s;
  asm("smmulr %0, %1, %2" : "=r"(s) : "r"(acc2), "r"(m));
  return __ssat((s + c + (s >> 31)) >> e, 8);
}

// One pooled row of one output channel: for each 4 outputs x .. x + 3 of conv rows 2 py and
// 2 py + 1 (int16 rows W apart, x 4-byte aligned), rescaled and looked up, the two 2x2 averages
// y[0], y[1]; then x + 4, y + 2, until y reaches y + OW / 2. w: bias2 four times, then per kernel
// row the even words (w0,w1),(w2,w3),(w4,0), then the odd words (0,w0),(w1,w2),(w3,w4), doubled;
// then the channel's {m, c, e, table + 128} of requantize_doubled (so the asm finds them after the
// weights, when registers are free). One conv row of 4 outputs is a local subroutine (BL, BX LR)
// called twice per window pair: one copy of it in flash. The loop over the row is in the asm too
// (the output pointer and its end ride on the stack across the calls).
template <std::size_t W, std::size_t OW>
[[gnu::always_inline]] inline void conv_row_c1(const std::int16_t* x, const std::int32_t* w, std::int8_t* y) {
  static_assert(12 * W <= 4095 + 8, "conv_row_c1: row steps must fit a 12-bit immediate");
  register std::int32_t x0 asm("r0"), x1 asm("r1"), x2 asm("r2"), x3 asm("r3");
  register std::int32_t w0 asm("r4");
  register std::int8_t* yp asm("r5") = y;
  register std::int8_t* ye asm("r6") = y + OW / 2;
  register std::int32_t a0 asm("r7"), a1 asm("r8"), a2 asm("r10"), a3 asm("r11");
  register const std::int32_t* wp asm("r9") = w;
  register const std::int16_t* xp asm("r12") = x;
#define STATICNN_C1_ROW                                                                             \
  "ldm %[x], {r0, r1, r2, r3}\n"                                                                   \
  "add %[x], %[x], #%c[rs]\n"                                                                      \
  "ldm %[w]!, {r4, r5, r6}\n"                                                                      \
  "smlad %[a0], r0, r4, %[a0]\n"                                                                   \
  "smlad %[a2], r1, r4, %[a2]\n"                                                                   \
  "smlad %[a0], r1, r5, %[a0]\n"                                                                   \
  "smlad %[a2], r2, r5, %[a2]\n"                                                                   \
  "smlad %[a0], r2, r6, %[a0]\n"                                                                   \
  "smlad %[a2], r3, r6, %[a2]\n"                                                                   \
  "ldm %[w]!, {r4, r5, r6}\n"                                                                      \
  "smlad %[a1], r0, r4, %[a1]\n"                                                                   \
  "smlad %[a3], r1, r4, %[a3]\n"                                                                   \
  "smlad %[a1], r1, r5, %[a1]\n"                                                                   \
  "smlad %[a3], r2, r5, %[a3]\n"                                                                   \
  "smlad %[a1], r2, r6, %[a1]\n"                                                                   \
  "smlad %[a3], r3, r6, %[a3]\n"
  // requantize_doubled and the lookup, in place: r0 = m, r1 = c, r2 = e, r3 = table + 128.
#define STATICNN_C1_OUT(A)                                                                          \
  "smmulr r4, %[" A "], r0\n"                                                                      \
  "add %[" A "], r4, r1\n"                                                                         \
  "add %[" A "], %[" A "], r4, asr #31\n"                                                          \
  "asr %[" A "], %[" A "], r2\n"                                                                   \
  "ssat %[" A "], #8, %[" A "]\n"                                                                  \
  "ldrsb %[" A "], [r3, %[" A "]]\n"
  // TFLite's 2x2 average (s + 2 + [s < 0]) >> 2.
#define STATICNN_C1_AVG(D, S)                                                                       \
  "add " D ", %[" S "], #2\n"                                                                      \
  "add " D ", " D ", %[" S "], asr #31\n"                                                          \
  "asr " D ", " D ", #2\n"
  asm volatile("4:\n"
               "push {%[y], %[ye]}\n"
               "ldm %[w]!, {%[a0], %[a1], %[a2], %[a3]}\n"  // the bias, doubled
               "bl 2f\n"
               "push {%[a0], %[a2]}\n"
               "sub %[w], %[w], #%c[wback]\n"
               "sub %[x], %[x], #%c[xback]\n"
               "ldm %[w]!, {%[a0], %[a1], %[a2], %[a3]}\n"
               "bl 2f\n"
               "pop {r0, r1}\n"
               "pop {%[y], %[ye]}\n"
               "add %[a0], %[a0], r0\n"
               "add %[a2], %[a2], r1\n"
               STATICNN_C1_AVG("r0", "a0") STATICNN_C1_AVG("r1", "a2")
               "strb r0, [%[y]], #1\n"
               "strb r1, [%[y]], #1\n"
               "sub %[w], %[w], #%c[wback]\n"
               "sub %[x], %[x], #%c[xnext]\n"
               "cmp %[y], %[ye]\n"
               "bne 4b\n"
               "b 3f\n"
               "2:\n"  // one row: 4 outputs, rescaled, looked up, summed in pairs
               STATICNN_C1_ROW STATICNN_C1_ROW STATICNN_C1_ROW STATICNN_C1_ROW STATICNN_C1_ROW
               "ldm %[w], {r0, r1, r2, r3}\n"
               STATICNN_C1_OUT("a0") STATICNN_C1_OUT("a1") STATICNN_C1_OUT("a2") STATICNN_C1_OUT("a3")
               "add %[a0], %[a0], %[a1]\n"
               "add %[a2], %[a2], %[a3]\n"
               "bx lr\n"
               "3:\n"
               : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [w] "+r"(wp), [x] "+r"(xp),
                 [y] "+r"(yp), [ye] "+r"(ye), "=&r"(x0), "=&r"(x1), "=&r"(x2), "=&r"(x3), "=&r"(w0)
               : [rs] "i"(2 * W), [wback] "i"(4 * (4 + 30)), [xback] "i"(2 * W * 4), [xnext] "i"(2 * W * 6 - 8)
               : "lr", "cc", "memory");
#undef STATICNN_C1_AVG
#undef STATICNN_C1_OUT
#undef STATICNN_C1_ROW
}

// a[d][0..4) = b2[0..4) + four output channels' 6 x 5 x 5 weights times the window d of a 2x2
// block at x: (0, 0), (0, 1), (1, 0), (1, 1) (int16 HWC, 6 channels, rows W pixels apart, 4-byte
// aligned). w: per kernel row, per tap, per output channel the 3 words (c0,c1),(c2,c3),(c4,c5).
// One window is a local subroutine (BL, BX LR) that starts the accumulators from b2 with one LDM;
// between calls the asm stores them and steps x and w back (the pointers to b2 and a ride on the
// stack): one copy of the multiply loop, no compiler spills between windows.
template <std::size_t W>
[[gnu::always_inline]] inline void conv2x2x4ch_c6(const std::int16_t* x, const std::int32_t* w, const std::int32_t* b2,
                                                  std::int32_t (*a)[4]) {
  constexpr std::size_t C = 6, row = 2 * C * W;  // bytes per image row
  static_assert(5 * row <= 4095, "conv2x2x4ch_c6: row steps must fit a 12-bit immediate");
  register std::int32_t x0 asm("r0"), x1 asm("r1"), x2 asm("r2"), n asm("r3");
  register std::int32_t w0 asm("r4"), w1 asm("r5"), w2 asm("r6");
  register std::int32_t a0 asm("r7"), a1 asm("r8"), a2 asm("r10"), a3 asm("r11");
  register const std::int32_t* wp asm("r9") = w;
  register const std::int16_t* xp asm("r12") = x;
  std::int32_t* out = a[0];
#define STATICNN_C6_OC(A)                                                                           \
  "ldm %[w]!, {r4, r5, r6}\n"                                                                      \
  "smlad %[" A "], r0, r4, %[" A "]\n"                                                             \
  "smlad %[" A "], r1, r5, %[" A "]\n"                                                             \
  "smlad %[" A "], r2, r6, %[" A "]\n"
#define STATICNN_C6_TAP                                                                             \
  "ldm %[x]!, {r0, r1, r2}\n" STATICNN_C6_OC("a0") STATICNN_C6_OC("a1") STATICNN_C6_OC("a2") STATICNN_C6_OC("a3")
#define STATICNN_C6_STORE                                                                           \
  "ldr r3, %[out]\n"                                                                               \
  "stm r3!, {r7, r8, r10, r11}\n"                                                                  \
  "str r3, %[out]\n"
  asm volatile("bl 5f\n" STATICNN_C6_STORE
               "sub %[x], %[x], #%c[to1]\n"
               "sub %[w], %[w], #1200\n"
               "bl 5f\n" STATICNN_C6_STORE
               "sub %[x], %[x], #%c[to2]\n"
               "sub %[w], %[w], #1200\n"
               "bl 5f\n" STATICNN_C6_STORE
               "sub %[x], %[x], #%c[to1]\n"
               "sub %[w], %[w], #1200\n"
               "bl 5f\n" STATICNN_C6_STORE
               "b 6f\n"
               "5:\n"
               "ldr r3, %[b2]\n"
               "ldm r3, {r7, r8, r10, r11}\n"
               "movs r3, #5\n"
               "1:\n" STATICNN_C6_TAP STATICNN_C6_TAP STATICNN_C6_TAP STATICNN_C6_TAP STATICNN_C6_TAP
               "add %[x], %[x], #%c[skip]\n"
               "subs r3, r3, #1\n"
               "bne 1b\n"
               "bx lr\n"
               "6:\n"
               : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [w] "+r"(wp), [x] "+r"(xp),
                 "=&r"(n), "=&r"(x0), "=&r"(x1), "=&r"(x2), "=&r"(w0), "=&r"(w1), "=&r"(w2), [out] "+m"(out)
               : [skip] "i"(2 * C * (W - 5)), [to1] "i"(5 * row - 2 * C), [to2] "i"(4 * row + 2 * C), [b2] "m"(b2)
               : "lr", "cc", "memory");
#undef STATICNN_C6_STORE
#undef STATICNN_C6_TAP
#undef STATICNN_C6_OC
}

// d[0 .. 4 words) = x[0 .. 4 words) widened to int16 (words >= 1; x any alignment, d 4-byte
// aligned): per word one load, SXTB16 twice, PKHBT/PKHTB, one STRD.
[[gnu::always_inline]] inline void widen_s8_s16(const std::int8_t* x, std::int16_t* d, std::size_t words) {
  std::uint32_t v, a, b;
  asm volatile("1:\n"
               "ldr %[v], [%[x]], #4\n"
               "sxtb16 %[a], %[v]\n"               // (x0, x2)
               "sxtb16 %[b], %[v], ror #8\n"       // (x1, x3)
               "pkhbt %[v], %[a], %[b], lsl #16\n" // (x0, x1)
               "pkhtb %[a], %[b], %[a], asr #16\n" // (x2, x3)
               "strd %[v], %[a], [%[d]], #8\n"
               "subs %[n], %[n], #1\n"
               "bne 1b\n"
               : [x] "+r"(x), [d] "+r"(d), [n] "+r"(words), [v] "=&r"(v), [a] "=&r"(a), [b] "=&r"(b)
               :
               : "cc", "memory");
}

inline std::int32_t pair16(std::int32_t lo, std::int32_t hi) {
  return static_cast<std::int32_t>((static_cast<std::uint32_t>(lo) & 0xffffu) | (static_cast<std::uint32_t>(hi) << 16));
}

// Words (a[k], b[k]) as int16 pairs, doubled if Double, for k < 4 n, b = a + Plane bytes (any
// alignment), word k at d + k Stride bytes: per 4 k two loads, SXTB16 four times, PKHBT/PKHTB,
// four stores.
template <std::size_t Plane, std::size_t Stride, bool Double>
[[gnu::always_inline]] inline void pairs_s8(const std::int8_t* a, std::int32_t* d, std::size_t n) {
  std::uint32_t va, vb, a13, b13, t;
#define STATICNN_PAIRS_LOAD                                                                         \
  "1:\n"                                                                                            \
  "ldr %[b], [%[x], #%c[plane]]\n"                                                                  \
  "ldr %[a], [%[x]], #4\n"                                                                          \
  "sxtb16 %[a13], %[a], ror #8\n"                                                                   \
  "sxtb16 %[a], %[a]\n"                                                                             \
  "sxtb16 %[b13], %[b], ror #8\n"                                                                   \
  "sxtb16 %[b], %[b]\n"
#define STATICNN_PAIRS_STORE                                                                        \
  "pkhbt %[t], %[a], %[b], lsl #16\n"                                                               \
  "str %[t], [%[d]]\n"                                                                              \
  "pkhbt %[t], %[a13], %[b13], lsl #16\n"                                                           \
  "str %[t], [%[d], #%c[s1]]\n"                                                                     \
  "pkhtb %[t], %[b], %[a], asr #16\n"                                                               \
  "str %[t], [%[d], #%c[s2]]\n"                                                                     \
  "pkhtb %[t], %[b13], %[a13], asr #16\n"                                                           \
  "str %[t], [%[d], #%c[s3]]\n"                                                                     \
  "add %[d], %[d], #%c[s4]\n"                                                                       \
  "subs %[n], %[n], #1\n"                                                                           \
  "bne 1b\n"
#define STATICNN_PAIRS_OPERANDS                                                                     \
  : [x] "+r"(a), [d] "+r"(d), [n] "+r"(n), [a] "=&r"(va), [b] "=&r"(vb), [a13] "=&r"(a13), [b13] "=&r"(b13),   \
    [t] "=&r"(t)                                                                                    \
  : [plane] "i"(Plane), [s1] "i"(Stride), [s2] "i"(2 * Stride), [s3] "i"(3 * Stride), [s4] "i"(4 * Stride) \
  : "cc", "memory"
  if constexpr (Double)
    asm volatile(STATICNN_PAIRS_LOAD
                 "sadd16 %[a], %[a], %[a]\n"
                 "sadd16 %[a13], %[a13], %[a13]\n"
                 "sadd16 %[b], %[b], %[b]\n"
                 "sadd16 %[b13], %[b13], %[b13]\n" STATICNN_PAIRS_STORE STATICNN_PAIRS_OPERANDS);
  else
    asm volatile(STATICNN_PAIRS_LOAD STATICNN_PAIRS_STORE STATICNN_PAIRS_OPERANDS);
#undef STATICNN_PAIRS_OPERANDS
#undef STATICNN_PAIRS_STORE
#undef STATICNN_PAIRS_LOAD
}

// TFLite's int8 2x2 average: (sum +- 2) / 4 truncating = (sum + 2 - [sum < 0]) >> 2.
[[gnu::always_inline]] inline std::int8_t avg4(std::int32_t sum) {
  return static_cast<std::int8_t>((sum + 2 + (sum >> 31)) >> 2);
}

// A stage's int8 parameters: weights OIHW, per-channel int32 bias, multiplier and shift, the
// output zero point, and the 256-entry table indexed by value + 128.
struct stage_params {
  const std::int8_t* weights;
  const std::int32_t *bias, *multiplier;
  const std::int8_t* shift;
  std::int32_t zero_point;
  const std::int8_t* table;
};

// The stage's parameters from a conv layer (quant::qconv2d_layer) and the table: the kernels take
// the layer itself, so a caller passes one pointer, not six words built on its stack.
template <class Layer>
[[gnu::always_inline]] inline stage_params params_of(const Layer& l, const std::int8_t* table) {
  return {l.weights.data(), l.bias.data(), l.multiplier.data(), l.shift.data(), l.zero_point, table};
}

// One channel's rescale in the doubled form (fixed_point.hpp's doubled_rescale_applies says when it holds).
struct doubled_rescale {
  std::int32_t bias2, m, c, e;
};
inline doubled_rescale doubled_of(const stage_params& p, std::size_t o) {
  const std::int32_t e = -p.shift[o];
  return {2 * p.bias[o], p.multiplier[o], (1 << (e - 1)) + static_cast<std::int32_t>(static_cast<std::uint32_t>(p.zero_point) << e), e};
}
// False where requantize_doubled does not apply (the channel then takes channel_general).
inline bool make_doubled(const stage_params& p, std::size_t o, std::uint32_t sum_max, doubled_rescale& r) {
  if (!doubled_rescale_applies(p.bias[o], p.multiplier[o], p.shift[o], p.zero_point, sum_max)) {
    r = {};
    return false;
  }
  r = doubled_of(p, o);
  return true;
}

// Output channel o of the stage the plain way (fixed_point.hpp's rescale), from the int16
// HWC input xs of C channels, rows W pixels: for channels outside requantize_doubled's range.
// Rarely run, so kept out of line, small and shared (dimensions as arguments).
struct stage_dims {
  std::size_t C, W, PH, PW;
  int x_shift;  // xs holds x << x_shift (conv2's input is stored doubled)
};
[[gnu::noinline]] inline void channel_general(const std::int16_t* xs, const stage_params& p, std::size_t o,
                                              std::int8_t* y, stage_dims d) {
  const std::int8_t* w = p.weights + o * d.C * 25;
  for (std::size_t py = 0; py < d.PH; ++py)
    for (std::size_t px = 0; px < d.PW; ++px) {
      std::int32_t sum = 0;
      for (std::size_t k = 0; k < 4; ++k) {
        const std::size_t oy = 2 * py + k / 2, ox = 2 * px + k % 2;
        std::int32_t acc = p.bias[o];
        for (std::size_t c = 0; c < d.C; ++c)
          for (std::size_t ky = 0; ky < 5; ++ky) {
            const std::int16_t* xr = xs + ((oy + ky) * d.W + ox) * d.C + c;
            const std::int8_t* wr = w + (c * 5 + ky) * 5;
#pragma GCC unroll 1
            for (std::size_t kx = 0; kx < 5; ++kx) acc += std::int32_t{wr[kx]} * (xr[kx * d.C] >> d.x_shift);
          }
        sum += p.table[128 + requantize(acc, p.multiplier[o], p.shift[o], p.zero_point)];
      }
      y[(o * d.PH + py) * d.PW + px] = avg4(sum);
    }
}

// conv (1 input channel, 5x5, OutC channels) -> table -> 2x2 average, x: H x W int8, y: OutC x
// PH x PW int8 (y may overlap x: x is widened to the stack first). AllDoubled: the caller knows
// (at compile time) that every channel's rescale takes the doubled form, so no check, no
// general path.
template <std::size_t H, std::size_t W, std::size_t OutC, bool AllDoubled = false, class Layer>
void conv_lookup_pool_c1(const std::int8_t* x, const Layer& layer, const std::int8_t* table, std::int8_t* y) {
  const stage_params p = params_of(layer, table);
  constexpr std::size_t OH = H - 4, OW = W - 4, PH = OH / 2, PW = OW / 2;
  static_assert(OW % 4 == 0 && W % 2 == 0 && OH % 2 == 0 && (H * W) % 4 == 0,
                "conv_lookup_pool_c1: rows must split into 4 outputs, aligned");
  alignas(8) std::int16_t xs[H * W];
  widen_s8_s16(x, xs, H * W / 4);
  const std::int8_t* mid = p.table + 128;
  for (std::size_t o = 0; o < OutC; ++o) {
    doubled_rescale qo{};
    if constexpr (AllDoubled) qo = doubled_of(p, o);
    else if (!make_doubled(p, o, 25u * 127u * 128u, qo)) {
      channel_general(xs, p, o, y, {1, W, PH, PW, 0});
      continue;
    }
    // bias2 x 4; per kernel row: (w0,w1),(w2,w3),(w4,0),(0,w0),(w1,w2),(w3,w4), doubled; m, c, e, table
    std::int32_t wu[4 + 5 * 6 + 4];
    {  // per row w0..w4: one (unaligned) word load and a byte, SXTB16, SADD16 to double, PKH to pair
      const std::int8_t* r = p.weights + o * 25;
      std::int32_t* u = wu + 4;
      std::uint32_t v, t, e, od, a;
      std::size_t n = 5;
      asm volatile("1:\n"
                   "ldr %[v], [%[r]]\n"
                   "ldrsb %[t], [%[r], #4]\n"
                   "adds %[r], %[r], #5\n"
                   "sxtb16 %[e], %[v]\n"             // (w0, w2)
                   "sxtb16 %[od], %[v], ror #8\n"    // (w1, w3)
                   "sadd16 %[e], %[e], %[e]\n"
                   "sadd16 %[od], %[od], %[od]\n"
                   "lsls %[t], %[t], #17\n"          // (0, 2 w4)
                   "pkhbt %[v], %[e], %[od], lsl #16\n"  // (w0, w1)
                   "pkhtb %[a], %[od], %[e], asr #16\n"  // (w2, w3)
                   "strd %[v], %[a], [%[u]], #8\n"
                   "lsrs %[v], %[t], #16\n"          // (w4, 0)
                   "lsls %[a], %[e], #16\n"          // (0, w0)
                   "strd %[v], %[a], [%[u]], #8\n"
                   "pkhbt %[v], %[od], %[e]\n"        // (w1, w2)
                   "pkhtb %[a], %[t], %[od], asr #16\n"  // (w3, w4)
                   "strd %[v], %[a], [%[u]], #8\n"
                   "subs %[n], %[n], #1\n"
                   "bne 1b\n"
                   : [r] "+r"(r), [u] "+r"(u), [n] "+r"(n), [v] "=&r"(v), [t] "=&r"(t), [e] "=&r"(e), [od] "=&r"(od),
                     [a] "=&r"(a)
                   :
                   : "cc", "memory");
    }
    wu[0] = wu[1] = wu[2] = wu[3] = qo.bias2;
    wu[34] = qo.m, wu[35] = qo.c, wu[36] = qo.e, wu[37] = static_cast<std::int32_t>(reinterpret_cast<std::uintptr_t>(mid));
    std::int8_t* yo = y + o * PH * PW;
#pragma GCC unroll 1
    for (std::size_t py = 0; py < PH; ++py) conv_row_c1<W, OW>(xs + 2 * py * W, wu, yo + py * PW);
  }
}

// conv (6 input channels, 5x5, OutC channels, OutC % 4 == 0) -> table -> 2x2 average,
// x: 6 x H x W int8, y: OutC x PH x PW int8 (may overlap x); wu: scratch of 300 words,
// 4-byte aligned, that may overlap x too (it is written after x is read). AllDoubled as above.
template <std::size_t H, std::size_t W, std::size_t OutC, bool AllDoubled = false, class Layer>
void conv_lookup_pool_c6(const std::int8_t* x, const Layer& layer, const std::int8_t* table, std::int8_t* y,
                         std::int32_t* wu) {
  const stage_params p = params_of(layer, table);
  constexpr std::size_t C = 6, OH = H - 4, OW = W - 4, PH = OH / 2, PW = OW / 2;
  static_assert(OutC % 4 == 0 && OH % 2 == 0 && OW % 2 == 0, "conv_lookup_pool_c6: 4 channels, 2x2 blocks");
  static_assert((H * W) % 4 == 0, "conv_lookup_pool_c6: channels of whole words");
  alignas(8) std::int16_t xs[H * W * C];  // HWC, doubled: pixel i's channel pair (c, c + 1) is one word
#pragma GCC unroll 1
  for (std::size_t c = 0; c < C; c += 2) {  // channels c and c + 1, four pixels a step
    std::int32_t* d = reinterpret_cast<std::int32_t*>(xs) + c / 2;
    pairs_s8<H * W, 2 * C, true>(x + c * H * W, d, H * W / 4);  // doubled: 2 acc without doubling weights
  }
  const std::int8_t* mid = p.table + 128;
  asm("" : "+r"(mid));  // keep table + 128 in a register: each lookup one LDRSB [mid, v]
  for (std::size_t o0 = 0; o0 < OutC; o0 += 4) {
    doubled_rescale q[4];  // set for all four (zero-initialising them called memset)
    if constexpr (AllDoubled) {
#pragma GCC unroll 1
      for (std::size_t j = 0; j < 4; ++j) q[j] = doubled_of(p, o0 + j);
    } else {
      bool fast = true;
      for (std::size_t j = 0; j < 4; ++j) fast = make_doubled(p, o0 + j, 150u * 127u * 128u, q[j]) && fast;
      if (!fast) {
        for (std::size_t j = 0; j < 4; ++j) channel_general(xs, p, o0 + j, y, {C, W, PH, PW, 1});
        continue;
      }
    }
    const std::int32_t b2[4] = {q[0].bias2, q[1].bias2, q[2].bias2, q[3].bias2};
    // [ky][kx][4 channels][(c0,c1),(c2,c3),(c4,c5)] (the input is the doubled operand here)
#pragma GCC unroll 1
    for (std::size_t j = 0; j < 4; ++j)
#pragma GCC unroll 1
      for (std::size_t c = 0; c < C; c += 2) {
        const std::int8_t* wc = p.weights + ((o0 + j) * C + c) * 25;
        std::int32_t* u = wu + j * 3 + c / 2;
        pairs_s8<25, 48, false>(wc, u, 6);
        u[24 * 12] = pair16(wc[24], wc[49]);
      }
    for (std::size_t py = 0; py < PH; ++py)
      for (std::size_t px = 0; px < PW; ++px) {
        std::int32_t a[4][4];  // [window position][channel]: all four accumulated, then rescaled
        conv2x2x4ch_c6<W>(xs + (2 * py * W + 2 * px) * C, wu, b2, a);
#pragma GCC unroll 1
        for (std::size_t j = 0; j < 4; ++j) {
          const doubled_rescale qj = q[j];
          std::int32_t sum = 0;
          for (std::size_t d = 0; d < 4; ++d) sum += mid[requantize_doubled(a[d][j], qj.m, qj.c, qj.e)];
          y[((o0 + j) * PH + py) * PW + px] = avg4(sum);
        }
      }
  }
}
#else
template <std::size_t H, std::size_t W, std::size_t OutC, bool AllDoubled = false, class Layer>
void conv_lookup_pool_c1(const std::int8_t*, const Layer&, const std::int8_t*, std::int8_t*);  // Armv7E-M DSP only
template <std::size_t H, std::size_t W, std::size_t OutC, bool AllDoubled = false, class Layer>
void conv_lookup_pool_c6(const std::int8_t*, const Layer&, const std::int8_t*, std::int8_t*, std::int32_t*);  // DSP only
#endif

}  // namespace staticnn::kernels::arm
