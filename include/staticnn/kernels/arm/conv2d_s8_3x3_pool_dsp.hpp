#pragma once
// Armv7E-M DSP kernel (Cortex-M4, M7, M33) for an int8 3x3 stride-1 convolution of one input
// channel, padded by Pad (< 3) on every side with the value pad, followed by a 2x2 max pool
// (stride 2, unpadded): every pooled row of G output channels in one call,
//   y[g][py][px] = max over dy, dx in {0, 1} of clamp(requantize(acc_g(2 py + dy, 2 px + dx))),
// bit for bit as the portable conv (kernels/conv2d_s8.hpp) then the pool. The input is read
// unpadded; the kernel pads the 4 input rows of a pooled row itself.
//
// The multiply is a small GEMM: a pooled row's 4 input rows P0..P3 are laid out once (shared by
// all G channels) as 14 int16 pair words a pooled pixel (column c = 2 px):
//   X_r = (P_r[c], P_r[c+1]), r < 4;  V_r(j) = (P_r[j], P_{r+1}[j]), r < 3, j = c + 2;
//   Y_r = (P_r[c+1], P_r[c+2]), r < 4;  V_r(c + 3), r < 3,
// in the order X0 X1 X2 X3 V0(c+2) V1(c+2) V2(c+2) Y0 Y1 Y2 Y3 V0(c+3) V1(c+3) V2(c+3). Channel g's
// weights, doubled, are the 5 words W0 = (w00, w01), W1 = (w10, w11), W2 = (w20, w21),
// W3 = (w02, w12), W4 = (w22, -); then the window's four outputs, 5 instructions each,
//   acc(dy, 0) = W0.X_dy + W1.X_{dy+1} + W2.X_{dy+2} + W3.V_dy(c+2) + W4b * V_2(c+2)[dy]
//   acc(dy, 1) = the same with Y for X and c + 3 for c + 2
// (V_2's bottom half is P2's, its top P3's: SMLABB for dy = 0, SMLATB for dy = 1), read with
// 4 LDMs. The maximum of the four sums is taken before the one rescale (max before rescale: see
// conv2d_s8_max_pool_dsp.hpp; the channel's rescale takes the doubled form), plus the doubled
// bias; the rescale with the clamp's lower bound lo taken off (conv2d_s8_few_dsp.hpp's:
// u = USAT(SMMULR(2 acc, m) + c - [acc < 0]) >> e; no sign term where lo >= the zero point), four
// pooled outputs packed a word, clamped
// bytewise to lo + min(u, hi - lo) and stored with one STR. With a 2x2 average pool instead
// (Avg), each of the four sums is started at the doubled bias and rescaled (an average does not
// commute with the rescale), the four clamped and summed with USAD8 (avg_row). A channel outside
// the doubled form (or an empty clamp) takes fixed_point.hpp's requantize for each of the four.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../conv_window_s8.hpp"
#include "../fixed_point.hpp"
#include "../target.hpp"

