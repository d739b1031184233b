#pragma once
// Cortex-M VFP kernels for a pointwise convolution (K = 1, stride 1, no padding) over n
// consecutive pixels p of the channel planes (plane stride HW floats):
// y[o][p] = b[o] + sum_c w[o][c] * x[c][p].
//
// conv_pointwise_vfp_channels, M = 2 to 4 output channels at a time (C from 2 to 64): a block of
// M channels x P pixels (P = 5, 7, 10: M P + M + P <= 32) accumulates in s(32-MP)..s31, [m][p];
// per input channel one VLDM brings its M weights into s0.. (from a copy of the M channels'
// weights transposed to C x M, made once a call) and one VLDM the block's P inputs into s(M)..,
// then M P VFMAs. Blocks of P, then the 1 to 4 pixels left as one narrower block (M = 4) or a
// block of P overlapping the one before (M = 2, 3: its pixels computed again, to the same
// values). Fewer than P pixels in all run conv_pointwise_vfp per channel.
//
// conv_pointwise_vfp, one output channel: a block of A pixels accumulates in s(32-A)..s31 over
// every channel: per channel one VLDM brings the block's A inputs into s4.., then A VFMAs by that
// channel's weight, which came with three others in one VLDM into s0-s3 (the channels in groups
// of four, written out for up to 8 channels, else in a loop, then the rest one at a time). Blocks
// of `pixels` (12) pixels, then at most one of 8 and one of 4; 1 to 3 pixels left run as a block
// of 4 overlapping the one before. Fewer than 4 pixels in all run the portable loop.
//
// Both run each sum in channel order from the bias, as kernels/conv2d.hpp's portable loop (which
// GCC may not fuse into FMAs, so they agree within rounding).
#include <cstddef>

#include "../target.hpp"

