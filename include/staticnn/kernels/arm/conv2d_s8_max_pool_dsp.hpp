#pragma once
// Armv7E-M DSP kernel (Cortex-M4, M7, M33) for an int8 3x3 stride-1 convolution of one input
// channel followed by a 2x2 max pool (stride 2, unpadded; a padded conv passes a window of its
// padded input): one pooled row of G output channels,
//   y[g][px] = max over dy, dx in {0, 1} of clamp(requantize(acc_g(oy0 + dy, 2 px + dx))),
// px < PW = (W - 2) / 2, bit for bit as the portable conv (kernels/conv2d_s8.hpp) then the pool;
// and (conv2d_s8_avg_pool_dsp) the 3x3 conv with a 2x2 average pool, each output rescaled
// (1x1 convs: kernels/arm/conv2d_s8_pointwise_dsp.hpp's conv2d_s8_pointwise_pool_dsp).
// The core/sequential.hpp conv -> non-decreasing activation -> max pool stage runs them
// (quant/conv2d.hpp's forward_max_pooled_row), so no conv row is stored.
//
// Max before rescale. For a channel whose rescale takes the doubled form (fixed_point.hpp's
// doubled_rescale_applies: multiplier >= 2^30 > 0, a right shift, |acc| < 2^30) the map
// f: acc -> clamp(requantize(acc)) is non-decreasing: the rounding doubling high multiply by m > 0
// is acc m / 2^31 rounded half away from zero, the rounding divide by 2^e rounds alike, and adding
// the zero point, saturating and clamping keep the order; so f(max acc) = max f(acc) (the kernel's
// short form computes f exactly, as conv2d_s8_few_dsp.hpp's), and the
// kernel rescales one accumulator per pooled output instead of four. Any other channel (a
// negative multiplier, a left shift that may wrap, a large bias) rescales each of the four and
// takes their maximum (fixed_point.hpp's requantize).
//
// The multiply: the 4 input rows of the pooled row are widened once to int16 pair words
// X[r][m] = (x[2m], x[2m+1]), shared by all G channels; channel g's window row k is the two
// weight words A_k = (w0, w1), B_k = (w1, w2), doubled. The conv outputs at columns 2m and 2m + 1
// of a row take per window row
//   even: SMLAD(X[m], A_k) + SMLABT(X[m+1], B_k)   odd: SMLATB(X[m], A_k) + SMLAD(X[m+1], B_k)
// (4 instructions for 6 products), accumulating 2 acc without the bias, which is added after the
// maximum (max(a + b) = max(a) + b). |2 acc| <= 2 * 9 * 127 * 128 stays far inside int32.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../conv_window_s8.hpp"
#include "../fixed_point.hpp"
#include "../target.hpp"
#ifdef STATICNN_ARM_DSP
#include <arm_acle.h>
#endif