namespace staticnn::kernels::arm {

namespace conv_3x3_pool {
inline constexpr std::size_t kernel = 3, pool = 2, in_rows = 4;  // input rows of a pooled row
inline constexpr std::size_t words = 14;                         // layout words a pooled pixel
inline constexpr std::size_t max_pooled_width = 32;              // the layout: 14 x 4 x 32 = 1792 bytes
inline constexpr std::size_t frame_block = 16;                   // channels whose frames a pass keeps
}  // namespace conv_3x3_pool

// The shapes conv2d_s8_3x3_pool_rows_dsp takes (H, W: the unpadded input's) with a 2x2 pool, and
// (conv2d_s8_3x3_pool3_rows_fits) conv2d_s8_3x3_max_pool3_rows_dsp with a 3x3 max pool.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t Pad>
inline constexpr bool conv2d_s8_3x3_pool_rows_fits =
    target::arm_dsp && !target::arm_mve && C == 1 && K == conv_3x3_pool::kernel && S == 1 && Pad < K &&
    H + 2 * Pad >= conv_3x3_pool::in_rows && W + 2 * Pad >= conv_3x3_pool::in_rows &&
    (W + 2 * Pad - 2) / 2 <= conv_3x3_pool::max_pooled_width;
namespace conv_3x3_pool3 {
inline constexpr std::size_t pool = 3, in_rows = 5, words = 45;  // 9 outputs x 5 words a pooled pixel
inline constexpr std::size_t max_pooled_width = 12;              // the layout: 45 x 4 x 12 = 2160 bytes
}  // namespace conv_3x3_pool3
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t Pad>
inline constexpr bool conv2d_s8_3x3_pool3_rows_fits =
    target::arm_dsp && !target::arm_mve && C == 1 && K == conv_3x3_pool::kernel && S == 1 && Pad < K &&
    H + 2 * Pad >= conv_3x3_pool3::in_rows && W + 2 * Pad >= conv_3x3_pool3::in_rows &&
    (W + 2 * Pad - 2) / 3 <= conv_3x3_pool3::max_pooled_width;

#ifdef STATICNN_ARM_DSP
namespace conv_3x3_pool {
// (lo, hi) as an int16 pair word: lo in the bottom half.
constexpr std::int32_t pair(std::int32_t lo, std::int32_t hi) {
  return static_cast<std::int32_t>((static_cast<std::uint32_t>(lo) & 0xffffu) | (static_cast<std::uint32_t>(hi) << 16));
}
constexpr std::int32_t bytes4(std::int32_t v) {
  return static_cast<std::int32_t>((static_cast<std::uint32_t>(v) & 0xffu) * 0x01010101u);
}

// A doubled channel's parameters: the weight words W0..W4, then what the asm pushes (frame).
struct channel {
  std::int32_t w[5];
  std::int32_t bias2, m, c, e, width4, lo4, lo_x4;  // lo_x4: 4 lo (avg_row)
};
// The frame the asm pushes (PUSH {y, y_end}, then PUSH {bias2 .. lo4}), at sp.
struct frame {
  std::int32_t bias2, m, c, e, width4, lo4;
  std::int8_t* y;
  std::int8_t* y_end;
};
// avg_row's frame (PUSH {y, y_end}, then PUSH {m, c, e, width4, 4 lo}), at sp.
struct avg_frame {
  std::int32_t m, c, e, width4, lo_x4;
  std::int8_t* y;
  std::int8_t* y_end;
};
static_assert(offsetof(avg_frame, width4) == 12 && offsetof(avg_frame, lo_x4) == 16 && offsetof(avg_frame, y) == 20 &&
                  sizeof(avg_frame) == 28 && offsetof(channel, m) == 24 && offsetof(channel, lo_x4) == 44,
              "conv_3x3_pool: avg_row's LDM/PUSH register lists lay out channel and avg_frame");
static_assert(offsetof(channel, bias2) == 20 && sizeof(channel) == 48 && offsetof(frame, width4) == 16 &&
                  offsetof(frame, y) == 24 && offsetof(frame, y_end) == 28 && sizeof(frame) == 32,
              "conv_3x3_pool: the LDM/PUSH register lists lay out channel and frame");

// Channels [g0, g0 + nb) of a 3x3 one-channel conv (weights w, 9 a channel): doubled[b] whether
// channel g0 + b takes the doubled rescale for the clamp [lo, hi] (always, given AllDoubled), and
// then ch[b] its parameters (its weights doubled into the five words the row routines read).
template <bool AllDoubled>
inline void set_up_channels(const std::int8_t* w, const channel_rescale& q, std::size_t g0, std::size_t nb,
                            std::int32_t lo, std::int32_t hi, channel* ch, bool* doubled) {
  constexpr auto sum_max = static_cast<std::uint32_t>(kernel * kernel * 127u * 128u);
  for (std::size_t b = 0; b < nb; ++b) {
    const std::size_t g = g0 + b;
    const std::int8_t* wg = w + g * kernel * kernel;
    const std::int32_t bias = q.bias[g], m = q.multiplier[g], shift = q.shift[g];
    doubled[b] = AllDoubled || (lo <= hi && doubled_rescale_applies(bias, m, shift, q.zero_point, sum_max));
    if (!doubled[b]) continue;
    const std::int32_t e = -shift;
    ch[b] = {{pair(2 * wg[0], 2 * wg[1]), pair(2 * wg[3], 2 * wg[4]), pair(2 * wg[6], 2 * wg[7]),
              pair(2 * wg[2], 2 * wg[5]), pair(2 * wg[8], 0)},
             2 * bias,
             m,
             (1 << (e - 1)) + static_cast<std::int32_t>(static_cast<std::uint32_t>(q.zero_point - lo) << e),
             e,
             bytes4(hi - lo),
             bytes4(lo),
             4 * lo};
  }
}

// Padded input row iy of the H x W input x (Pad rows and columns of pad around it) into
// row[0, n), n >= W + 2 Pad (the bytes past W + 2 Pad hold pad too). Loops, not memset: the
// drivers are built without loop-to-library-call patterns.
template <std::size_t H, std::size_t W, std::size_t Pad, std::size_t n>
[[gnu::always_inline]] inline void padded_row(std::int8_t* row, const std::int8_t* x, std::size_t iy,
                                              std::int8_t pad) {
  if (iy < Pad || iy >= Pad + H) {
    for (std::size_t i = 0; i < n; ++i) row[i] = pad;
    return;
  }
  for (std::size_t i = 0; i < Pad; ++i) row[i] = pad;
  std::memcpy(row + Pad, x + (iy - Pad) * W, W);
  for (std::size_t i = Pad + W; i < n; ++i) row[i] = pad;
}

// The layout of pooled pixels [0, PW) from 4 padded rows P (RowBytes apart; 4 bytes from column
// 2 px of each row are read). Per pixel: the 4 rows' words, SXTB16 to e_r = (P_r[c], P_r[c+2])
// (r6-r9) and o_r = (P_r[c+1], P_r[c+3]) (r2-r5); X_r = PKHBT(e_r, o_r), V_r(c+2) = PKHTB(e_{r+1},
// e_r), Y_r = PKHBT(o_r, e_r) (over e_r), V_r(c+3) = PKHTB(o_{r+1}, o_r); three STMs.
template <std::size_t RowBytes, std::size_t PW>
[[gnu::always_inline]] inline void lay_out(const std::int8_t* P, std::int32_t* L) {
  static_assert(3 * RowBytes <= 4095, "lay_out: LDR offsets are 12-bit immediates");
  register const std::int8_t* pp asm("r0") = P;
  register std::int32_t* lp asm("r1") = L;
  for (std::size_t px = 0; px < PW; ++px)
    asm volatile(
        "ldr r6, [r0]\n"
        "ldr r7, [r0, #%c[row]]\n"
        "ldr r8, [r0, #%c[row2]]\n"
        "ldr r9, [r0, #%c[row3]]\n"
        "adds r0, r0, #2\n"
        "sxtb16 r2, r6, ror #8\n"
        "sxtb16 r6, r6\n"
        "sxtb16 r3, r7, ror #8\n"
        "sxtb16 r7, r7\n"
        "sxtb16 r4, r8, ror #8\n"
        "sxtb16 r8, r8\n"
        "sxtb16 r5, r9, ror #8\n"
        "sxtb16 r9, r9\n"
        "pkhbt r10, r6, r2, lsl #16\n"  // X0 .. X3
        "pkhbt r11, r7, r3, lsl #16\n"
        "pkhbt r12, r8, r4, lsl #16\n"
        "pkhbt lr, r9, r5, lsl #16\n"
        "stm r1!, {r10, r11, r12, lr}\n"
        "pkhtb r10, r7, r6, asr #16\n"  // V0 .. V2 (c + 2)
        "pkhtb r11, r8, r7, asr #16\n"
        "pkhtb r12, r9, r8, asr #16\n"
        "stm r1!, {r10, r11, r12}\n"
        "pkhbt r6, r2, r6\n"  // Y0 .. Y3
        "pkhbt r7, r3, r7\n"
        "pkhbt r8, r4, r8\n"
        "pkhbt r9, r5, r9\n"
        "pkhtb r10, r3, r2, asr #16\n"  // V0 .. V2 (c + 3)
        "pkhtb r11, r4, r3, asr #16\n"
        "pkhtb r12, r5, r4, asr #16\n"
        "stm r1!, {r6, r7, r8, r9, r10, r11, r12}\n"
        : "+r"(pp), "+r"(lp)
        : [row] "i"(RowBytes), [row2] "i"(2 * RowBytes), [row3] "i"(3 * RowBytes)
        : "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "lr", "cc", "memory");
}

// One channel's pooled row: 4 pooled outputs a step from the layout at L until y reaches
// y_end, then Tail (0..3) more. The rounding takes its sign term c - [acc < 0] whatever the
// clamp (one copy of the code a shape: a clamp at or above the zero point could skip it, at twice
// the flash). Registers: r0-r4 the weight words; r5-r8 layout words, then the rescale; r9, r10,
// r11 sums (r9 the window's maximum); r12 the layout; lr the packed outputs.
template <std::size_t Tail>
[[gnu::always_inline]] inline void max_row(const channel* ch, const std::int32_t* L, std::int8_t* y,
                                           std::int8_t* y_end) {
  static_assert(Tail < 4);
  register const void* cp asm("r10") = ch;
  register const std::int32_t* lp asm("r12") = L;
  register std::int8_t* yp asm("r8") = y;
  register std::int8_t* ye asm("r9") = y_end;
#define STATICNN_3X3P_PAIR(A, B)                                                                   \
  "ldm r12!, {r5, r6, r7, r8}\n"                                                                   \
  "smuad " A ", r5, r0\n"                                                                          \
  "smuad " B ", r6, r0\n"                                                                          \
  "smlad " A ", r6, r1, " A "\n"                                                                   \
  "smlad " B ", r7, r1, " B "\n"                                                                   \
  "smlad " A ", r7, r2, " A "\n"                                                                   \
  "smlad " B ", r8, r2, " B "\n"                                                                   \
  "ldm r12!, {r5, r6, r7}\n"                                                                       \
  "smlad " A ", r5, r3, " A "\n"                                                                   \
  "smlad " B ", r6, r3, " B "\n"                                                                   \
  "smlabb " A ", r7, r4, " A "\n"                                                                  \
  "smlatb " B ", r7, r4, " B "\n"                                                                  \
  "cmp " A ", " B "\n"                                                                             \
  "it lt\n"                                                                                        \
  "movlt " A ", " B "\n"
#define STATICNN_3X3P_WINDOW(I)                                                                    \
  STATICNN_3X3P_PAIR("r9", "r10") STATICNN_3X3P_PAIR("r10", "r11")                                 \
  "cmp r9, r10\n"                                                                                  \
  "it lt\n"                                                                                        \
  "movlt r9, r10\n"                                                                                \
  "ldm sp, {r5, r6, r7, r8}\n" /* bias2, m, c, e */                                                \
  "add r9, r9, r5\n"                                                                               \
  "add r7, r7, r9, asr #31\n" /* c - [x < 0] */                                                    \
  "smmlar r9, r9, r6, r7\n"                                                                        \
  "asr r9, r9, r8\n"                                                                               \
  ".if " #I " == 0\n"                                                                              \
  "usat lr, #8, r9\n"                                                                              \
  ".else\n"                                                                                        \
  "usat r9, #8, r9\n"                                                                              \
  "orr lr, lr, r9, lsl #(8 * " #I ")\n"                                                            \
  ".endif\n"
// The clamp of the packed outputs (width4, lo4 at %[fw] above sp), y from the frame in r7.
#define STATICNN_3X3P_CLAMP                                                                        \
  "ldrd r5, r6, [sp, #%c[fw]]\n"                                                                   \
  "uqsub8 r7, lr, r5\n" /* u - min(u, width) */                                                    \
  "usub8 lr, lr, r7\n"                                                                             \
  "uadd8 lr, lr, r6\n" /* lo + min(u, width), bytewise */                                          \
  "ldrd r7, r8, [sp, #%c[fy]]\n"
  asm volatile(
      "push {r8, r9}\n"  // y, y_end
      "add r5, r10, #%c[cb]\n"
      "ldm r5, {r0, r1, r2, r3, r4, r5}\n"  // bias2, m, c, e, width4, lo4
      "push {r0, r1, r2, r3, r4, r5}\n"
      "ldm r10, {r0, r1, r2, r3, r4}\n"  // W0 .. W4
      "cmp r8, r9\n"
      "beq 2f\n"
      "1:\n"
      STATICNN_3X3P_WINDOW(0) STATICNN_3X3P_WINDOW(1) STATICNN_3X3P_WINDOW(2) STATICNN_3X3P_WINDOW(3)
      STATICNN_3X3P_CLAMP
      "str lr, [r7], #4\n"
      "str r7, [sp, #%c[fy]]\n"
      "cmp r7, r8\n"
      "bne 1b\n"
      "2:\n"
      ".if %c[tail] > 0\n"
      STATICNN_3X3P_WINDOW(0)
      ".if %c[tail] > 1\n"
      STATICNN_3X3P_WINDOW(1)
      ".endif\n"
      ".if %c[tail] > 2\n"
      STATICNN_3X3P_WINDOW(2)
      ".endif\n"
      STATICNN_3X3P_CLAMP
      ".if %c[tail] == 1\n"
      "strb lr, [r7]\n"
      ".else\n"
      "strh lr, [r7]\n"
      ".if %c[tail] == 3\n"
      "lsr lr, lr, #16\n"
      "strb lr, [r7, #2]\n"
      ".endif\n"
      ".endif\n"
      ".endif\n"
      "add sp, sp, #%c[fsize]\n"
      : "+r"(cp), "+r"(lp), "+r"(yp), "+r"(ye)
      : [tail] "i"(Tail), [cb] "i"(offsetof(channel, bias2)),
        [fw] "i"(offsetof(frame, width4)), [fy] "i"(offsetof(frame, y)), [fsize] "i"(sizeof(frame))
      : "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r11", "lr", "cc", "memory");
#undef STATICNN_3X3P_CLAMP
#undef STATICNN_3X3P_WINDOW
#undef STATICNN_3X3P_PAIR
}

// One channel's average-pooled row, a pooled output a step from the layout at L until y reaches
// y_end: the window's four sums, each started at the doubled bias, each rescaled as max_row's to
// u, packed bytewise; the sum of min(u, width) (USAD8 of the u against
// u - min(u, width)) plus 4 lo is the sum of the four clamped outputs, divided by 4 rounding half
// away from zero ((sum + 2 - [sum < 0]) >> 2, as quant/pool.hpp's (sum +- 2) / 4), stored at y.
// Registers: r0-r4 the weight words; r5-r8 layout words, then the rescale; r9, r10 sums; r11 the
// doubled bias; r12 the layout; lr the packed u.
[[gnu::always_inline]] inline void avg_row(const channel* ch, const std::int32_t* L, std::int8_t* y,
                                           std::int8_t* y_end) {
  register const void* cp asm("r10") = ch;
  register const std::int32_t* lp asm("r12") = L;
  register std::int8_t* yp asm("r8") = y;
  register std::int8_t* ye asm("r9") = y_end;
#define STATICNN_3X3A_PAIR                                                                         \
  "ldm r12!, {r5, r6, r7, r8}\n"                                                                   \
  "smlad r9, r5, r0, r11\n"                                                                        \
  "smlad r10, r6, r0, r11\n"                                                                       \
  "smlad r9, r6, r1, r9\n"                                                                         \
  "smlad r10, r7, r1, r10\n"                                                                       \
  "smlad r9, r7, r2, r9\n"                                                                         \
  "smlad r10, r8, r2, r10\n"                                                                       \
  "ldm r12!, {r5, r6, r7}\n"                                                                       \
  "smlad r9, r5, r3, r9\n"                                                                         \
  "smlad r10, r6, r3, r10\n"                                                                       \
  "smlabb r9, r7, r4, r9\n"                                                                        \
  "smlatb r10, r7, r4, r10\n"                                                                      \
  "ldm sp, {r5, r6, r7}\n" /* m, c, e */
#define STATICNN_3X3A_RESCALE(X)                                                                   \
  "add r8, r6, " X ", asr #31\n" /* c - [x < 0] */                                                 \
  "smmlar " X ", " X ", r5, r8\n"                                                                  \
  "asr " X ", " X ", r7\n"
  asm volatile(
      "push {r8, r9}\n"  // y, y_end
      "add r5, r10, #%c[cm]\n"
      "ldm r5, {r0, r1, r2, r3, r4, r5}\n"  // m, c, e, width4, lo4, 4 lo
      "mov r4, r5\n"
      "push {r0, r1, r2, r3, r4}\n"
      "ldr r11, [r10, #%c[cb]]\n"
      "ldm r10, {r0, r1, r2, r3, r4}\n"  // W0 .. W4
      "1:\n"
      STATICNN_3X3A_PAIR
      STATICNN_3X3A_RESCALE("r9")
      "usat lr, #8, r9\n"
      STATICNN_3X3A_RESCALE("r10")
      "usat r10, #8, r10\n"
      "orr lr, lr, r10, lsl #8\n"
      STATICNN_3X3A_PAIR
      STATICNN_3X3A_RESCALE("r9")
      "usat r9, #8, r9\n"
      "orr lr, lr, r9, lsl #16\n"
      STATICNN_3X3A_RESCALE("r10")
      "usat r10, #8, r10\n"
      "orr lr, lr, r10, lsl #24\n"
      "ldrd r5, r6, [sp, #%c[fw]]\n"  // width4, 4 lo
      "uqsub8 r7, lr, r5\n"           // u - min(u, width)
      "usad8 r7, lr, r7\n"            // the sum of min(u, width)
      "add r7, r7, r6\n"              // the sum of the four outputs
      "add r8, r7, #2\n"
      "add r8, r8, r7, asr #31\n"
      "asr r8, r8, #2\n"
      "ldrd r5, r6, [sp, #%c[fy]]\n"
      "strb r8, [r5], #1\n"
      "str r5, [sp, #%c[fy]]\n"
      "cmp r5, r6\n"
      "bne 1b\n"
      "add sp, sp, #%c[fsize]\n"
      : "+r"(cp), "+r"(lp), "+r"(yp), "+r"(ye)
      : [cm] "i"(offsetof(channel, m)), [cb] "i"(offsetof(channel, bias2)),
        [fw] "i"(offsetof(avg_frame, width4)), [fy] "i"(offsetof(avg_frame, y)), [fsize] "i"(sizeof(avg_frame))
      : "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r11", "lr", "cc", "memory");
#undef STATICNN_3X3A_RESCALE
#undef STATICNN_3X3A_PAIR
}
}  // namespace conv_3x3_pool

// x: 1 x H x W int8, unpadded (the kernel pads it with pad); w: G channels' 3 x 3 weights (OIHW,
// contiguous, in [-127, 127]); q: the rescale from the first of them; y: channel g's pooled rows
// [0, pooled_rows) at y + g * y_stride, PW bytes each (PW = (W + 2 Pad - 2) / 2). AllDoubled: the
// caller knows the clamp range within int8 is not empty and every channel's rescale takes the
// doubled form. Stack: the layout (14 x 4 x PW bytes), 4 padded rows, 16 channels' parameters.
// Avg: a 2x2 average pool instead (each conv output rescaled and clamped, the four averaged
// rounding half away from zero, as quant/pool.hpp's qpool_layer).
template <std::size_t H, std::size_t W, std::size_t Pad, std::size_t G, bool AllDoubled = false, bool Avg = false>
[[gnu::optimize("no-tree-loop-distribute-patterns")]] void conv2d_s8_3x3_pool_rows_dsp(
    const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y, std::size_t y_stride,
    std::size_t pooled_rows, std::int8_t pad) {
  static_assert(conv2d_s8_3x3_pool_rows_fits<1, H, W, 3, 1, Pad>, "conv2d_s8_3x3_pool_rows_dsp: shape not taken");
  using namespace conv_3x3_pool;
  constexpr std::size_t Hp = H + 2 * Pad, Wp = W + 2 * Pad, OW = Wp - kernel + 1, PW = OW / pool;
  constexpr std::size_t full = PW / 4 * 4, tail = PW % 4, B = G < frame_block ? G : frame_block;
  static_assert(Hp >= in_rows);
  alignas(4) std::int8_t P[in_rows][Wp + 2];  // + 2: the last pixel's 4-byte loads stay inside
  std::int32_t L[PW * words];
  channel ch[B];
  bool doubled[B];
  const std::int32_t lo = q.act_min < -128 ? -128 : q.act_min, hi = q.act_max > 127 ? 127 : q.act_max;
  for (std::size_t g0 = 0; g0 < G; g0 += B) {
    const std::size_t nb = G - g0 < B ? G - g0 : B;
    set_up_channels<AllDoubled>(w, q, g0, nb, lo, hi, ch, doubled);
    for (std::size_t py = 0; py < pooled_rows; ++py) {
      for (std::size_t r = 0; r < in_rows; ++r)  // padded rows 2 py + r
        padded_row<H, W, Pad, Wp + 2>(P[r], x, pool * py + r, pad);
      lay_out<Wp + 2, PW>(P[0], L);
      for (std::size_t b = 0; b < nb; ++b) {
        const std::size_t g = g0 + b;
        std::int8_t* yg = y + g * y_stride + py * PW;
        if (doubled[b]) {
          if constexpr (Avg) {
            avg_row(&ch[b], L, yg, yg + PW);
          } else {
            max_row<tail>(&ch[b], L, yg, yg + full);
          }
        } else if constexpr (!AllDoubled) {
          const conv_window_s8 win{P[0], 1, in_rows, Wp + 2, Wp + 2, kernel, kernel};
          for (std::size_t px = 0; px < PW; ++px)
            yg[px] = conv_window_pooled(win, w + g * kernel * kernel, q, g, 0, 2 * px, 1, 1, pool, Avg);
        }
      }
    }
  }
}

namespace conv_3x3_pool {
// One channel's 3x3-pooled row: 4 pooled outputs a step from the 3x3-pool layout at L until y
// reaches y_end, then Tail (0..3) more; as max_row (the same frame) but 9 sums a window, each
// read with one LDM of its 5 words (W0 . H_dy, W1 . H_dy+1, W2 . H_dy+2, W3 . V_dy, W4b * V_dy+2b),
// their running maximum in r11. Registers: r0-r4 the weight words; r5-r9 an output's layout
// words, then the rescale; r10 the sum; r11 the maximum; r12 the layout; lr the packed outputs.
template <std::size_t Tail>
[[gnu::always_inline]] inline void max3_row(const channel* ch, const std::int32_t* L, std::int8_t* y,
                                            std::int8_t* y_end) {
  static_assert(Tail < 4);
  register const void* cp asm("r10") = ch;
  register const std::int32_t* lp asm("r12") = L;
  register std::int8_t* yp asm("r8") = y;
  register std::int8_t* ye asm("r9") = y_end;
#define STATICNN_3X3P3_SUM(A)                                                                      \
  "ldm r12!, {r5, r6, r7, r8, r9}\n"                                                               \
  "smuad " A ", r5, r0\n"                                                                          \
  "smlad " A ", r6, r1, " A "\n"                                                                   \
  "smlad " A ", r7, r2, " A "\n"                                                                   \
  "smlad " A ", r8, r3, " A "\n"                                                                   \
  "smlabb " A ", r9, r4, " A "\n"
#define STATICNN_3X3P3_NEXT                                                                        \
  STATICNN_3X3P3_SUM("r10")                                                                        \
  "cmp r11, r10\n"                                                                                 \
  "it lt\n"                                                                                        \
  "movlt r11, r10\n"
#define STATICNN_3X3P3_WINDOW(I)                                                                   \
  STATICNN_3X3P3_SUM("r11")                                                                        \
  STATICNN_3X3P3_NEXT STATICNN_3X3P3_NEXT STATICNN_3X3P3_NEXT STATICNN_3X3P3_NEXT                  \
  STATICNN_3X3P3_NEXT STATICNN_3X3P3_NEXT STATICNN_3X3P3_NEXT STATICNN_3X3P3_NEXT                  \
  "ldm sp, {r5, r6, r7, r8}\n" /* bias2, m, c, e */                                                \
  "add r11, r11, r5\n"                                                                             \
  "add r7, r7, r11, asr #31\n" /* c - [x < 0] */                                                   \
  "smmlar r11, r11, r6, r7\n"                                                                      \
  "asr r11, r11, r8\n"                                                                             \
  ".if " #I " == 0\n"                                                                              \
  "usat lr, #8, r11\n"                                                                             \
  ".else\n"                                                                                        \
  "usat r11, #8, r11\n"                                                                            \
  "orr lr, lr, r11, lsl #(8 * " #I ")\n"                                                           \
  ".endif\n"
#define STATICNN_3X3P3_CLAMP                                                                       \
  "ldrd r5, r6, [sp, #%c[fw]]\n"                                                                   \
  "uqsub8 r7, lr, r5\n" /* u - min(u, width) */                                                    \
  "usub8 lr, lr, r7\n"                                                                             \
  "uadd8 lr, lr, r6\n" /* lo + min(u, width), bytewise */                                          \
  "ldrd r7, r8, [sp, #%c[fy]]\n"
  asm volatile(
      "push {r8, r9}\n"  // y, y_end
      "add r5, r10, #%c[cb]\n"
      "ldm r5, {r0, r1, r2, r3, r4, r5}\n"  // bias2, m, c, e, width4, lo4
      "push {r0, r1, r2, r3, r4, r5}\n"
      "ldm r10, {r0, r1, r2, r3, r4}\n"  // W0 .. W4
      "cmp r8, r9\n"
      "beq 2f\n"
      "1:\n"
      STATICNN_3X3P3_WINDOW(0) STATICNN_3X3P3_WINDOW(1) STATICNN_3X3P3_WINDOW(2) STATICNN_3X3P3_WINDOW(3)
      STATICNN_3X3P3_CLAMP
      "str lr, [r7], #4\n"
      "str r7, [sp, #%c[fy]]\n"
      "cmp r7, r8\n"
      "bne 1b\n"
      "2:\n"
      ".if %c[tail] > 0\n"
      STATICNN_3X3P3_WINDOW(0)
      ".if %c[tail] > 1\n"
      STATICNN_3X3P3_WINDOW(1)
      ".endif\n"
      ".if %c[tail] > 2\n"
      STATICNN_3X3P3_WINDOW(2)
      ".endif\n"
      STATICNN_3X3P3_CLAMP
      ".if %c[tail] == 1\n"
      "strb lr, [r7]\n"
      ".else\n"
      "strh lr, [r7]\n"
      ".if %c[tail] == 3\n"
      "lsr lr, lr, #16\n"
      "strb lr, [r7, #2]\n"
      ".endif\n"
      ".endif\n"
      ".endif\n"
      "add sp, sp, #%c[fsize]\n"
      : "+r"(cp), "+r"(lp), "+r"(yp), "+r"(ye)
      : [tail] "i"(Tail), [cb] "i"(offsetof(channel, bias2)),
        [fw] "i"(offsetof(frame, width4)), [fy] "i"(offsetof(frame, y)), [fsize] "i"(sizeof(frame))
      : "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r11", "lr", "cc", "memory");
#undef STATICNN_3X3P3_CLAMP
#undef STATICNN_3X3P3_WINDOW
#undef STATICNN_3X3P3_NEXT
#undef STATICNN_3X3P3_SUM
}
}  // namespace conv_3x3_pool

// conv2d_s8_3x3_pool_rows_dsp's conv with a 3x3 max pool of stride 3 (unpadded, floor):
// y[g][py][px] = max over dy, dx < 3 of clamp(requantize(acc_g(3 py + dy, 3 px + dx))), PW =
// (W + 2 Pad - 2) / 3. Each pooled row's 5 padded input rows P0..P4 are laid out once for all
// channels as 5 words an output (9 a pooled pixel, dx-major): H_r(c) = (P_r[c], P_r[c+1]) for
// r = dy .. dy + 2, V_dy(c+2) = (P_dy[c+2], P_dy+1[c+2]), then (P_dy+2[c+2], -) (only its bottom
// half is read); the weight words as conv2d_s8_3x3_pool_rows_dsp's. The maximum before the rescale
// (the doubled form), 4 pooled outputs a store. Stack: the layout (180 x PW bytes), 5 padded
// rows, 16 channels' parameters.
template <std::size_t H, std::size_t W, std::size_t Pad, std::size_t G, bool AllDoubled = false>
[[gnu::optimize("no-tree-loop-distribute-patterns")]] void conv2d_s8_3x3_max_pool3_rows_dsp(
    const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y, std::size_t y_stride,
    std::size_t pooled_rows, std::int8_t pad) {
  static_assert(conv2d_s8_3x3_pool3_rows_fits<1, H, W, 3, 1, Pad>, "conv2d_s8_3x3_max_pool3_rows_dsp: shape not taken");
  using conv_3x3_pool::channel, conv_3x3_pool::pair, conv_3x3_pool::frame_block;
  constexpr std::size_t K = 3, PK = conv_3x3_pool3::pool, R = conv_3x3_pool3::in_rows, WD = conv_3x3_pool3::words;
  constexpr std::size_t Wp = W + 2 * Pad, OW = Wp - K + 1, PW = OW / PK;
  constexpr std::size_t full = PW / 4 * 4, tail = PW % 4, B = G < frame_block ? G : frame_block;
  std::int8_t P[R][Wp];
  std::int32_t L[PW * WD];
  channel ch[B];
  bool doubled[B];
  const std::int32_t lo = q.act_min < -128 ? -128 : q.act_min, hi = q.act_max > 127 ? 127 : q.act_max;
  for (std::size_t g0 = 0; g0 < G; g0 += B) {
    const std::size_t nb = G - g0 < B ? G - g0 : B;
    conv_3x3_pool::set_up_channels<AllDoubled>(w, q, g0, nb, lo, hi, ch, doubled);
    for (std::size_t py = 0; py < pooled_rows; ++py) {
      for (std::size_t r = 0; r < R; ++r)  // padded rows 3 py + r
        conv_3x3_pool::padded_row<H, W, Pad, Wp>(P[r], x, PK * py + r, pad);
      std::int32_t* l = L;
      for (std::size_t px = 0; px < PW; ++px)
        for (std::size_t dx = 0; dx < PK; ++dx) {
          const std::size_t c = PK * px + dx;
          const std::int32_t h0 = pair(P[0][c], P[0][c + 1]), h1 = pair(P[1][c], P[1][c + 1]),
                             h2 = pair(P[2][c], P[2][c + 1]), h3 = pair(P[3][c], P[3][c + 1]),
                             h4 = pair(P[4][c], P[4][c + 1]);
          const std::int32_t v0 = pair(P[0][c + 2], P[1][c + 2]), v1 = pair(P[1][c + 2], P[2][c + 2]),
                             v2 = pair(P[2][c + 2], P[3][c + 2]), v3 = pair(P[3][c + 2], P[4][c + 2]),
                             v4 = P[4][c + 2];
          l[0] = h0, l[1] = h1, l[2] = h2, l[3] = v0, l[4] = v2;
          l[5] = h1, l[6] = h2, l[7] = h3, l[8] = v1, l[9] = v3;
          l[10] = h2, l[11] = h3, l[12] = h4, l[13] = v2, l[14] = v4;
          l += 15;
        }
      for (std::size_t b = 0; b < nb; ++b) {
        const std::size_t g = g0 + b;
        std::int8_t* yg = y + g * y_stride + py * PW;
        if (doubled[b]) {
          conv_3x3_pool::max3_row<tail>(&ch[b], L, yg, yg + full);
        } else if constexpr (!AllDoubled) {
          const conv_window_s8 win{P[0], 1, R, Wp, Wp, K, K};
          for (std::size_t px = 0; px < PW; ++px)
            yg[px] = conv_window_pooled(win, w + g * K * K, q, g, 0, PK * px, 1, 1, PK, false);
        }
      }
    }
  }
}
#else
template <std::size_t H, std::size_t W, std::size_t Pad, std::size_t G, bool AllDoubled = false>
void conv2d_s8_3x3_max_pool3_rows_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                                      std::size_t y_stride, std::size_t pooled_rows, std::int8_t pad);  // DSP only
template <std::size_t H, std::size_t W, std::size_t Pad, std::size_t G, bool AllDoubled = false, bool Avg = false>
void conv2d_s8_3x3_pool_rows_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                                     std::size_t y_stride, std::size_t pooled_rows, std::int8_t pad);  // DSP only
#endif

}  // namespace staticnn::kernels::arm