namespace staticnn::kernels::arm {

namespace pointwise_vfp {
inline constexpr std::size_t pixels = 12;        // sums per block: s20-s31, inputs s4-s15
inline constexpr std::size_t small_pixels = 4;   // the narrowest block (and 8, twice as wide)
inline constexpr std::size_t weight_group = 4;   // channels' weights per VLDM: s0-s3
inline constexpr std::size_t first_input = 4;    // s4: the block's inputs of one channel
inline constexpr std::size_t sum_registers = 32; // sums end at s31
inline constexpr std::size_t unrolled_groups = 2; // up to 2 groups of 4 channels written out, more in a loop
}  // namespace pointwise_vfp

// The shapes conv_pointwise_vfp takes (K = 1, stride 1, no padding are the caller's trait).
template <std::size_t C>
inline constexpr bool conv_pointwise_vfp_fits = target::arm_vfp && C >= 1;

namespace pointwise_vfp {
// conv_pointwise_vfp_channels: M (2 to 4) output channels x group_pixels(M) pixels a block, the
// sums, the M weights and the block's inputs of one channel all in S registers
// (M P + M + P <= 32).
inline constexpr std::size_t group_channels = 4;  // the widest block
inline constexpr std::size_t group_max_inputs = 64; // C up to this: the transposed weights on the stack
constexpr std::size_t group_pixels(std::size_t M) { return M == 4 ? 5 : M == 3 ? 7 : 10; }
}  // namespace pointwise_vfp

// Whether conv_pointwise_vfp_channels takes C input channels (then any number of output channels).
template <std::size_t C>
inline constexpr bool conv_pointwise_vfp_channels_fit =
    target::arm_vfp && C >= 2 && C <= pointwise_vfp::group_max_inputs;

// The output channels a call of conv_pointwise_vfp_channels takes at a time (a divisor of OC, so
// the callers' channel loops step evenly): 4 where 4 divides OC, all of them up to 12, else 3 or 2
// where they divide OC, else 1 (then the one-channel kernel).
constexpr std::size_t conv_pointwise_vfp_group(std::size_t OC) {
  return OC % 4 == 0 ? 4 : OC <= 12 ? OC : OC % 3 == 0 ? 3 : OC % 2 == 0 ? 2 : 1;
}

#ifdef STATICNN_ARM_VFP
namespace pointwise_vfp {
// The A pixels at x (channel 0; planes `stride` bytes apart) of C channels with weights w into y
// (advanced by A), from the sums b (A copies of the bias).
template <std::size_t C, std::size_t A>
[[gnu::always_inline]] inline void block(const float* x, const float* w, const float* b, float*& y,
                                         std::size_t stride) {
  static_assert(A >= 1 && first_input + A <= sum_registers - A, "pointwise_vfp::block: does not fit the S registers");
  constexpr std::size_t groups = C / weight_group;
  constexpr bool looped = groups > unrolled_groups;  // else the groups written out
  std::size_t n;
  asm volatile(
      ".altmacro\n"
      ".macro snn_xfer%= op, p, lo, hi\n\\op \\p, {s\\lo-s\\hi}\n.endm\n"
      ".macro snn_vfma%= acc, wt, in\nvfma.f32 s\\acc, s\\wt, s\\in\n.endm\n"
      // Channel input: the block's inputs of one channel times the weight in s\wt.
      ".macro snn_channel%= wt\n"
      "snn_xfer%= vldmia, %[x], %c[in], %%(%c[in]+%c[a]-1)\n"
      "add %[x], %[x], %[stride]\n"
      ".set .Lsnn_i, 0\n"
      ".rept %c[a]\n"
      "snn_vfma%= %%(%c[acc]+.Lsnn_i), \\wt, %%(%c[in]+.Lsnn_i)\n"
      ".set .Lsnn_i, .Lsnn_i+1\n"
      ".endr\n"
      ".endm\n"
      "snn_xfer%= vldmia, %[b], %c[acc], %%(%c[acc]+%c[a]-1)\n"
      ".if %c[looped]\n"
      "mov %[n], #%c[groups]\n"
      "1:\n"
      ".endif\n"
      ".rept %c[written]\n"
      "vldmia %[w]!, {s0-s3}\n"
      "snn_channel%= 0\nsnn_channel%= 1\nsnn_channel%= 2\nsnn_channel%= 3\n"
      ".endr\n"
      ".if %c[looped]\n"
      "subs %[n], %[n], #1\n"
      "bne 1b\n"
      ".endif\n"
      ".rept %c[rest]\n"
      "vldmia %[w]!, {s0}\n"
      "snn_channel%= 0\n"
      ".endr\n"
      "snn_xfer%= vstmia, %[y]!, %c[acc], %%(%c[acc]+%c[a]-1)\n"
      ".purgem snn_channel%=\n.purgem snn_vfma%=\n.purgem snn_xfer%=\n"
      ".noaltmacro\n"
      : [x] "+r"(x), [w] "+r"(w), [y] "+r"(y), [n] "=&r"(n)
      : [b] "r"(b), [stride] "r"(stride), [a] "i"(A), [acc] "i"(sum_registers - A), [in] "i"(first_input),
        [groups] "i"(C / weight_group), [rest] "i"(C % weight_group), [looped] "i"(looped), [written] "i"(looped ? 1 : groups)
      : "cc", "memory", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13",
        "s14", "s15", "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "s24", "s25", "s26", "s27", "s28",
        "s29", "s30", "s31");
  static_assert(weight_group == 4 && first_input == weight_group, "pointwise_vfp::block: weights in s0-s3");
}

// The P pixels at x (channel 0; planes `stride` bytes apart) of M output channels from C input
// channels into the M output planes at y[0..M) (each advanced by P), from the sums b (M rows of B >= P, each
// channel's bias: one VLDM where B = P, else one a row). wt: the M channels' weights transposed, C x M (channel c's M weights one VLDM).
// Sums s(32-MP).. as [m][p], weights s0.., the block's inputs of one channel s(M)..
template <std::size_t C, std::size_t M, std::size_t P, std::size_t B = P>
[[gnu::always_inline]] inline void group_block(const float* x, const float* wt, const float* b, float* (&y)[M],
                                               std::size_t stride) {
  static_assert(B >= P, "pointwise_vfp::group_block: b's rows hold P sums at least");
  static_assert(M >= 2 && M * P + M + P <= sum_registers, "pointwise_vfp::group_block: does not fit the S registers");
  constexpr std::size_t groups = C / weight_group;
  constexpr bool looped = groups > unrolled_groups;  // else every channel written out
  std::size_t n;
  float* y2 = y[M > 2 ? 2 : 0];  // planes 2 and 3 where M has them (else unused)
  float* y3 = y[M > 3 ? 3 : 0];
  asm volatile(
      ".altmacro\n"
      ".macro snn_xfer%= op, p, lo, hi\n.if \\hi-\\lo\n\\op \\p, {s\\lo-s\\hi}\n.else\n\\op \\p, {s\\lo}\n.endif\n.endm\n"
      ".macro snn_vfma%= acc, wt, in\nvfma.f32 s\\acc, s\\wt, s\\in\n.endm\n"
      // One input channel: its M weights, its P inputs, then the M x P products.
      ".macro snn_channel%=\n"
      "snn_xfer%= vldmia, %[w]!, 0, %%(%c[m]-1)\n"
      "snn_xfer%= vldmia, %[x], %c[m], %%(%c[m]+%c[p]-1)\n"
      "add %[x], %[x], %[stride]\n"
      ".set .Lsnn_j, 0\n"
      ".rept %c[m]\n"
      ".set .Lsnn_i, 0\n"
      ".rept %c[p]\n"
      "snn_vfma%= %%(%c[acc]+.Lsnn_j*%c[p]+.Lsnn_i), %%(.Lsnn_j), %%(%c[m]+.Lsnn_i)\n"
      ".set .Lsnn_i, .Lsnn_i+1\n"
      ".endr\n"
      ".set .Lsnn_j, .Lsnn_j+1\n"
      ".endr\n"
      ".endm\n"
      ".macro snn_store%= j, y\n"
      "snn_xfer%= vstmia, \\y!, %%(%c[acc]+\\j*%c[p]), %%(%c[acc]+\\j*%c[p]+%c[p]-1)\n"
      ".endm\n"
      ".if %c[brow] == %c[p]\n"
      "snn_xfer%= vldmia, %[b], %c[acc], 31\n"
      ".else\n"
      ".set .Lsnn_k, 0\n"
      ".rept %c[m]\n"
      "snn_xfer%= vldmia, %[b], %%(%c[acc]+.Lsnn_k*%c[p]), %%(%c[acc]+.Lsnn_k*%c[p]+%c[p]-1)\n"
      "add %[b], %[b], #%c[brow]*4\n"
      ".set .Lsnn_k, .Lsnn_k+1\n"
      ".endr\n"
      ".endif\n"
      ".if %c[looped]\n"
      "mov %[n], #%c[groups]\n"
      "1:\n"
      "snn_channel%=\nsnn_channel%=\nsnn_channel%=\nsnn_channel%=\n"
      "subs %[n], %[n], #1\n"
      "bne 1b\n"
      ".rept %c[rest]\n"
      "snn_channel%=\n"
      ".endr\n"
      ".else\n"
      ".rept %c[c]\n"
      "snn_channel%=\n"
      ".endr\n"
      ".endif\n"
      "snn_store%= 0, %[y0]\n"
      "snn_store%= 1, %[y1]\n"
      ".if %c[m] > 2\nsnn_store%= 2, %[y2]\n.endif\n"
      ".if %c[m] > 3\nsnn_store%= 3, %[y3]\n.endif\n"
      ".purgem snn_store%=\n.purgem snn_channel%=\n.purgem snn_vfma%=\n.purgem snn_xfer%=\n"
      ".noaltmacro\n"
      : [x] "+r"(x), [w] "+r"(wt), [n] "=&r"(n), [b] "+r"(b), [y0] "+r"(y[0]), [y1] "+r"(y[1]),
        [y2] "+r"(y2), [y3] "+r"(y3)
      : [stride] "r"(stride), [m] "i"(M), [p] "i"(P), [brow] "i"(B),
        [acc] "i"(sum_registers - M * P), [c] "i"(C), [groups] "i"(groups), [rest] "i"(C % weight_group),
        [looped] "i"(looped)
      : "cc", "memory", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13",
        "s14", "s15", "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "s24", "s25", "s26", "s27", "s28",
        "s29", "s30", "s31");
  if constexpr (M > 2) y[2] = y2;
  if constexpr (M > 3) y[3] = y3;
}

// wt[c M + m] = w[m C + c] for c < C, m < M: four channels of each of the M rows a step (M
// VLDMs with write-back, then 4 M VSTRs), the C % 4 left one by one.
template <std::size_t C, std::size_t M>
[[gnu::always_inline]] inline void transpose_weights(const float* w, float* wt) {
  static_assert(M >= 2 && M <= 4, "pointwise_vfp::transpose_weights: 2 to 4 rows");
  const float* r0 = w;
  const float* r1 = w + C;
  const float* r2 = w + (M > 2 ? 2 : 1) * C;  // rows past M read (but not stored) again
  const float* r3 = w + (M - 1) * C;
  float* out = wt;
#pragma GCC unroll 1
  for (std::size_t c = 0; c + weight_group <= C; c += weight_group)
    asm volatile(
        ".altmacro\n"
        ".macro snn_out%= r, off\nvstr s\\r, [%[out], #\\off]\n.endm\n"
        "vldmia %[r0]!, {s0-s3}\n"
        "vldmia %[r1]!, {s4-s7}\n"
        ".if %c[m] > 2\nvldmia %[r2]!, {s8-s11}\n.endif\n"
        ".if %c[m] > 3\nvldmia %[r3]!, {s12-s15}\n.endif\n"
        ".set .Lsnn_j, 0\n"
        ".rept 4\n"
        ".set .Lsnn_m, 0\n"
        ".rept %c[m]\n"
        "snn_out%= %%(4*.Lsnn_m+.Lsnn_j), %%(4*(.Lsnn_j*%c[m]+.Lsnn_m))\n"
        ".set .Lsnn_m, .Lsnn_m+1\n"
        ".endr\n"
        ".set .Lsnn_j, .Lsnn_j+1\n"
        ".endr\n"
        "add %[out], %[out], #%c[step]\n"
        ".purgem snn_out%=\n"
        ".noaltmacro\n"
        : [r0] "+r"(r0), [r1] "+r"(r1), [r2] "+r"(r2), [r3] "+r"(r3), [out] "+r"(out)
        : [m] "i"(M), [step] "i"(weight_group * M * sizeof(float))
        : "memory", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14",
          "s15");
  for (std::size_t c = C / weight_group * weight_group; c < C; ++c)
    for (std::size_t m = 0; m < M; ++m) wt[c * M + m] = w[m * C + c];
}

// M output channels (weights w, OIHW from the first; biases bias[0..M)) over n >= P pixels into
// y (output planes y_plane floats apart): blocks of P pixels, then the 1 to P - 1 left as one
// narrower block where M = 4 (P = 5), else as a block of P overlapping the one before (its
// pixels computed again, to the same values).
template <std::size_t C, std::size_t HW, std::size_t M>
[[gnu::always_inline]] inline void group_pass(const float* x, const float* w, const float* bias, float* y,
                                              std::size_t n, std::size_t y_plane) {
  constexpr std::size_t P = group_pixels(M);
  float wt[C * M];
  transpose_weights<C, M>(w, wt);
  float b[M * P];
  for (std::size_t m = 0; m < M; ++m)
    for (std::size_t p = 0; p < P; ++p) b[m * P + p] = bias[m];
  float* ys[M];
  for (std::size_t m = 0; m < M; ++m) ys[m] = y + m * y_plane;
  constexpr std::size_t stride = HW * sizeof(float);
  const float* const x_end = x + n;
#pragma GCC unroll 1
  for (; x_end - x >= static_cast<std::ptrdiff_t>(P); x += P) group_block<C, M, P>(x, wt, b, ys, stride);
  const std::size_t left = static_cast<std::size_t>(x_end - x);
  if (left == 0) return;
  if constexpr (M == group_channels) {
    static_assert(P == 5, "pointwise_vfp::group_pass: tails of 1 to 4 pixels");
    // b's rows of 5 sums hold the r-pixel block's too, a row at a time (group_block's B)
    switch (left) {
      case 1: group_block<C, M, 1, P>(x, wt, b, ys, stride); break;
      case 2: group_block<C, M, 2, P>(x, wt, b, ys, stride); break;
      case 3: group_block<C, M, 3, P>(x, wt, b, ys, stride); break;
      default: group_block<C, M, 4, P>(x, wt, b, ys, stride); break;
    }
  } else {
    const std::ptrdiff_t back = static_cast<std::ptrdiff_t>(P - left);
    for (float*& v : ys) v -= back;
    group_block<C, M, P>(x - back, wt, b, ys, stride);
  }
}

}  // namespace pointwise_vfp

// y[p] = bias + sum_c w[c] * x[c * HW + p] for p < n: x at the first pixel of channel 0, w the
// channel's C weights. Out of line: one copy per C and plane size.
template <std::size_t C, std::size_t HW>
[[gnu::noinline]] void conv_pointwise_vfp(const float* x, const float* w, float bias, float* y, std::size_t n) {
  using namespace pointwise_vfp;
  float b[pixels];
  for (float& v : b) v = bias;
  constexpr std::size_t stride = HW * sizeof(float);
  if (n < small_pixels) {
    for (std::size_t p = 0; p < n; ++p) {
      float acc = bias;
      for (std::size_t c = 0; c < C; ++c) acc += w[c] * x[c * HW + p];
      y[p] = acc;
    }
    return;
  }
  const float* const x_end = x + n;
#pragma GCC unroll 1
  for (; x_end - x >= static_cast<std::ptrdiff_t>(pixels); x += pixels) block<C, pixels>(x, w, b, y, stride);
  if (x_end - x >= static_cast<std::ptrdiff_t>(2 * small_pixels)) {
    block<C, 2 * small_pixels>(x, w, b, y, stride);
    x += 2 * small_pixels;
  }
  if (x_end - x >= static_cast<std::ptrdiff_t>(small_pixels)) {
    block<C, small_pixels>(x, w, b, y, stride);
    x += small_pixels;
  }
  if (x != x_end) {  // 1 to 3 pixels left: the last 4 again, overlapping the block before
    const std::ptrdiff_t back = static_cast<std::ptrdiff_t>(small_pixels) - (x_end - x);
    y -= back;
    block<C, small_pixels>(x - back, w, b, y, stride);
  }
}

// Output channels [0, G) (weights w from the first's, OIHW; biases bias[0..G)) over the n
// consecutive pixels at x (channel 0 of planes HW floats apart) into y, output planes y_plane
// floats apart: 4 channels a pass, then a pass of the 2 or 3 left (one left: conv_pointwise_vfp);
// fewer pixels than a pass's block run conv_pointwise_vfp per channel. The same sums in the same
// order (from the bias, channel by channel) as conv_pointwise_vfp.
template <std::size_t C, std::size_t HW, std::size_t G>
[[gnu::noinline]] void conv_pointwise_vfp_channels(const float* x, const float* w, const float* bias, float* y,
                                                   std::size_t n, std::size_t y_plane) {
  using namespace pointwise_vfp;
  static_assert(conv_pointwise_vfp_channels_fit<C>, "conv_pointwise_vfp_channels: C out of range");
  constexpr std::size_t full = G / group_channels, rest = G % group_channels;
  if (n < group_pixels(group_channels)) {
    for (std::size_t g = 0; g < G; ++g) conv_pointwise_vfp<C, HW>(x, w + g * C, bias[g], y + g * y_plane, n);
    return;
  }
#pragma GCC unroll 1
  for (std::size_t g = 0; g < full; ++g)
    group_pass<C, HW, group_channels>(x, w + g * group_channels * C, bias + g * group_channels,
                                      y + g * group_channels * y_plane, n, y_plane);
  constexpr std::size_t done = full * group_channels;
  if constexpr (rest == 1) {
    conv_pointwise_vfp<C, HW>(x, w + done * C, bias[done], y + done * y_plane, n);
  } else if constexpr (rest > 1) {
    if (n < group_pixels(rest)) {
      for (std::size_t g = done; g < G; ++g) conv_pointwise_vfp<C, HW>(x, w + g * C, bias[g], y + g * y_plane, n);
    } else {
      group_pass<C, HW, rest>(x, w + done * C, bias + done, y + done * y_plane, n, y_plane);
    }
  }
}
#else
template <std::size_t C, std::size_t HW>
void conv_pointwise_vfp(const float* x, const float* w, float bias, float* y, std::size_t n);  // Arm VFP only
template <std::size_t C, std::size_t HW, std::size_t G>
void conv_pointwise_vfp_channels(const float* x, const float* w, const float* bias, float* y, std::size_t n,
                                 std::size_t y_plane);  // Arm VFP only
#endif

}  // namespace staticnn::kernels::arm