namespace staticnn::kernels::arm {

namespace conv_max_pool {
inline constexpr std::size_t kernel = 3, pool = 2, in_rows = pool - 1 + kernel;  // input rows per pooled row
inline constexpr std::size_t max_width = 160;  // 3 widened rows' offset within an LDRD immediate
}  // namespace conv_max_pool

// The shapes conv2d_s8_max_pool_dsp takes (H, W: the padded input's).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_max_pool_dsp_fits = target::arm_dsp && !target::arm_mve && C == 1 &&
                                                    K == conv_max_pool::kernel && S == 1 &&
                                                    H >= conv_max_pool::in_rows && W >= conv_max_pool::in_rows &&
                                                    W <= conv_max_pool::max_width;

// The shapes conv2d_s8_3x3_rows_dsp takes (H, W: the padded input's): one input channel, a 3x3
// window of stride 1 or 2, OW outputs a row with S 2 ceil(OW / 4) + 1 widened words a row within
// the LDRD immediate of window row 2 (conv_3x3_rows::max_width).
namespace conv_3x3_rows {
inline constexpr std::size_t max_width = 240;
inline constexpr std::size_t x_budget = 1152;  // bytes of widened input rows a pass (3 rows at least)
}
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_3x3_rows_dsp_fits = target::arm_dsp && !target::arm_mve && C == 1 && K == 3 &&
                                                    (S == 1 || S == 2) && H >= 3 && W >= 3 &&
                                                    W <= conv_3x3_rows::max_width;

#ifdef STATICNN_ARM_DSP
namespace conv_max_pool {
// The bottom byte of v in each byte.
constexpr std::int32_t bytes4(std::int32_t v) {
  return static_cast<std::int32_t>((static_cast<std::uint32_t>(v) & 0xffu) * 0x01010101u);
}

// (lo, hi) as an int16 pair word: lo in the bottom half.
[[gnu::always_inline]] inline std::int32_t pair(std::int32_t lo, std::int32_t hi) {
  return static_cast<std::int32_t>((static_cast<std::uint32_t>(lo) & 0xffffu) | (static_cast<std::uint32_t>(hi) << 16));
}

// Row x (W int8) as the n pair words (x[2m], x[2m+1]), m < n (2 n <= W): whole words through SXTB16
// while 4 bytes lie inside the row, the rest byte by byte.
template <std::size_t W, std::size_t N>
[[gnu::always_inline]] inline void widen_row(const std::int8_t* x, std::int32_t* out) {
  std::size_t m = 0;
  for (; 2 * m + 4 <= W && m + 2 <= N; m += 2) {
    std::uint32_t v;
    __builtin_memcpy(&v, x + 2 * m, 4);
    std::int32_t even, odd, lo, hi;
    asm("sxtb16 %0, %1" : "=r"(even) : "r"(v));                      // (x0, x2)
    asm("sxtb16 %0, %1, ror #8" : "=r"(odd) : "r"(v));               // (x1, x3)
    asm("pkhbt %0, %1, %2, lsl #16" : "=r"(lo) : "r"(even), "r"(odd));  // (x0, x1)
    asm("pkhtb %0, %1, %2, asr #16" : "=r"(hi) : "r"(odd), "r"(even));  // (x2, x3)
    out[m] = lo;
    out[m + 1] = hi;
  }
  for (; m < N; ++m) out[m] = pair(x[2 * m], x[2 * m + 1]);
}

// What the pooled-row loop reads: the rescale (doubled bias, multiplier m, c = 2^(e-1) +
// ((zero_point - lo) << e), right shift e), the clamp (width4, lo4: hi - lo and lo in each byte),
// the end of the channel's pooled row, and the last of the 4 widened rows, X[3].
struct frame_params {
  std::int32_t bias2, m, c, e, width4, lo4;
  std::int8_t* y_end;
  const std::int32_t* x3;
};
// The frame the asm pushes (PUSH {y_end}, then PUSH {bias2 .. lo}), at sp: frame_params's first
// seven words.
struct frame {
  std::int32_t bias2, m, c, e, width4, lo4;
  std::int8_t* y_end;
};
static_assert(offsetof(frame_params, y_end) == 24 && offsetof(frame_params, x3) == 28 && offsetof(frame, lo4) == 20 &&
                  offsetof(frame, y_end) == 24 && sizeof(frame) == 28,
              "pooled_row: the LDM/PUSH register lists lay out frame_params and frame");

// One channel's pooled row: for px until y reaches p->y_end, the four conv outputs of window rows
// X[dy + k][px], X[dy + k][px + 1] (rows RowBytes apart) with weights A[k], B[k], their maximum plus
// the doubled bias rescaled (SMMLAR with c - [x < 0] as conv2d_s8_few_dsp.hpp's, the shift by e,
// lo taken off: USAT), clamped bytewise to lo + min(u, width) (UQSUB8, USUB8, UADD8), stored at y.
// Registers: r0-r5 the weight words A0 B0 A1 B1 A2 B2; r6, r7 a widened row's two words; r10, r9
// the even and odd outputs of conv row 0, r8, lr of conv row 1; r11 the last widened row at
// column px (the others RowBytes before each other); r12 the output.
template <std::size_t RowBytes>
[[gnu::always_inline]] inline void pooled_row(const std::int32_t (&A)[3], const std::int32_t (&B)[3],
                                              const frame_params* p, std::int8_t* y) {
  static_assert(3 * RowBytes <= 1020, "pooled_row: LDRD offsets are 8-bit word immediates");
  register std::int32_t a0 asm("r0") = A[0], b0 asm("r1") = B[0], a1 asm("r2") = A[1], b1 asm("r3") = B[1],
                                    a2 asm("r4") = A[2], b2 asm("r5") = B[2];
  register const void* xp asm("r11") = p;
  register std::int8_t* yp asm("r12") = y;
#define STATICNN_POOL_TAPS(E, O, AW, BW, FIRST)                                                    \
  ".if " #FIRST "\n"                                                                              \
  "smuad " E ", r6, " AW "\n"                                                                     \
  "smultb " O ", r6, " AW "\n"                                                                    \
  ".else\n"                                                                                       \
  "smlad " E ", r6, " AW ", " E "\n"                                                              \
  "smlatb " O ", r6, " AW ", " O "\n"                                                             \
  ".endif\n"                                                                                      \
  "smlabt " E ", r7, " BW ", " E "\n"                                                             \
  "smlad " O ", r7, " BW ", " O "\n"
  asm volatile(
      "ldr r6, [r11, #%c[pyend]]\n"
      "push {r6}\n"
      "ldm r11, {r6, r7, r8, r9, r10, lr}\n"  // bias2, m, c, e, width, lo
      "push {r6, r7, r8, r9, r10, lr}\n"
      "ldr r11, [r11, #%c[px3]]\n"
      "1:\n"
      "ldrd r6, r7, [r11, #-%c[row3]]\n"  // row 0: conv row 0, window row 0
      STATICNN_POOL_TAPS("r10", "r9", "r0", "r1", 1)
      "ldrd r6, r7, [r11, #-%c[row2]]\n"  // row 1: conv row 0 window row 1, conv row 1 window row 0
      STATICNN_POOL_TAPS("r10", "r9", "r2", "r3", 0)
      STATICNN_POOL_TAPS("r8", "lr", "r0", "r1", 1)
      "ldrd r6, r7, [r11, #-%c[row]]\n"
      STATICNN_POOL_TAPS("r10", "r9", "r4", "r5", 0)
      STATICNN_POOL_TAPS("r8", "lr", "r2", "r3", 0)
      "ldrd r6, r7, [r11], #4\n"  // row 3, and on to column px + 1
      STATICNN_POOL_TAPS("r8", "lr", "r4", "r5", 0)
      "cmp r10, r9\n"  // the maximum of the four, in r10
      "it lt\n"
      "movlt r10, r9\n"
      "cmp r10, r8\n"
      "it lt\n"
      "movlt r10, r8\n"
      "cmp r10, lr\n"
      "it lt\n"
      "movlt r10, lr\n"
      "ldm sp, {r6, r7, r8, r9, lr}\n"  // bias2, m, c, e, width4
      "add r10, r10, r6\n"
      "add r8, r8, r10, asr #31\n"  // c - [x < 0]
      "smmlar r8, r10, r7, r8\n"
      "asr r8, r8, r9\n"
      "usat r8, #8, r8\n"
      "ldrd r6, r7, [sp, #%c[flo]]\n"  // lo4, y_end
      "uqsub8 r9, r8, lr\n"  // u - min(u, width)
      "usub8 r8, r8, r9\n"
      "uadd8 r8, r8, r6\n"   // lo + min(u, width), bytewise
      "strb r8, [r12], #1\n"
      "cmp r12, r7\n"
      "bne 1b\n"
      "add sp, sp, #%c[fsize]\n"
      : "+r"(xp), "+r"(yp)
      : "r"(a0), "r"(b0), "r"(a1), "r"(b1), "r"(a2), "r"(b2), [row] "i"(RowBytes), [row2] "i"(2 * RowBytes),
        [row3] "i"(3 * RowBytes), [pyend] "i"(offsetof(frame_params, y_end)), [px3] "i"(offsetof(frame_params, x3)),
        [flo] "i"(offsetof(frame, lo4)), [fsize] "i"(sizeof(frame))
      : "r6", "r7", "r8", "r9", "r10", "lr", "cc", "memory");
}

// What the average pooled-row loop reads: the rescale as frame_params's (m, c, e), the clamp's
// width in each byte (width4) and 4 lo, the doubled bias twice (one LDRD starts a conv row's two
// accumulators at it), the end of the channel's pooled row, the weight words A0 B0 A1 B1 A2 B2,
// then the last of the 4 widened rows, X[3]. The asm pushes all but X[3].
struct avg_frame {
  std::int32_t m, c, e, width4, lo_x4, bias2, bias2_again;
  std::int8_t* y_end;
  std::int32_t w[6];
  const std::int32_t* x3;
};
static_assert(offsetof(avg_frame, bias2) == 20 && offsetof(avg_frame, y_end) == 28 && offsetof(avg_frame, w) == 32 &&
                  offsetof(avg_frame, x3) == 56 && sizeof(avg_frame) == 60,
              "avg_pooled_row: the LDM/PUSH register lists lay out avg_frame");

// One channel's average-pooled row: for px until y reaches p->y_end, the four conv outputs as
// pooled_row's but each accumulator started at the doubled bias, each rescaled to
// u = min(USAT(rescale), width) as there (the sign term folded into
// SMMLAR's addend: c + [x < 0] + SMMULR(x, m)), the four u packed bytewise, their sum (USAD8
// against the bytes u - min(u, width) is the sum of min(u, width)) plus 4 lo, divided by 4
// rounding half away from zero ((sum + 2 + [sum < 0]) >> 2, as qpool_layer's (sum +- 2) / 4),
// stored at y.
// Registers in the loop: r0-r5 the weight words (reloaded each step from the frame), then r1-r5
// the rescale (m, c, e, width4, 4 lo); r6, r7 a widened row's words, then temporaries; r10,
// r9, r8, lr the four outputs; r11 the last widened row at column px; r12 the output.
template <std::size_t RowBytes>
[[gnu::always_inline]] inline void avg_pooled_row(const avg_frame* p, std::int8_t* y) {
  static_assert(3 * RowBytes <= 1020, "avg_pooled_row: LDRD offsets are 8-bit word immediates");
  register const void* xp asm("r11") = p;
  register std::int8_t* yp asm("r12") = y;
#define STATICNN_AVG_RESCALE(X)                                                                    \
  "add r6, r2, " X ", asr #31\n"                                                                   \
  "smmlar " X ", " X ", r1, r6\n"                                                                  \
  "asr " X ", " X ", r3\n"                                                                         \
  "usat " X ", #8, " X "\n"
  asm volatile(
      "add r6, r11, #%c[fw]\n"
      "ldm r6, {r0, r1, r2, r3, r4, r5, r6}\n"  // the weight words, X[3]
      "push {r0, r1, r2, r3, r4, r5}\n"
      "ldm r11, {r0, r1, r2, r3, r4, r5, r7, lr}\n"
      "push {r0, r1, r2, r3, r4, r5, r7, lr}\n"
      "mov r11, r6\n"
      "1:\n"
      "add r0, sp, #%c[fw]\n"
      "ldm r0, {r0, r1, r2, r3, r4, r5}\n"  // A0 B0 A1 B1 A2 B2
      "ldrd r10, r9, [sp, #%c[fbias]]\n"
      "ldrd r6, r7, [r11, #-%c[row3]]\n"
      STATICNN_POOL_TAPS("r10", "r9", "r0", "r1", 0)
      "ldrd r6, r7, [r11, #-%c[row2]]\n"
      STATICNN_POOL_TAPS("r10", "r9", "r2", "r3", 0)
      "ldrd r8, lr, [sp, #%c[fbias]]\n"
      STATICNN_POOL_TAPS("r8", "lr", "r0", "r1", 0)
      "ldrd r6, r7, [r11, #-%c[row]]\n"
      STATICNN_POOL_TAPS("r10", "r9", "r4", "r5", 0)
      STATICNN_POOL_TAPS("r8", "lr", "r2", "r3", 0)
      "ldrd r6, r7, [r11], #4\n"
      STATICNN_POOL_TAPS("r8", "lr", "r4", "r5", 0)
      "ldm sp, {r1, r2, r3, r4, r5}\n"  // m, c, e, width4, 4 lo
      STATICNN_AVG_RESCALE("r10") STATICNN_AVG_RESCALE("r9") STATICNN_AVG_RESCALE("r8") STATICNN_AVG_RESCALE("lr")
      "orr r10, r10, r9, lsl #8\n"
      "orr r8, r8, lr, lsl #8\n"
      "orr r10, r10, r8, lsl #16\n"
      "uqsub8 r6, r10, r4\n"  // u - min(u, width)
      "usad8 r10, r10, r6\n"  // the sum of min(u, width)
      "add r6, r10, r5\n"     // the sum of the four outputs
      "add r10, r6, #2\n"
      "add r10, r10, r6, asr #31\n"
      "asr r10, r10, #2\n"
      "strb r10, [r12], #1\n"
      "ldr r7, [sp, #%c[yend]]\n"
      "cmp r12, r7\n"
      "bne 1b\n"
      "add sp, sp, #%c[fpush]\n"
      : "+r"(xp), "+r"(yp)
      : [row] "i"(RowBytes), [row2] "i"(2 * RowBytes), [row3] "i"(3 * RowBytes), [fw] "i"(offsetof(avg_frame, w)),
        [yend] "i"(offsetof(avg_frame, y_end)), [fbias] "i"(offsetof(avg_frame, bias2)),
        [fpush] "i"(offsetof(avg_frame, x3))
      : "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "lr", "cc", "memory");
#undef STATICNN_AVG_RESCALE
#undef STATICNN_POOL_TAPS
}
}  // namespace conv_max_pool

// x: 1 x H x W int8 (rows oy0 .. oy0 + 3 are read); w: G channels' 3 x 3 weights (OIHW,
// contiguous, in [-127, 127]); q: the rescale from the first of them; y: channel g's pooled row at
// y + g * y_stride (PW bytes). AllDoubled: the caller knows the clamp range within int8 is not
// empty and every channel's rescale takes the doubled form (no per-channel check, no general path).
template <std::size_t H, std::size_t W, std::size_t G, bool AllDoubled = false>
[[gnu::optimize("no-tree-loop-distribute-patterns")]] void conv2d_s8_max_pool_dsp(
    const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y, std::size_t y_stride,
    std::size_t oy0) {
  static_assert(conv2d_s8_max_pool_dsp_fits<1, H, W, 3, 1>, "conv2d_s8_max_pool_dsp: shape not taken");
  using namespace conv_max_pool;
  constexpr std::size_t OW = W - kernel + 1, PW = OW / pool, words = PW + 1;  // X[r][m], m <= PW
  constexpr auto sum_max = static_cast<std::uint32_t>(kernel * kernel * 127u * 128u);
  std::int32_t X[in_rows][words];
  for (std::size_t r = 0; r < in_rows; ++r) widen_row<W, words>(x + (oy0 + r) * W, X[r]);
  const std::int32_t lo = q.act_min < -128 ? -128 : q.act_min, hi = q.act_max > 127 ? 127 : q.act_max;
  for (std::size_t g = 0; g < G; ++g) {
    const std::int8_t* wg = w + g * kernel * kernel;
    std::int32_t A[kernel], B[kernel];
    for (std::size_t k = 0; k < kernel; ++k) {
      A[k] = conv_max_pool::pair(2 * wg[3 * k], 2 * wg[3 * k + 1]);
      B[k] = conv_max_pool::pair(2 * wg[3 * k + 1], 2 * wg[3 * k + 2]);
    }
    const std::int32_t bias = q.bias[g], m = q.multiplier[g], shift = q.shift[g];
    std::int8_t* yg = y + g * y_stride;
    const bool doubled =
        AllDoubled || (lo <= hi && doubled_rescale_applies(bias, m, shift, q.zero_point, sum_max));
    if (doubled) {
      const std::int32_t e = -shift;
      conv_max_pool::frame_params p{
          2 * bias, m, (1 << (e - 1)) + static_cast<std::int32_t>(static_cast<std::uint32_t>(q.zero_point - lo) << e), e,
          bytes4(hi - lo), bytes4(lo), yg + PW, X[in_rows - 1]};
      conv_max_pool::pooled_row<4 * words>(A, B, &p, yg);
    } else if constexpr (!AllDoubled) {
      const conv_window_s8 win{x, 1, H, W, W, kernel, kernel};
      for (std::size_t px = 0; px < PW; ++px) yg[px] = conv_window_pooled(win, wg, q, g, oy0, 2 * px, 1, 1, pool, false);
    }
  }
}

// conv2d_s8_max_pool_dsp's shapes and arguments with a 2x2 average pool (stride 2, unpadded)
// instead: y[g][px] = the average of the four clamp(requantize(acc)) rounded half away from zero,
// as quant/pool.hpp's qpool_layer (each output rescaled: an average does not commute with the
// rescale). The multiply as conv2d_s8_max_pool_dsp's; a channel outside the doubled form (or an
// empty clamp) takes fixed_point.hpp's requantize for each of the four.
template <std::size_t H, std::size_t W, std::size_t G, bool AllDoubled = false>
[[gnu::optimize("no-tree-loop-distribute-patterns")]] void conv2d_s8_avg_pool_dsp(
    const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y, std::size_t y_stride,
    std::size_t oy0) {
  static_assert(conv2d_s8_max_pool_dsp_fits<1, H, W, 3, 1>, "conv2d_s8_avg_pool_dsp: shape not taken");
  using namespace conv_max_pool;
  constexpr std::size_t OW = W - kernel + 1, PW = OW / pool, words = PW + 1;  // X[r][m], m <= PW
  constexpr auto sum_max = static_cast<std::uint32_t>(kernel * kernel * 127u * 128u);
  std::int32_t X[in_rows][words];
  for (std::size_t r = 0; r < in_rows; ++r) widen_row<W, words>(x + (oy0 + r) * W, X[r]);
  const std::int32_t lo = q.act_min < -128 ? -128 : q.act_min, hi = q.act_max > 127 ? 127 : q.act_max;
  for (std::size_t g = 0; g < G; ++g) {
    const std::int8_t* wg = w + g * kernel * kernel;
    const std::int32_t bias = q.bias[g], m = q.multiplier[g], shift = q.shift[g];
    std::int8_t* yg = y + g * y_stride;
    const bool doubled =
        AllDoubled || (lo <= hi && doubled_rescale_applies(bias, m, shift, q.zero_point, sum_max));
    if (doubled) {
      const std::int32_t e = -shift;
      avg_frame p{m,
                  (1 << (e - 1)) + static_cast<std::int32_t>(static_cast<std::uint32_t>(q.zero_point - lo) << e),
                  e,
                  bytes4(hi - lo),
                  4 * lo,
                  2 * bias,
                  2 * bias,
                  yg + PW,
                  {},
                  X[in_rows - 1]};
      for (std::size_t k = 0; k < kernel; ++k) {
        p.w[2 * k] = pair(2 * wg[3 * k], 2 * wg[3 * k + 1]);
        p.w[2 * k + 1] = pair(2 * wg[3 * k + 1], 2 * wg[3 * k + 2]);
      }
      avg_pooled_row<4 * words>(&p, yg);
    } else if constexpr (!AllDoubled) {
      const conv_window_s8 win{x, 1, H, W, W, kernel, kernel};
      for (std::size_t px = 0; px < PW; ++px) yg[px] = conv_window_pooled(win, wg, q, g, oy0, 2 * px, 1, 1, pool, true);
    }
  }
}

// The doubled rescale of the sum in register X (m, c, e in r0, r1, r2; r6 scratch):
// X = (SMMULR(X, m) + c - [X < 0]) >> e, saturated to [0, 255].
#define STATICNN_3X3_RESCALE(X)                                                                    \
  "add r6, r1, " X ", asr #31\n"                                                                   \
  "smmlar " X ", " X ", r0, r6\n"                                                                  \
  "asr " X ", " X ", r2\n"                                                                         \
  "usat " X ", #8, " X "\n"
// The end of a step of channel_row and channel_row_s2: the rescale (m, c, e from the frame at
// %[fm] above sp) of the four sums r8, r9, r10, lr, the clamp of the four bytes, one word stored at
// r12 (advanced), and the loop back while r12 has not reached y_end.
#define STATICNN_3X3_STORE4                                                                        \
  "add r0, sp, #%c[fm]\n"                                                                          \
  "ldm r0, {r0, r1, r2, r3, r4, r5}\n" /* m, c, e, width4, lo4, y_end */                            \
  STATICNN_3X3_RESCALE("r8") STATICNN_3X3_RESCALE("r9") STATICNN_3X3_RESCALE("r10")               \
  STATICNN_3X3_RESCALE("lr")                                                                       \
  "orr r8, r8, r9, lsl #8\n"                                                                       \
  "orr r10, r10, lr, lsl #8\n"                                                                     \
  "orr r8, r8, r10, lsl #16\n"                                                                     \
  "uqsub8 r6, r8, r3\n" /* u - min(u, width) */                                                    \
  "usub8 r8, r8, r6\n"                                                                             \
  "uadd8 r8, r8, r4\n" /* lo + min(u, width), bytewise */                                          \
  "str r8, [r12], #4\n"                                                                            \
  "cmp r12, r5\n"                                                                                  \
  "bne 1b\n"

// Every output of a one-channel 3x3 conv of stride 1 or 2 (no pool): output rows [oy0, oy0 + rows)
// of G channels, y[g][r][ox] = clamp(requantize(acc_g(oy0 + r, ox))), bit for bit as the portable
// conv. The input rows of a pass (up to conv_3x3_rows::x_budget bytes of them) are widened once to
// the pair words X[k][m] = (x[2m], x[2m+1]) (zero past the row), shared by the G channels; a
// channel's weights A_k = (w0, w1), B_k = (w1, w2) (doubled) and doubled bias, then its rescale,
// live in a frame on the stack, set up once a pass. Per step 4 outputs of a row; stride 1
// (channel_row), columns 4j .. 4j+3 from X[k][2j], X[k][2j+1], X[k][2j+2]:
//   col 4j: SMLAD(X[2j], A) + SMLABT(X[2j+1], B)   col 4j+1: SMLATB(X[2j], A) + SMLAD(X[2j+1], B)
//   col 4j+2: SMLAD(X[2j+1], A) + SMLABT(X[2j+2], B)   col 4j+3: SMLATB(X[2j+1], A) + SMLAD(X[2j+2], B)
// (8 instructions and 2 loads for 12 products a window row; the first window row starts from the
// doubled bias); stride 2 (channel_row_s2): col 4j+i: SMLAD(X[4j+i], A) + SMLABT(X[4j+i+1], B),
// 8 instructions and 3 loads a window row, the four outputs started at the doubled bias by one
// LDM. Then conv2d_s8_few_dsp.hpp's four-instruction doubled rescale of each, the four packed and
// clamped bytewise and stored with one STR (a row's last step may store up to 3 bytes past it,
// into the channel's next row, except in the call's last row). A channel outside the doubled form
// (or an empty clamp) takes fixed_point.hpp's requantize.
namespace conv_3x3_rows {
// What a channel's row loop reads: the weight words A0 B0 A1 B1 A2 B2 and the doubled bias
// (one LDM), the rescale as conv_max_pool::frame_params's (m, c, e, width4, lo4), the end of the
// stored outputs (pushed, 13 words), then the first widened row at the first step's column.
struct frame {
  std::int32_t w[6], bias2, m, c, e, width4, lo4;
  std::int8_t* y_end;
  const std::int32_t* x0;
};
static_assert(offsetof(frame, bias2) == 24 && offsetof(frame, m) == 28 && offsetof(frame, y_end) == 48 &&
                  offsetof(frame, x0) == 52,
              "rows_3x3: the LDM/PUSH register lists lay out frame");

// Row x (W int8) as the n pair words (x[2m], x[2m+1]), m < N, zero past the row: whole words
// through SXTB16 while 4 bytes lie inside the row, the rest byte by byte.
template <std::size_t W, std::size_t N>
[[gnu::always_inline]] inline void widen_row(const std::int8_t* x, std::int32_t* out) {
  std::size_t m = 0;
  for (; 2 * m + 4 <= W && m + 2 <= N; m += 2) {
    std::uint32_t v;
    __builtin_memcpy(&v, x + 2 * m, 4);
    std::int32_t even, odd, lo, hi;
    asm("sxtb16 %0, %1" : "=r"(even) : "r"(v));
    asm("sxtb16 %0, %1, ror #8" : "=r"(odd) : "r"(v));
    asm("pkhbt %0, %1, %2, lsl #16" : "=r"(lo) : "r"(even), "r"(odd));  // (x0, x1)
    asm("pkhtb %0, %1, %2, asr #16" : "=r"(hi) : "r"(odd), "r"(even));  // (x2, x3)
    out[m] = lo;
    out[m + 1] = hi;
  }
  for (; m < N; ++m)
    out[m] = conv_max_pool::pair(2 * m < W ? x[2 * m] : 0, 2 * m + 1 < W ? x[2 * m + 1] : 0);
}

// One channel's outputs 4 a step from p->x0 (window rows RowBytes apart) into y until p->y_end.
// Registers: r0-r5 the weight words, then the rescale (m, c, e, width4, lo4, y_end); r6, r7 a
// widened row's words, then temporaries; r8, r9, r10, lr the four outputs; r11 window row 0 at the
// step's column; r12 the output.
template <std::size_t RowBytes>
[[gnu::always_inline]] inline void channel_row(const frame* p, std::int8_t* y) {
  static_assert(2 * RowBytes - 8 <= 1020, "rows_3x3: LDRD offsets are 8-bit word immediates");
  register const void* xp asm("r11") = p;
  register std::int8_t* yp asm("r12") = y;
#define STATICNN_3X3_ROW(AW, BW, OFF)                                                              \
  "ldrd r6, r7, [r11, #" OFF "]\n"                                                                 \
  "smlad r8, r6, " AW ", r8\n"                                                                     \
  "smlatb r9, r6, " AW ", r9\n"                                                                    \
  "smlabt r8, r7, " BW ", r8\n"                                                                    \
  "smlad r9, r7, " BW ", r9\n"                                                                     \
  "smlad r10, r7, " AW ", r10\n"                                                                   \
  "smlatb lr, r7, " AW ", lr\n"                                                                    \
  "ldr r6, [r11, #" OFF " + 8]\n"                                                                  \
  "smlabt r10, r6, " BW ", r10\n"                                                                  \
  "smlad lr, r6, " BW ", lr\n"
  asm volatile(
      "add r6, r11, #%c[fm]\n"
      "ldm r6, {r0, r1, r2, r3, r4, r5, r6}\n"  // m, c, e, width4, lo4, y_end, x0
      "push {r0, r1, r2, r3, r4, r5}\n"
      "ldm r11, {r0, r1, r2, r3, r4, r5, r7}\n"  // A0 B0 A1 B1 A2 B2, bias2
      "push {r0, r1, r2, r3, r4, r5, r7}\n"
      "mov r11, r6\n"
      "1:\n"
      "ldm sp, {r0, r1, r2, r3, r4, r5, r8}\n"
      "ldrd r6, r7, [r11], #8\n"  // window row 0: the four outputs start at the doubled bias
      "smlatb r9, r6, r0, r8\n"
      "smlad r10, r7, r0, r8\n"
      "smlatb lr, r7, r0, r8\n"
      "smlad r8, r6, r0, r8\n"
      "smlabt r8, r7, r1, r8\n"
      "smlad r9, r7, r1, r9\n"
      "ldr r6, [r11]\n"
      "smlabt r10, r6, r1, r10\n"
      "smlad lr, r6, r1, lr\n"
      STATICNN_3X3_ROW("r2", "r3", "%c[row] - 8")
      STATICNN_3X3_ROW("r4", "r5", "%c[row2] - 8")
      STATICNN_3X3_STORE4
      "add sp, sp, #%c[fpush]\n"
      : "+r"(xp), "+r"(yp)
      : [row] "i"(RowBytes), [row2] "i"(2 * RowBytes), [fm] "i"(offsetof(frame, m)),
        [fpush] "i"(offsetof(frame, x0))
      : "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "lr", "cc", "memory");
#undef STATICNN_3X3_ROW
}

// channel_row's frame for stride 2: the weight words, the doubled bias 4 times (one LDM starts
// the four outputs), the rescale, the end of the outputs (pushed, 16 words), the first widened row.
struct frame_s2 {
  std::int32_t w[6], bias2[4], m, c, e, width4, lo4;
  std::int8_t* y_end;
  const std::int32_t* x0;
};
static_assert(offsetof(frame_s2, m) == 40 && offsetof(frame_s2, y_end) == 60 && offsetof(frame_s2, x0) == 64,
              "rows_3x3_s2: the LDM/PUSH register lists lay out frame_s2");

// channel_row for stride 2: outputs 4 a step from the widened words X[4j .. 4j+4] of each window
// row. Registers as channel_row's.
template <std::size_t RowBytes>
[[gnu::always_inline]] inline void channel_row_s2(const frame_s2* p, std::int8_t* y) {
  static_assert(2 * RowBytes <= 1020, "rows_3x3_s2: LDRD offsets are 8-bit word immediates");
  register const void* xp asm("r11") = p;
  register std::int8_t* yp asm("r12") = y;
#define STATICNN_3X3_ROW_S2(AW, BW, FIRST, OFF)                                                    \
  ".if " #FIRST "\n"                                                                              \
  "ldrd r6, r7, [r11], #16\n"                                                                     \
  ".else\n"                                                                                       \
  "ldrd r6, r7, [r11, #" OFF " - 16]\n"                                                           \
  ".endif\n"                                                                                      \
  "smlad r8, r6, " AW ", r8\n"                                                                    \
  "smlabt r8, r7, " BW ", r8\n"                                                                   \
  "smlad r9, r7, " AW ", r9\n"                                                                    \
  "ldrd r6, r7, [r11, #" OFF " - 8]\n"                                                            \
  "smlabt r9, r6, " BW ", r9\n"                                                                   \
  "smlad r10, r6, " AW ", r10\n"                                                                  \
  "smlabt r10, r7, " BW ", r10\n"                                                                 \
  "smlad lr, r7, " AW ", lr\n"                                                                    \
  "ldr r6, [r11, #" OFF "]\n"                                                                     \
  "smlabt lr, r6, " BW ", lr\n"
  asm volatile(
      "add r6, r11, #%c[fm]\n"
      "ldm r6, {r0, r1, r2, r3, r4, r5, r6}\n"  // m, c, e, width4, lo4, y_end, x0
      "push {r0, r1, r2, r3, r4, r5}\n"
      "ldm r11, {r0, r1, r2, r3, r4, r5, r7, r8, r9, r10}\n"  // A0 B0 A1 B1 A2 B2, bias2 x 4
      "push {r0, r1, r2, r3, r4, r5, r7, r8, r9, r10}\n"
      "mov r11, r6\n"
      "1:\n"
      "ldm sp, {r0, r1, r2, r3, r4, r5, r8, r9, r10, lr}\n"
      STATICNN_3X3_ROW_S2("r0", "r1", 1, "0")
      STATICNN_3X3_ROW_S2("r2", "r3", 0, "%c[row]")
      STATICNN_3X3_ROW_S2("r4", "r5", 0, "%c[row2]")
      STATICNN_3X3_STORE4
      "add sp, sp, #%c[fpush]\n"
      : "+r"(xp), "+r"(yp)
      : [row] "i"(RowBytes), [row2] "i"(2 * RowBytes), [fm] "i"(offsetof(frame_s2, m)),
        [fpush] "i"(offsetof(frame_s2, x0))
      : "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "lr", "cc", "memory");
#undef STATICNN_3X3_ROW_S2
}
#undef STATICNN_3X3_STORE4
#undef STATICNN_3X3_RESCALE
}  // namespace conv_3x3_rows

// x: 1 x H x W int8 (a padded layer passes a window of its padded input); w: G channels' 3 x 3
// weights (OIHW, contiguous, in [-127, 127]); q: the rescale from the first of them; y: G x rows x
// OW int8 (OW = (W - 3) / S + 1), channel g's rows at y + g * y_stride (0: rows * OW). AllDoubled:
// as conv2d_s8_max_pool_dsp's.
template <std::size_t H, std::size_t W, std::size_t S, std::size_t G, bool AllDoubled = false>
[[gnu::optimize("no-tree-loop-distribute-patterns")]] void conv2d_s8_3x3_rows_dsp(
    const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y, std::size_t oy0,
    std::size_t rows, std::size_t y_stride = 0) {
  static_assert(conv2d_s8_3x3_rows_dsp_fits<1, H, W, 3, S>, "conv2d_s8_3x3_rows_dsp: shape not taken");
  constexpr std::size_t K = 3, OW = (W - K) / S + 1, steps = (OW + 3) / 4, full = OW / 4, words = S * 2 * steps + 1;
  // Output rows a pass: their (chunk - 1) S + K widened input rows within conv_3x3_rows::x_budget bytes.
  constexpr std::size_t fit = conv_3x3_rows::x_budget / (4 * words);
  constexpr std::size_t chunk = fit > K ? (fit - K) / S + 1 : 1;
  constexpr auto sum_max = static_cast<std::uint32_t>(K * K * 127u * 128u);
  std::int32_t X[(chunk - 1) * S + K][words];
  const std::int32_t lo = q.act_min < -128 ? -128 : q.act_min, hi = q.act_max > 127 ? 127 : q.act_max;
  for (std::size_t r0 = 0; r0 < rows; r0 += chunk) {
    const std::size_t n = rows - r0 < chunk ? rows - r0 : chunk;
    for (std::size_t k = 0; k < (n - 1) * S + K; ++k)
      conv_3x3_rows::widen_row<W, words>(x + ((oy0 + r0) * S + k) * W, X[k]);
    for (std::size_t g = 0; g < G; ++g) {
      const std::int8_t* wg = w + g * K * K;
      const std::int32_t bias = q.bias[g], m = q.multiplier[g], shift = q.shift[g];
      std::int8_t* yg = y + g * (y_stride != 0 ? y_stride : rows * OW) + r0 * OW;
      const bool doubled =
          AllDoubled || (lo <= hi && doubled_rescale_applies(bias, m, shift, q.zero_point, sum_max));
      if (doubled) {
        const std::int32_t e = -shift;
        using frame_t = std::conditional_t<S == 1, conv_3x3_rows::frame, conv_3x3_rows::frame_s2>;
        frame_t p{};
        if constexpr (S == 1) p.bias2 = 2 * bias;
        else p.bias2[0] = p.bias2[1] = p.bias2[2] = p.bias2[3] = 2 * bias;
        p.m = m;
        p.c = (1 << (e - 1)) + static_cast<std::int32_t>(static_cast<std::uint32_t>(q.zero_point - lo) << e);
        p.e = e;
        p.width4 = conv_max_pool::bytes4(hi - lo), p.lo4 = conv_max_pool::bytes4(lo);
        for (std::size_t k = 0; k < K; ++k) {
          p.w[2 * k] = conv_max_pool::pair(2 * wg[3 * k], 2 * wg[3 * k + 1]);
          p.w[2 * k + 1] = conv_max_pool::pair(2 * wg[3 * k + 1], 2 * wg[3 * k + 2]);
        }
        auto run = [&](std::int8_t* to) {
          if constexpr (S == 1) conv_3x3_rows::channel_row<4 * words>(&p, to);
          else conv_3x3_rows::channel_row_s2<4 * words>(&p, to);
        };
        for (std::size_t r = 0; r < n; ++r, yg += OW) {
          // A row but the call's last stores its last step whole: the bytes past OW land in the
          // channel's next row, stored after it.
          if (full < steps && r0 + r + 1 < rows) {
            p.y_end = yg + 4 * steps, p.x0 = X[r * S];
            run(yg);
            continue;
          }
          if constexpr (full > 0) {
            p.y_end = yg + 4 * full, p.x0 = X[r * S];
            run(yg);
          }
          if constexpr (full < steps) {  // the last step's outputs past OW are not stored
            alignas(4) std::int8_t last[4];
            p.y_end = last + 4, p.x0 = X[r * S] + S * 2 * full;
            run(last);
            for (std::size_t i = 0; i < OW - 4 * full; ++i) yg[4 * full + i] = last[i];
          }
        }
      } else if constexpr (!AllDoubled) {
        const conv_window_s8 win{x, 1, H, W, W, K, K};
        for (std::size_t r = 0; r < n; ++r, yg += OW)
          for (std::size_t ox = 0; ox < OW; ++ox) yg[ox] = conv_window_output(win, wg, q, g, (oy0 + r0 + r) * S, ox * S);
      }
    }
  }
}
#else
template <std::size_t H, std::size_t W, std::size_t G, bool AllDoubled = false>
void conv2d_s8_max_pool_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                            std::size_t y_stride, std::size_t oy0);  // Armv7E-M DSP only
template <std::size_t H, std::size_t W, std::size_t G, bool AllDoubled = false>
void conv2d_s8_avg_pool_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                            std::size_t y_stride, std::size_t oy0);  // Armv7E-M DSP only
template <std::size_t H, std::size_t W, std::size_t S, std::size_t G, bool AllDoubled = false>
void conv2d_s8_3x3_rows_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                            std::size_t oy0, std::size_t rows, std::size_t y_stride = 0);  // Armv7E-M DSP only
#endif

}  // namespace staticnn::kernels::arm
