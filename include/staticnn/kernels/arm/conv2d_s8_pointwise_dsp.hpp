#pragma once
// Armv7E-M DSP kernels (Cortex-M4, M7, M33) for an int8 pointwise convolution (K = 1, stride 1, no
// padding), TFLite int8 arithmetic and the fused activation clamp, bit for bit as
// kernels/conv2d_s8.hpp's portable path:
//   conv2d_s8_pointwise_dsp (2 to 120 input channels): output rows [oy0, oy0 + rows) of G output
//   channels;
//   conv2d_s8_pointwise_pool_dsp (2 to 120 input channels): 2x2 max-pooled rows of G output
//   channels (the maximum before the rescale, as kernels/arm/conv2d_s8_max_pool_dsp.hpp argues).
//
// Layout. The input channels go in pairs (pairs<C>: (4q, 4q+2), (4q+1, 4q+3) per 4 channels, the
// last 1-3 channels in one or two pairs, a missing partner 0). A block is 4 pixels (4 consecutive
// pixels, or a pooling window's 2x2); its im2col holds per pair k the 4 int16 pair words
//   col[4k + p] = (x_a[p], x_b[p])   p < 4 (the block's pixels), (a, b) = pair k's channels,
// built once per block for all G channels (SXTB16 and PKHBT/PKHTB from one word of 4 pixels per
// channel). Per output channel a frame holds its doubled weight pairs (2 w_a, 2 w_b), its doubled
// bias and rescale; the asm (channel_pass) runs every block against it, per 2 pairs
//   LDRD (2 weight pairs), 2 LDM (4 pixels' pair words each), 8 SMLAD = 16 MACs in 11 instructions,
// the 4 accumulators starting from the doubled bias (the first SMLAD's addend), so they hold
// A = 2 acc, which the doubled rescale (fixed_point.hpp's doubled_rescale_applies) takes as it is
// (pooled, the frame keeps weights and bias as they are and the maximum is doubled, one ADD a
// window). Pooled, a window's pixels 1 and 3 may be held as differences from pixels 0 and 2
// (pack_pair's Diff, where G exceeds the pair count or C <= 8), so the maximum of the 4 sums is
// max(s0 + max(d1, 0), s2 + max(d3, 0)): 2 USAT + 2 ADD + 1 compare instead of 3 compares. Pooled
// with at most 4 pairs (C <= 8), pooled_pass_regs keeps the doubled weights in registers instead,
// loads 2 pairs of a window in one LDM and runs up to 32 channels a call (channel_regs built once
// a call).
// The rescale takes one of four forms by the layer's clamp and zero point (rescale_form): the sign
// correction only where the clamp's lower end is below the zero point, and for the whole int8
// range (no activation, or a ReLU as quantize() sets it: zero point -128) SSAT to the output with
// no further clamp; an unpooled block of 4 outputs then costs, for C = 8, 22 instructions of
// multiply and 19 (ReLU) or 23 (no activation) of rescale, packing and loop.
// |A| <= 2 (|bias| + C * 127 * 128) < 2^31 in that form. Channels whose rescale does not take the
// doubled form run a scalar path (fixed_point.hpp's requantize).
// Unpooled, a layer whose clamp has lo >= zero_point (a fused ReLU or ReLU6) and whose channels'
// shifts allow it takes the halves rescale instead where it pays (conv_pointwise::halves_scale):
// the accumulators scaled to acc 2^(17-e) (inputs by 2^s, weights and bias by the rest), so
// SMMLA's top halfword is the output before its clamp: a block's rescale, packing and clamp in 12
// instructions (14 with a clamp below 127 - lo).
// A layer that is a compile-time constant tells the kernel what its constants decide
// (conv_pointwise::known_of: the clamp, the halves input scale, whether every channel takes the
// doubled form): only the path it takes is compiled and none of it is checked at run time; a small
// one (frames_budget) also passes its channels' halves frames made at compile time (halves_frames),
// copied each pass instead of built from the weights.
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../fixed_point.hpp"
#include "../target.hpp"
#include "conv2d_s8_rows_dsp.hpp"
#ifdef STATICNN_ARM_DSP
#include <arm_acle.h>
#endif

namespace staticnn::kernels::arm {

namespace conv_pointwise {
inline constexpr std::size_t min_channels = 2;      // one channel: the few-taps kernel
inline constexpr std::size_t max_channels = 120;    // 60 pair words: a block's im2col 960 B (STRD/LDRD offsets <= 1,020)
inline constexpr std::size_t pixels = 4;            // a block
inline constexpr std::size_t col_budget = 2048;     // bytes of im2col per pass over the channels (one block at least): the stack a RAM goal allows

// The input channels' pairs: pair k holds channels first(k) and second(k) (second(k) == C: none).
template <std::size_t C>
struct pairs {
  static constexpr std::size_t quads = C / 4, rem = C % 4;
  static constexpr std::size_t count = 2 * quads + (rem == 3 ? 2 : rem == 0 ? 0 : 1);
  static constexpr std::size_t first(std::size_t k) {
    return k < 2 * quads ? 4 * (k / 2) + k % 2 : (rem == 3 ? (k == 2 * quads ? C - 3 : C - 2) : C - rem);
  }
  static constexpr std::size_t second(std::size_t k) {
    return k < 2 * quads ? 4 * (k / 2) + k % 2 + 2 : (rem == 3 ? (k == 2 * quads ? C - 1 : C) : rem == 2 ? C - 1 : C);
  }
  static constexpr std::size_t block_words = pixels * count;  // one block's im2col
};
}  // namespace conv_pointwise

// The shapes conv2d_s8_pointwise_dsp takes: K = 1, stride 1, 2 to 120 input channels.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_pointwise_dsp_fits = target::arm_dsp && K == 1 && S == 1 &&
                                                     C >= conv_pointwise::min_channels &&
                                                     C <= conv_pointwise::max_channels;
// The shapes conv2d_s8_pointwise_pool_dsp takes (H, W: the conv's input, a 2x2 map at least): K = 1,
// stride 1, 2 to 120 input channels (up to 8: the weights in registers, pooled_pass_regs).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_pointwise_pool_dsp_fits = target::arm_dsp && !target::arm_mve && K == 1 && S == 1 &&
                                                          C >= 2 && C <= conv_pointwise::max_channels && H >= 2 &&
                                                          W >= 2;

namespace conv_pointwise {
// The halves rescale (unpooled, a clamp with lo >= zero_point: no sign term, see rescale_form).
// With the doubled form's u = (c + SMMULR(A, m)) >> e = floor((A m + 2^31 + c 2^32) / 2^(32+e))
// (floor(floor(y) / n) = floor(y / n)), the accumulator taken as A_s = acc 2^(17-e) = A K,
// K = 2^(16-e) (1 <= e <= 15), gives
//   t = SMMLA(A_s, m, c') = floor((A_s m + c' 2^32) / 2^32),  c' = 2^(15-e) + 2^15 + ((zero_point - lo) << 16),
// whose top halfword floor(t / 2^16) is u exactly (c' 2^32 = 2^31 K + c K 2^32), with no shift:
// PKHTB puts two outputs' top halves in one word and USAT16 saturates both to [0, 255]. |A_s| <
// 2^31 where (|bias| + sum_max) < 2^(14+e) (|t| < 2^30 + 2^24 then). The factor 2^(17-e) is the
// inputs' 2^s (pack_pair's Scale) times the channel's weights' and bias's 2^(17-e-s), weights at
// most 2^8 (|256 w| <= 32,512: int16). halves_input_scale: an s in [0, 8] with which every one of
// the G channels takes the form (e_max - e_min <= 8: 8 where e_max <= 9, 0 where e_min >= 9, the
// two cheap packings), else -1 (the forms above). With the sign term (lo < zero_point) the form
// would need 2 instructions an output for it (t - K [A < 0]): about what it saves, so those
// layers keep the forms above.
template <std::size_t C>
constexpr int halves_input_scale(const channel_rescale& q, std::size_t G, std::int32_t lo, std::int32_t hi) {
  if (lo > hi || lo < q.zero_point) return -1;
  constexpr auto sum_max = static_cast<std::uint32_t>(C * 127u * 128u);
  std::int32_t e_min = 16, e_max = 0;
  for (std::size_t o = 0; o < G; ++o) {
    const std::int32_t bias = q.bias[o], e = -q.shift[o];
    if (!doubled_rescale_applies(bias, q.multiplier[o], q.shift[o], q.zero_point, sum_max) || e > 15) return -1;
    const std::uint32_t bias_abs = bias < 0 ? 0u - static_cast<std::uint32_t>(bias) : static_cast<std::uint32_t>(bias);
    if (bias_abs + sum_max >= (1u << (14 + e))) return -1;  // both < 2^29 (doubled_rescale_applies)
    e_min = e < e_min ? e : e_min, e_max = e > e_max ? e : e_max;
  }
  return e_max <= 9 ? 8 : e_min >= 9 ? 0 : e_max - e_min <= 8 ? 9 - e_min : -1;
}

// The input scale conv2d_s8_pointwise_dsp takes the halves rescale with for n pixels, or -1: where
// halves_input_scale allows it and it pays: about 5 instructions fewer a block (4 outputs of a
// channel), about 2 more a pair word of a channel's frame each pass of the im2col (the weights
// times 2^(17-e-s)) and the check (measured at C = 16 to 64: fw_kernels_dsp's bench).
// halves_pays<C>(H W) false: the kernel for an H x W map has no halves path (no flash for it).
template <std::size_t C>
constexpr bool halves_pays(std::size_t n) {
  constexpr std::size_t blocks_max = col_budget / (4 * pairs<C>::block_words) > 0 ? col_budget / (4 * pairs<C>::block_words) : 1;
  const std::size_t blocks = (n + pixels - 1) / pixels < blocks_max ? (n + pixels - 1) / pixels : blocks_max;
  return 5 * blocks >= 2 * pairs<C>::count + 8;
}
template <std::size_t C, std::size_t G>
constexpr int halves_scale(const channel_rescale& q, std::int32_t lo, std::int32_t hi, std::size_t n) {
  return lo >= q.zero_point && halves_pays<C>(n) ? halves_input_scale<C>(q, G, lo, hi) : -1;
}

// What conv2d_s8_pointwise_dsp may be told of a layer that is a compile-time constant (known_of;
// the default, set false: nothing, all of it found at run time): its clamp within int8 [lo, hi]
// and zero point, the halves rescale's input scale for its whole map of n pixels (halves_scale, -1:
// not that form) and whether every channel takes the doubled form with lo <= hi (no general path).
// The kernel then compiles only the path and the forms the layer takes.
// framed: the caller passes every channel's halves frame as halves_frames makes it (where they
// take at most frames_budget bytes of flash), copied each pass instead of built from the weights.
struct known {
  bool set = false;
  int scale = -1;
  bool doubled = false;
  std::int32_t lo = -128, hi = 127, zero_point = 0;
  bool framed = false;
};
// A channel's frame words before the im2col's end (frame<Np>: m, c, e, width, lo, weight pairs
// and bias).
template <std::size_t C>
inline constexpr std::size_t frame_words = 5 + (pairs<C>::count < 2 ? 2 : pairs<C>::count) + 1;
inline constexpr std::size_t frames_budget = 2048;
template <std::size_t C, std::size_t G>
constexpr known known_of(const channel_rescale& q, std::size_t n) {
  const std::int32_t lo = q.act_min < -128 ? -128 : q.act_min, hi = q.act_max > 127 ? 127 : q.act_max;
  constexpr auto sum_max = static_cast<std::uint32_t>(C * 127u * 128u);
  bool doubled = lo <= hi;
  for (std::size_t o = 0; o < G; ++o)
    doubled = doubled && doubled_rescale_applies(q.bias[o], q.multiplier[o], q.shift[o], q.zero_point, sum_max);
  const int scale = halves_scale<C, G>(q, lo, hi, n);
  return {true, scale, doubled, lo, hi, q.zero_point, scale >= 0 && 4 * G * frame_words<C> <= frames_budget};
}
// The G channels' halves frames (fill_frame_halves' words, frame_words<C> a channel) for input
// scale s (halves_input_scale's, >= 0) of weights w (G x C) and rescale q, at compile time.
template <std::size_t C, std::size_t G>
constexpr std::array<std::int32_t, G * frame_words<C>> halves_frames(const std::int8_t* w, const channel_rescale& q,
                                                                     int s) {
  using P = pairs<C>;
  std::array<std::int32_t, G * frame_words<C>> frames{};
  if (s < 0) return frames;  // not the halves rescale: none
  const std::int32_t lo = q.act_min < -128 ? -128 : q.act_min, hi = q.act_max > 127 ? 127 : q.act_max;
  auto bytes4 = [](std::int32_t v) { return static_cast<std::int32_t>((static_cast<std::uint32_t>(v) & 0xffu) * 0x01010101u); };
  for (std::size_t o = 0; o < G; ++o) {
    std::int32_t* f = frames.data() + o * frame_words<C>;
    const std::int8_t* wo = w + o * C;
    const std::int32_t e = -q.shift[o], sw = 17 - e - s;
    auto scaled = [&](std::size_t c) {  // w 2^sw modulo 2^16 (0: no channel)
      return c < C ? static_cast<std::uint32_t>(wo[c] * (1 << sw)) & 0xffffu : 0u;
    };
    std::uint32_t sum = 0;
    for (std::size_t c = 0; c < C; ++c) sum += static_cast<std::uint32_t>(wo[c]);
    for (std::size_t k = 0; k < P::count; ++k)
      f[5 + (k < 2 ? k : k + 1)] = static_cast<std::int32_t>(scaled(P::first(k)) | scaled(P::second(k)) << 16);
    auto b = static_cast<std::uint32_t>(q.bias[o]);
    if (s >= 1 && s <= 7) b -= 128u * sum;  // the im2col's (x + 128) 2^s (pack_pair's Scale 1)
    f[5 + 2] = static_cast<std::int32_t>(b << (17 - e));
    f[0] = q.multiplier[o];
    f[1] = (1 << (15 - e)) + (1 << 15) + (q.zero_point - lo) * 65536;
    f[2] = e;
    f[3] = bytes4(hi - lo);
    f[4] = bytes4(lo);
  }
  return frames;
}

}  // namespace conv_pointwise

#ifdef STATICNN_ARM_DSP
namespace conv_pointwise {
// The rescale's forms (fixed_point.hpp's doubled form throughout), chosen per layer by its clamp
// [lo, hi] (within int8) and zero point:
//   t = c + SMMULR(A, m), u = (t - [A < 0]) >> e (A = 2 acc),
// two choices independent of each other:
//   correct: the term [A < 0] (conv2d_s8_few_dsp.hpp's argument). Without it where lo >= zero_point
//            (a ReLU's clamp): for A < 0 the product rounds to s <= 0, so t <= 2^(e-1) +
//            ((zero_point - lo') << e) < 2^e for lo' = lo (or for lo' = 0 and zero_point = -128
//            below) and u <= 0 or u <= -128 with or without it: the output is lo either way;
//   whole:   the clamp is the whole int8 range (lo = -128, hi = 127): c = 2^(e-1) + (zero_point << e)
//            and u saturated to [-128, 127] (SSAT) is the output; else c = 2^(e-1) + ((zero_point -
//            lo) << e), u saturated to [0, 255] (USAT), the output lo + min(u, hi - lo).
struct rescale_form {
  bool correct, whole;
};

// The form a layer's clamp [lo, hi] (within int8) and zero point allow.
constexpr rescale_form form_of(std::int32_t lo, std::int32_t hi, std::int32_t zero_point) {
  return {lo < zero_point, lo == -128 && hi == 127};
}

// The rescale's addend c for form `whole`.
constexpr std::int32_t addend(std::int32_t e, std::int32_t zero_point, std::int32_t lo, bool whole) {
  return (1 << (e - 1)) + static_cast<std::int32_t>(static_cast<std::uint32_t>(zero_point - (whole ? 0 : lo)) << e);
}

// fn(std::integral_constant<rescale_form, form>{}): each form's pass instantiated once.
template <class Fn>
[[gnu::always_inline]] inline void with_form(rescale_form form, Fn&& fn) {
  using K = rescale_form;
  if (form.correct) {
    if (form.whole) fn(std::integral_constant<K, K{true, true}>{});
    else fn(std::integral_constant<K, K{true, false}>{});
  } else {
    if (form.whole) fn(std::integral_constant<K, K{false, true}>{});
    else fn(std::integral_constant<K, K{false, false}>{});
  }
}

// What channel_pass reads: the doubled rescale (m, c = addend(e, zero_point, lo, whole), e) and
// the clamp (width = hi - lo and lo, bytes4 of each for the unpooled pass) just before the words
// the pass points at: the channel's first two doubled weight pairs, its doubled bias, its further
// weight pairs (pair k >= 2 at w[k + 1]); then the end of the im2col. So one LDMDB takes the
// rescale and one LDM the first two pairs and the bias.
template <std::size_t Np>
struct frame {
  std::int32_t m, c, e, width, lo;
  std::int32_t w[(Np < 2 ? 2 : Np) + 1];  // one pair (C = 2): word 1 unused, the bias at word 2
  const std::int32_t* col_end;
  std::int32_t odd;  // the halves pass (two blocks a loop): whether the block count is odd
  static constexpr std::size_t at(std::size_t k) { return k < 2 ? k : k + 1; }  // pair k's word
  static constexpr std::size_t bias = 2;
};

// (lo, hi) as an int16 pair word: lo in the bottom half.
[[gnu::always_inline]] inline std::int32_t half_pair(std::int32_t lo, std::int32_t hi) {
  return static_cast<std::int32_t>((static_cast<std::uint32_t>(lo) & 0xffffu) | (static_cast<std::uint32_t>(hi) << 16));
}

// Channel o's frame (weights wo, C bytes) for the doubled rescale, c for form `whole`. Pooled: the weight pairs and the
// bias as they are (channel_pass doubles the maximum), width and lo as scalars; else the bias
// doubled, the weight pairs too unless InputTwice (the im2col holds doubled inputs), width and lo
// as bytes4.
template <std::size_t C, bool Pooled, bool InputTwice = false>
[[gnu::always_inline]] inline void fill_frame(frame<pairs<C>::count>& f, const std::int8_t* wo, std::int32_t bias,
                                              std::int32_t m, std::int32_t shift, std::int32_t zero_point,
                                              std::int32_t lo, std::int32_t hi, bool whole) {
  using P = pairs<C>;
  using F = frame<P::count>;
  const std::int8_t* from = wo;
  auto quad = [&](std::int32_t* to) {  // (w0, w2), (w1, w3) of the next 4 weights
    std::uint32_t v;
    __builtin_memcpy(&v, from, 4);
    from += 4;
    const auto e = static_cast<std::int32_t>(__sxtb16(v)), o = conv_rows::sxtb16_ror8(v);
    to[0] = Pooled || InputTwice ? e : static_cast<std::int32_t>(__sadd16(e, e));
    to[1] = Pooled || InputTwice ? o : static_cast<std::int32_t>(__sadd16(o, o));
  };
  if constexpr (P::quads > 0) quad(f.w);  // pairs 0, 1; the bias after them
#pragma GCC unroll 4
  for (std::size_t q = 1; q < P::quads; ++q) quad(f.w + F::at(2 * q));
  constexpr std::int32_t k2 = Pooled || InputTwice ? 1 : 2;
  for (std::size_t k = 2 * P::quads; k < P::count; ++k)
    f.w[F::at(k)] = half_pair(k2 * wo[P::first(k)], P::second(k) < C ? k2 * wo[P::second(k)] : 0);
  const std::int32_t e = -shift;
  f.w[F::bias] = Pooled ? bias : 2 * bias;
  f.m = m;
  f.c = addend(e, zero_point, lo, whole);
  f.e = e;
  f.width = Pooled ? hi - lo : conv_rows::bytes4(hi - lo);
  f.lo = Pooled ? lo : conv_rows::bytes4(lo);
}

// Channel o's frame (weights wo, C bytes) for the halves rescale with input scale s: the weight
// pairs and the bias times 2^(17-e-s) and 2^(17-e), m, c', width and lo as bytes4. offset: 128
// where the im2col holds (x + 128) 2^s (pack_pair's Scale 1), else 0: the bias term is then
// (bias - offset sum(w)) 2^(17-e) (modulo 2^32: the accumulator's final value is the same A_s).
template <std::size_t C>
[[gnu::always_inline]] inline void fill_frame_halves(frame<pairs<C>::count>& f, const std::int8_t* wo, std::int32_t bias,
                                                     std::int32_t m, std::int32_t shift, std::int32_t zero_point,
                                                     std::int32_t lo, std::int32_t hi, int s, std::uint32_t offset_x) {
  using P = pairs<C>;
  using F = frame<P::count>;
  const std::int32_t e = -shift, sw = 17 - e - s;
  // Per 4 weights (w0, w2), (w1, w3) times K = 2^sw: the bytes w + 128 (EOR) zero-extended in
  // pairs (UXTB16), one MUL for both (each product below 2^16: no carry between the halves), minus
  // (128 K, 128 K) halfwise (USUB16: w K modulo 2^16 in each half).
  const std::uint32_t k = 1u << sw, offset = (128u << sw) * 0x00010001u;
  const std::int8_t* from = wo;
  std::uint32_t biased_sum = 0;  // sum(w + 128) over the quads' weights (USADA8)
  auto quad = [&](std::int32_t* to) __attribute__((always_inline)) {
    std::uint32_t v;
    __builtin_memcpy(&v, from, 4);
    from += 4;
    v ^= 0x80808080u;
    if (offset_x != 0) biased_sum = __usada8(v, 0u, biased_sum);
    to[0] = static_cast<std::int32_t>(__usub16(__uxtb16(v) * k, offset));
    std::uint32_t odd;
    asm("uxtb16 %0, %1, ror #8" : "=r"(odd) : "r"(v));
    to[1] = static_cast<std::int32_t>(__usub16(odd * k, offset));
  };
  if constexpr (P::quads > 0) quad(f.w);  // pairs 0, 1; the bias after them
#pragma GCC unroll 8
  for (std::size_t q = 1; q < P::quads; ++q) quad(f.w + F::at(2 * q));
  std::int32_t tail_sum = 0;
  for (std::size_t j = 2 * P::quads; j < P::count; ++j) {
    f.w[F::at(j)] = half_pair(wo[P::first(j)] << sw, P::second(j) < C ? wo[P::second(j)] << sw : 0);
    tail_sum += wo[P::first(j)] + (P::second(j) < C ? wo[P::second(j)] : 0);
  }
  std::uint32_t b = static_cast<std::uint32_t>(bias);
  if (offset_x != 0)  // bias - 128 sum(w)
    b -= offset_x * (biased_sum - 512u * P::quads + static_cast<std::uint32_t>(tail_sum));
  f.w[F::bias] = static_cast<std::int32_t>(b << (17 - e));
  f.m = m;
  f.c = (1 << (15 - e)) + (1 << 15) + (zero_point - lo) * 65536;
  f.e = e;
  f.width = conv_rows::bytes4(hi - lo);
  f.lo = conv_rows::bytes4(lo);
}

// Channel c's 4 bytes at xc: all 4 (Whole) or `valid` of them, the rest repeating byte 0.
template <bool Whole>
[[gnu::always_inline]] inline std::uint32_t word4(const std::int8_t* xc, [[maybe_unused]] std::size_t valid) {
  std::uint32_t v;
  if constexpr (Whole) {
    __builtin_memcpy(&v, xc, 4);
  } else {
    std::uint8_t b[4];
    for (std::size_t p = 0; p < 4; ++p) b[p] = static_cast<std::uint8_t>(xc[p < valid ? p : 0]);
    __builtin_memcpy(&v, b, 4);
  }
  return v;
}

// The 4 pair words (x_a[p], x_b[p]), p < 4, of the words va, vb of 4 pixels of channels a and b,
// at col (8-byte aligned) and col + 2 (then col + BW, col + BW + 2: Split for two pooling windows,
// see pack_pair_windows).
// Diff (pooling windows): the second and fourth words as differences, (a1 - a0, b1 - b0) and
// (a3 - a2, b3 - b2) (see window_max).
// Scale (the halves rescale's input scale 2^s, halves_input_scale): 8: (256 x_a[p], 256 x_b[p]),
// each word one AND of the bytes (a_p, b_p) in place or shifted left 8 with 0xff00ff00; 1: s in
// [1, 7] at run time (k = 32 - s): ((x_a[p] + 128) 2^s, (x_b[p] + 128) 2^s), each word one AND
// of the bytes x + 128 (EOR) rotated left s (ROR k), in place or rotated 8 further, with
// 0x00ff00ff << s (below 2^15; the offset 128 is the frame's: fill_frame_halves' offset_x).
template <std::size_t Second = 2, bool Twice = false, bool Diff = false, int Scale = 0>
[[gnu::always_inline]] inline void pack_pair(std::uint32_t va, std::uint32_t vb, std::int32_t* col,
                                             [[maybe_unused]] std::uint32_t k = 1) {
  static_assert(Scale == 0 || (!Twice && !Diff), "pack_pair: a Scale alone");
  if constexpr (Scale == 8) {
    std::uint32_t w0, w1, w2, w3, t0, t1;
    asm volatile("pkhbt %[t0], %[va], %[vb], lsl #16\n"  // (a0, a1, b0, b1)
        "pkhtb %[t1], %[vb], %[va], asr #16\n"            // (a2, a3, b2, b3)
        "and %[w0], %[mask], %[t0], lsl #8\n"             // (256 a0, 256 b0)
        "and %[w1], %[mask], %[t0]\n"                     // (256 a1, 256 b1)
        "and %[w2], %[mask], %[t1], lsl #8\n"
        "and %[w3], %[mask], %[t1]\n"
        "strd %[w0], %[w1], [%[col]]\n"
        "strd %[w2], %[w3], [%[col], #%c[second]]\n"
        : [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2), [w3] "=&r"(w3), [t0] "=&r"(t0), [t1] "=&r"(t1)
        : [va] "r"(va), [vb] "r"(vb), [col] "r"(col), [second] "i"(4 * Second), [mask] "r"(0xff00ff00u)
        : "memory");
    return;
  } else if constexpr (Scale == 1) {
    std::uint32_t w0, w1, w2, w3, t0, t1;
    asm volatile("pkhbt %[t0], %[va], %[vb], lsl #16\n"  // (a0, a1, b0, b1)
        "pkhtb %[t1], %[vb], %[va], asr #16\n"            // (a2, a3, b2, b3)
        "eor %[t0], %[t0], #0x80808080\n"                 // x + 128
        "eor %[t1], %[t1], #0x80808080\n"
        "ror %[t0], %[t0], %[k]\n"                        // times 2^s, byte 3's top bits at the bottom
        "ror %[t1], %[t1], %[k]\n"
        "and %[w0], %[mask], %[t0]\n"
        "and %[w1], %[mask], %[t0], ror #8\n"
        "and %[w2], %[mask], %[t1]\n"
        "and %[w3], %[mask], %[t1], ror #8\n"
        "strd %[w0], %[w1], [%[col]]\n"
        "strd %[w2], %[w3], [%[col], #%c[second]]\n"
        : [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2), [w3] "=&r"(w3), [t0] "=&r"(t0), [t1] "=&r"(t1)
        : [va] "r"(va), [vb] "r"(vb), [col] "r"(col), [second] "i"(4 * Second), [k] "r"(k),
          [mask] "r"(0x00ff00ffu << ((32u - k) & 31u))
        : "memory");
    return;
  }
  // The bytes (a0, a1, b0, b1) and (a2, a3, b2, b3) first (2 PKH), then each pair word is one SXTB16
  // of them (bytes 0 and 2, or 1 and 3).
  std::uint32_t w0, w1, w2, w3, t0, t1;
  asm volatile("pkhbt %[t0], %[va], %[vb], lsl #16\n"  // (a0, a1, b0, b1)
      "pkhtb %[t1], %[vb], %[va], asr #16\n"            // (a2, a3, b2, b3)
      "sxtb16 %[w0], %[t0]\n"                           // (a0, b0)
      "sxtb16 %[w1], %[t0], ror #8\n"                   // (a1, b1)
      "sxtb16 %[w2], %[t1]\n"                           // (a2, b2)
      "sxtb16 %[w3], %[t1], ror #8\n"                   // (a3, b3)
      ".if %c[twice]\n"  // doubled inputs (2 x_a, 2 x_b)
      "sadd16 %[w0], %[w0], %[w0]\n"
      "sadd16 %[w1], %[w1], %[w1]\n"
      "sadd16 %[w2], %[w2], %[w2]\n"
      "sadd16 %[w3], %[w3], %[w3]\n"
      ".endif\n"
      ".if %c[diff]\n"
      "ssub16 %[w1], %[w1], %[w0]\n"
      "ssub16 %[w3], %[w3], %[w2]\n"
      ".endif\n"
      "strd %[w0], %[w1], [%[col]]\n"
      "strd %[w2], %[w3], [%[col], #%c[second]]\n"
      : [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2), [w3] "=&r"(w3), [t0] "=&r"(t0), [t1] "=&r"(t1)
      : [va] "r"(va), [vb] "r"(vb), [col] "r"(col), [second] "i"(4 * Second), [twice] "i"(Twice),
        [diff] "i"(Diff)
      : "memory");
}

// A block of 4 consecutive pixels from xb (channel 0; planes HW bytes apart) into col
// (block_words words): `valid` of them (Whole: 4), the rest repeating pixel 0.
template <std::size_t C, std::size_t HW, bool Whole, bool Twice = false, int Scale = 0>
[[gnu::always_inline]] inline void pack_block(const std::int8_t* xb, std::int32_t* col, std::size_t valid,
                                              std::uint32_t k = 1) {
  using P = pairs<C>;
#pragma GCC unroll 2
  for (std::size_t q = 0; q < P::quads; ++q, xb += 4 * HW, col += 8) {  // pairs (c, c+2), (c+1, c+3)
    const std::uint32_t v0 = word4<Whole>(xb, valid), v1 = word4<Whole>(xb + HW, valid);
    const std::uint32_t v2 = word4<Whole>(xb + 2 * HW, valid), v3 = word4<Whole>(xb + 3 * HW, valid);
    pack_pair<2, Twice, false, Scale>(v0, v2, col, k);
    pack_pair<2, Twice, false, Scale>(v1, v3, col + 4, k);
  }
  for (std::size_t j = 2 * P::quads; j < P::count; ++j, col += 4) {
    const std::int8_t* x0 = xb - 4 * P::quads * HW;
    pack_pair<2, Twice, false, Scale>(word4<Whole>(x0 + P::first(j) * HW, valid),
              P::second(j) < C ? word4<Whole>(x0 + P::second(j) * HW, valid) : 0u, col, k);
  }
}

// The pair words of two pooling windows side by side from the words va0, vb0 (row 0) and va1, vb1
// (row 1) of channels a and b at 4 columns: window 2t's (r0 c0, r0 c1, r1 c0, r1 c1) at col, window
// 2t + 1's at col + BW.
template <std::size_t BW, bool Diff = true>
[[gnu::always_inline]] inline void pack_pair_windows(std::uint32_t va0, std::uint32_t vb0, std::uint32_t va1,
                                                     std::uint32_t vb1, std::int32_t* col) {
  // row 0: (a0, b0), (a1, b1) at col, (a2, b2), (a3, b3) at col + BW; row 1 two words on; each
  // window's second and fourth word as differences (window_max)
  pack_pair<BW, false, Diff>(va0, vb0, col);
  pack_pair<BW, false, Diff>(va1, vb1, col + 2);
}

// Two pooling windows side by side (columns 4t .. 4t + 3 of rows r0 = xb, r1 = xb + W) into col
// (window 2t) and col + block_words (window 2t + 1), each in the order (r0, c), (r0, c+1), (r1, c), (r1, c+1).
template <std::size_t C, std::size_t HW, std::size_t W, bool Diff = true>
[[gnu::always_inline]] inline void pack_windows2(const std::int8_t* xb, std::int32_t* col) {
  using P = pairs<C>;
  constexpr std::size_t BW = P::block_words;
  auto word = [](const std::int8_t* at) {
    std::uint32_t v;
    __builtin_memcpy(&v, at, 4);
    return v;
  };
  auto pack = [&](const std::int8_t* a, const std::int8_t* b, std::int32_t* to) {  // b null: none
    pack_pair_windows<BW, Diff>(word(a), b ? word(b) : 0u, word(a + W), b ? word(b + W) : 0u, to);
  };
  const std::int8_t* x = xb;
#pragma GCC unroll 2
  for (std::size_t q = 0; q < P::quads; ++q, x += 4 * HW, col += 8) {
    pack(x, x + 2 * HW, col);
    pack(x + HW, x + 3 * HW, col + 4);
  }
  for (std::size_t k = 2 * P::quads; k < P::count; ++k, col += 4)
    pack(xb + P::first(k) * HW, P::second(k) < C ? xb + P::second(k) * HW : nullptr, col);
}

// One pooling window (columns c, c + 1 of rows r0 = xb, r1 = xb + W) into col, byte by byte.
template <std::size_t C, std::size_t HW, std::size_t W, bool Diff = true>
inline void pack_window1(const std::int8_t* xb, std::int32_t* col) {
  using P = pairs<C>;
  for (std::size_t k = 0; k < P::count; ++k) {
    const std::int8_t* a = xb + P::first(k) * HW;
    const std::int8_t* b = xb + P::second(k) * HW;
    const bool has_b = P::second(k) < C;
    const std::size_t at[4] = {0, 1, W, W + 1};
    for (std::size_t p = 0; p < 4; ++p) {
      const std::size_t p0 = p & 2u;  // Diff, odd p: the difference from pixel p - 1
      const bool d = Diff && (p & 1u) != 0;
      const std::int32_t ap = a[at[p]] - (d ? a[at[p0]] : 0), bp = has_b ? b[at[p]] - (d ? b[at[p0]] : 0) : 0;
      col[4 * k + p] = half_pair(ap, bp);
    }
  }
}

// The blocks of the im2col from col to f->col_end against one channel's frame (its weight words
// at w: &frame::w[0]): per block the 4 accumulators from the bias and the Np weight pairs (doubled:
// A = 2 acc); Pooled (not doubled): their maximum doubled, rescaled in form Form, clamped and
// stored as one byte at y (y += 1), else the 4 rescaled, clamped bytewise and stored as one word
// at y (y += 4). One block a loop (two a loop: ~2.5% fewer instructions at C = 8, 6.5 KB more
// flash over fw_family's shapes), two for the halves rescale (an odd count, frame::odd, enters at
// the second; a constant layer compiles one halves pass, conv_pointwise::known). Registers: r0-r3 a pair's 4 pixel words (the rescale's words
// after the sums), r4, r5 two weight pairs, r6-r9 the accumulators, r10 the im2col, r11 the
// weight words, r12 the output, lr the im2col's end.
template <std::size_t Np, bool Pooled, rescale_form Form, bool Diff = false, int Halves = 0>
[[gnu::noinline]] void channel_pass(const std::int32_t* col, const std::int32_t* w, std::int8_t* y) {
  using F = frame<Np>;
  static_assert(Halves == 0 || !Pooled, "channel_pass: the halves rescale unpooled");
  static_assert(Np >= 1 && 4 * (Np + 2) <= 1020, "channel_pass: LDRD reaches the weight pairs");
  register const std::int32_t* cp asm("r10") = col;
  register const std::int32_t* wp asm("r11") = w;
  register std::int8_t* yp asm("r12") = y;
#define STATICNN_PW_SMLAD4(W)                                                                      \
  "smlad r6, r0, " W ", r6\n"                                                                       \
  "smlad r7, r1, " W ", r7\n"                                                                       \
  "smlad r8, r2, " W ", r8\n"                                                                       \
  "smlad r9, r3, " W ", r9\n"
  // u of A (r0: m, r1: c, r2: e), in A; general: r5 the product
#define STATICNN_PW_RESCALE(A)                                                                     \
  ".if %c[correct]\n"                                                                               \
  "smmlar r5, " A ", r0, r1\n"                                                                      \
  "add " A ", r5, " A ", asr #31\n"                                                                 \
  ".else\n"                                                                                         \
  "smmlar " A ", " A ", r0, r1\n"                                                                   \
  ".endif\n"                                                                                        \
  "asr " A ", " A ", r2\n"                                                                          \
  ".if %c[whole]\n"                                                                                 \
  "ssat " A ", #8, " A "\n"                                                                         \
  ".else\n"                                                                                         \
  "usat " A ", #8, " A "\n"                                                                         \
  ".endif\n"
#define STATICNN_PW_BLOCK                                                                     \
  "ldm r11, {r4, r5, r6}\n" /* pairs 0 and 1, the bias */                                     \
  "ldm r10!, {r0, r1, r2, r3}\n"                                                              \
  ".if %c[diff]\n" /* pixels 0 and 2 from the bias, the differences 1 - 0 and 3 - 2 from 0 */ \
  "smuad r7, r1, r4\n"                                                                        \
  "smlad r8, r2, r4, r6\n"                                                                    \
  "smuad r9, r3, r4\n"                                                                        \
  ".else\n" /* the accumulators start from the bias */                                        \
  "smlad r7, r1, r4, r6\n"                                                                    \
  "smlad r8, r2, r4, r6\n"                                                                    \
  "smlad r9, r3, r4, r6\n"                                                                    \
  ".endif\n"                                                                                  \
  "smlad r6, r0, r4, r6\n"                                                                    \
  ".if %c[np] >= 2\n"                                                                         \
  "ldm r10!, {r0, r1, r2, r3}\n" STATICNN_PW_SMLAD4("r5") ".endif\n"                          \
  ".set .Lstaticnn_pw_k, 12\n" /* pair 2's word */                                            \
  ".rept %c[np2]\n"                                                                           \
  "ldrd r4, r5, [r11, #.Lstaticnn_pw_k]\n"                                                    \
  "ldm r10!, {r0, r1, r2, r3}\n" STATICNN_PW_SMLAD4("r4")                                     \
  "ldm r10!, {r0, r1, r2, r3}\n" STATICNN_PW_SMLAD4("r5")                                     \
  ".set .Lstaticnn_pw_k, .Lstaticnn_pw_k + 8\n"                                               \
  ".endr\n"                                                                                   \
  ".if %c[odd]\n"                                                                             \
  "ldr r4, [r11, #.Lstaticnn_pw_k]\n"                                                         \
  "ldm r10!, {r0, r1, r2, r3}\n" STATICNN_PW_SMLAD4("r4") ".endif\n"                          \
  "ldmdb r11, {r0, r1, r2, r3, r4}\n" /* m, c, e, width, lo */                                \
  ".if %c[pooled]\n"                                                                          \
  ".if %c[diff]\n"                                                                            \
  "usat r7, #31, r7\n" /* max(0, d1): r6 + r7 the maximum of pixels 0 and 1 */                \
  "add r6, r6, r7\n"                                                                          \
  "usat r9, #31, r9\n"                                                                        \
  "add r8, r8, r9\n"                                                                          \
  "cmp r6, r8\n"                                                                              \
  "it lt\n"                                                                                   \
  "movlt r6, r8\n"                                                                            \
  ".else\n"                                                                                   \
  "cmp r6, r7\n"                                                                              \
  "it lt\n"                                                                                   \
  "movlt r6, r7\n"                                                                            \
  "cmp r6, r8\n"                                                                              \
  "it lt\n"                                                                                   \
  "movlt r6, r8\n"                                                                            \
  "cmp r6, r9\n"                                                                              \
  "it lt\n"                                                                                   \
  "movlt r6, r9\n"                                                                            \
  ".endif\n"                                                                                  \
  "add r6, r6, r6\n" /* A = 2 (acc + bias) of the maximum */                                  \
  STATICNN_PW_RESCALE("r6")                                                                   \
  ".if %c[whole] == 0\n"                                                                      \
  "uqsub8 r5, r6, r3\n" /* u - max(u - width, 0) = min(u, width) */                           \
  "usub8 r6, r6, r5\n"                                                                        \
  "add r6, r6, r4\n"                                                                          \
  ".endif\n"                                                                                  \
  "strb r6, [r12], #1\n"                                                                      \
  ".elseif %c[halves]\n" /* r1 = c', r3 = width4, r4 = lo4 (halves_input_scale) */          \
  "smmla r6, r6, r0, r1\n"                                                                    \
  "smmla r7, r7, r0, r1\n"                                                                    \
  "smmla r8, r8, r0, r1\n"                                                                    \
  "smmla r9, r9, r0, r1\n"                                                                    \
  "pkhtb r6, r8, r6, asr #16\n" /* (u0, u2): the top halves */                               \
  "pkhtb r7, r9, r7, asr #16\n" /* (u1, u3) */                                               \
  "usat16 r6, #8, r6\n"                                                                       \
  "usat16 r7, #8, r7\n"                                                                       \
  "orr r6, r6, r7, lsl #8\n" /* bytes u0 u1 u2 u3 */                                         \
  ".if %c[halves] == 1\n"                                                                     \
  "uqsub8 r5, r6, r3\n" /* u - max(u - width, 0) = min(u, width), bytewise */                \
  "usub8 r6, r6, r5\n"                                                                        \
  ".endif\n"                                                                                  \
  "uadd8 r6, r6, r4\n"                                                                        \
  "str r6, [r12], #4\n"                                                                       \
  ".else\n" STATICNN_PW_RESCALE("r6") STATICNN_PW_RESCALE("r7") STATICNN_PW_RESCALE("r8")     \
  STATICNN_PW_RESCALE("r9")                                                                   \
  ".if %c[whole]\n" /* the outputs' bytes */                                                  \
  "bfi r6, r7, #8, #8\n"                                                                      \
  "bfi r6, r8, #16, #8\n"                                                                     \
  "bfi r6, r9, #24, #8\n"                                                                     \
  ".else\n"                                                                                   \
  "orr r6, r6, r7, lsl #8\n"                                                                  \
  "orr r6, r6, r8, lsl #16\n"                                                                 \
  "orr r6, r6, r9, lsl #24\n"                                                                 \
  "uqsub8 r5, r6, r3\n" /* u - max(u - width, 0) = min(u, width), bytewise */                 \
  "usub8 r6, r6, r5\n"                                                                        \
  "uadd8 r6, r6, r4\n"                                                                        \
  ".endif\n"                                                                                  \
  "str r6, [r12], #4\n"                                                                       \
  ".endif\n"
  asm volatile(
      ".if %c[halves]\n"
      "ldrd lr, r0, [r11, #%c[cend]]\n"  // the im2col's end, odd
      "cmp r0, #0\n"
      "bne 2f\n"
      ".else\n"
      "ldr lr, [r11, #%c[cend]]\n"
      ".endif\n"
      "1:\n" STATICNN_PW_BLOCK
      ".if %c[halves]\n"
      "2:\n" STATICNN_PW_BLOCK
      ".endif\n"
      "cmp r10, lr\n"
      "bne 1b\n"
      : "+r"(cp), "+r"(yp)
      : "r"(wp), [np] "i"(Np), [np2] "i"(Np >= 2 ? (Np - 2) / 2 : 0), [odd] "i"(Np >= 2 ? Np % 2 : 0),
        [pooled] "i"(Pooled),
        [cend] "i"(offsetof(F, col_end) - offsetof(F, w)), [correct] "i"(Form.correct), [whole] "i"(Form.whole),
        [diff] "i"(Pooled && Diff), [halves] "i"(Halves)
      : "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "lr", "cc", "memory");
#undef STATICNN_PW_BLOCK
#undef STATICNN_PW_RESCALE
#undef STATICNN_PW_SMLAD4
  static_assert(offsetof(F, w) == offsetof(F, m) + 20 && offsetof(F, c) == offsetof(F, m) + 4 &&
                    offsetof(F, e) == offsetof(F, m) + 8 && offsetof(F, width) == offsetof(F, m) + 12 &&
                    offsetof(F, lo) == offsetof(F, m) + 16 && F::at(2) == 3 && F::bias == 2 &&
                    offsetof(F, odd) == offsetof(F, col_end) + 4 && offsetof(F, m) == 0 &&
                    offsetof(F, col_end) == 4 * (5 + (Np < 2 ? 2 : Np) + 1),
                "channel_pass: one LDMDB takes m, c, e, width, lo; one LDM pairs 0, 1 and the bias");
}

// What pooled_pass_regs reads per channel: up to 4 doubled weight pairs (0 past the channel's),
// the doubled bias and the rescale (m, c = addend(e, zero_point, lo, whole), e).
struct channel_regs {
  std::int32_t w[4];
  std::int32_t bias2, m, c, e;
};
inline constexpr std::size_t group_channels = 32;  // channel_regs a call of the pooled kernel keeps (1 KiB)

// What pooled_pass_regs reads per pass, copied to its stack: the current channel's bias2, m, c, e
// (its own), the clamp (width = hi - lo, lo), the im2col's end and start, the first channel's
// output and the step to the next, the channels [ch, ch_end) and whether the window count is odd.
struct pass_regs {
  std::int32_t bias2, m, c, e, width, lo;
  const std::int32_t* col_end;
  const std::int32_t* col;
  std::int8_t* y;
  std::size_t y_stride;
  const channel_regs* ch;
  const channel_regs* ch_end;
  std::int32_t odd;
  std::int32_t pad;  // the stack copy a multiple of 8 bytes
};

// channel_pass<Np, true, Form> for Np <= 4 weight pairs (C <= 8) and channels [ch, ch_end) in one
// call, the weights in r0-r3: per window one LDM of pairs 0 and 1 (8 words, r4-r11) and one of
// each further pair (r8-r11); each pixel's sum builds in the register of its pair-0 word (SMUAD,
// then SMLAD), so no accumulator registers are needed: r4, r6 the sums of pixels 0 and 2, r5, r7
// the differences 1 - 0 and 3 - 2 (the im2col's, pack_pair's Diff), so the maximum is
// max(r4 + max(r5, 0), r6 + max(r7, 0)) (USAT #31 is max(d, 0) for any int32 d; |sums| < 2^30).
// Two windows a loop (the first skipped for an odd count). pass_regs lives on the stack (the one
// free pointer in the window loop: LDM sp takes the rescale, the clamp and the im2col's end).
// Registers: r0-r3 weights, r4-r11 inputs and sums, r12 the im2col, lr the output.
template <std::size_t Np, rescale_form Form>
[[gnu::noinline]] void pooled_pass_regs(const pass_regs* f) {
  static_assert(Np >= 1 && Np <= 4, "pooled_pass_regs: the weights in r0-r3");
  register const pass_regs* fp asm("r4") = f;
#define STATICNN_PW_PAIR(W, X0, X1, X2, X3)                                                        \
  "smlad r4, " X0 ", " W ", r4\n"                                                                  \
  "smlad r5, " X1 ", " W ", r5\n"                                                                  \
  "smlad r6, " X2 ", " W ", r6\n"                                                                  \
  "smlad r7, " X3 ", " W ", r7\n"
#define STATICNN_PW_WINDOW                                                                         \
  ".if %c[np] >= 2\n"                                                                               \
  "ldm r12!, {r4, r5, r6, r7, r8, r9, r10, r11}\n" /* pairs 0 and 1 of the window's 4 pixels */   \
  ".else\n"                                                                                         \
  "ldm r12!, {r4, r5, r6, r7}\n"                                                                    \
  ".endif\n"                                                                                        \
  "smuad r4, r4, r0\n"                                                                              \
  "smuad r5, r5, r0\n"                                                                              \
  "smuad r6, r6, r0\n"                                                                              \
  "smuad r7, r7, r0\n"                                                                              \
  ".if %c[np] >= 2\n" STATICNN_PW_PAIR("r1", "r8", "r9", "r10", "r11") ".endif\n"                   \
  ".if %c[np] >= 3\n"                                                                               \
  "ldm r12!, {r8, r9, r10, r11}\n" STATICNN_PW_PAIR("r2", "r8", "r9", "r10", "r11") ".endif\n"      \
  ".if %c[np] >= 4\n"                                                                               \
  "ldm r12!, {r8, r9, r10, r11}\n" STATICNN_PW_PAIR("r3", "r8", "r9", "r10", "r11") ".endif\n"      \
  "usat r5, #31, r5\n"                                                                              \
  "add r4, r4, r5\n"                                                                                \
  "usat r7, #31, r7\n"                                                                              \
  "add r6, r6, r7\n"                                                                                \
  "cmp r4, r6\n"                                                                                    \
  "it lt\n"                                                                                         \
  "movlt r4, r6\n"                                                                                  \
  "ldm sp, {r5, r6, r7, r8, r9, r10, r11}\n" /* bias2, m, c, e, width, lo, col_end */              \
  "add r4, r4, r5\n" /* A = 2 (acc + bias) of the maximum */                                        \
  ".if %c[correct]\n"                                                                               \
  "smmlar r5, r4, r6, r7\n"                                                                         \
  "add r4, r5, r4, asr #31\n"                                                                       \
  ".else\n"                                                                                         \
  "smmlar r4, r4, r6, r7\n"                                                                         \
  ".endif\n"                                                                                        \
  "asr r4, r4, r8\n"                                                                                \
  ".if %c[whole]\n"                                                                                 \
  "ssat r4, #8, r4\n"                                                                               \
  ".else\n"                                                                                         \
  "usat r4, #8, r4\n"                                                                               \
  "uqsub8 r5, r4, r9\n" /* u - max(u - width, 0) = min(u, width) */                                 \
  "usub8 r4, r4, r5\n"                                                                              \
  "add r4, r4, r10\n"                                                                               \
  ".endif\n"                                                                                        \
  "strb r4, [lr], #1\n"
  asm volatile(
      "sub sp, sp, #%c[fsize]\n"
      "ldm r4, {r0, r1, r2, r3, r5, r6, r7, r8, r9, r10, r11, r12, lr}\n"  // pass_regs but pad
      "stm sp, {r0, r1, r2, r3, r5, r6, r7, r8, r9, r10, r11, r12, lr}\n"
      "3:\n"  // a channel: its weights in r0-r3, its rescale to the stack, its output
      "ldr r4, [sp, #%c[cho]]\n"
      "ldm r4!, {r0, r1, r2, r3, r5, r6, r7, r8}\n"
      "str r4, [sp, #%c[cho]]\n"
      "stm sp, {r5, r6, r7, r8}\n"
      "ldrd r12, lr, [sp, #%c[colo]]\n"  // the im2col, the output
      "ldr r5, [sp, #%c[ystep]]\n"
      "add r5, lr, r5\n"
      "str r5, [sp, #%c[yo]]\n"  // the next channel's
      "ldr r5, [sp, #%c[oddo]]\n"
      "cmp r5, #0\n"
      "bne 2f\n"
      "1:\n" STATICNN_PW_WINDOW
      "2:\n" STATICNN_PW_WINDOW
      "cmp r12, r11\n"
      "bne 1b\n"
      "ldrd r4, r5, [sp, #%c[cho]]\n"
      "cmp r4, r5\n"
      "bne 3b\n"
      "add sp, sp, #%c[fsize]\n"
      : "+r"(fp)
      : [np] "i"(Np), [cho] "i"(offsetof(pass_regs, ch)), [colo] "i"(offsetof(pass_regs, col)),
        [yo] "i"(offsetof(pass_regs, y)), [ystep] "i"(offsetof(pass_regs, y_stride)),
        [oddo] "i"(offsetof(pass_regs, odd)), [fsize] "i"(sizeof(pass_regs)), [correct] "i"(Form.correct),
        [whole] "i"(Form.whole)
      : "r0", "r1", "r2", "r3", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "lr", "cc", "memory");
#undef STATICNN_PW_WINDOW
#undef STATICNN_PW_PAIR
  static_assert(offsetof(pass_regs, width) == 16 && offsetof(pass_regs, col_end) == 24 &&
                    offsetof(pass_regs, col) == 28 && offsetof(pass_regs, y) == 32 && offsetof(pass_regs, ch_end) == 44 &&
                    offsetof(pass_regs, odd) == 48 && sizeof(pass_regs) == 56 && sizeof(channel_regs) == 32,
                "pooled_pass_regs: the LDM/STM register lists lay out pass_regs and channel_regs");
}

// Channel o's output for pixel i (plane offset) of x by the general rescale (the portable sum,
// wrapping as int32).
template <std::size_t C, std::size_t HW>
inline std::int8_t general_output(const std::int8_t* x, const std::int8_t* wo, const channel_rescale& q, std::size_t o,
                                  std::size_t i) {
  auto a = static_cast<std::uint32_t>(q.bias[o]);
  for (std::size_t c = 0; c < C; ++c) a += static_cast<std::uint32_t>(wo[c] * x[c * HW + i]);
  return q.clamp(requantize_out_of_line(static_cast<std::int32_t>(a), q.multiplier[o], q.shift[o], q.zero_point));
}
}  // namespace conv_pointwise

// x: C x H x W int8; w: G output channels' C weights (in [-127, 127]); q: the rescale starting at the
// first of the G channels; y: G x rows x W int8. Known: what the caller knows of a layer that is a
// compile-time constant (conv_pointwise::known_of for q and the whole map, so for rows = H; any
// rows then give the same outputs), else nothing; frames: Known.framed, the layer's
// conv_pointwise::halves_frames for Known.scale, else unused.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t G, conv_pointwise::known Known = conv_pointwise::known{}>
[[gnu::optimize("no-tree-loop-distribute-patterns")]] void conv2d_s8_pointwise_dsp(
    const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y, std::size_t oy0, std::size_t rows,
    [[maybe_unused]] const std::int32_t* frames = nullptr) {
  static_assert(conv2d_s8_pointwise_dsp_fits<C, H, W, 1, 1>, "conv2d_s8_pointwise_dsp: shape not taken");
  using P = conv_pointwise::pairs<C>;
  constexpr std::size_t P4 = conv_pointwise::pixels, BW = P::block_words;
  constexpr std::size_t blocks_max = conv_pointwise::col_budget / (4 * BW) > 0 ? conv_pointwise::col_budget / (4 * BW) : 1;
  constexpr auto sum_max = static_cast<std::uint32_t>(C * 127u * 128u);
  // A = 2 acc: the inputs doubled once a pass (4 SADD16 a pair a block, for all G channels) where
  // that is cheaper than doubling every channel's weight pairs each pass (P::count SADD16 a channel).
  constexpr bool input_twice = 4 * blocks_max < G;
  const std::size_t n = rows * W;  // output pixels, consecutive in each plane from row oy0
  const std::int8_t* const xs = x + oy0 * W;
  const std::int32_t lo = Known.set ? Known.lo : q.act_min < -128 ? -128 : q.act_min;
  const std::int32_t hi = Known.set ? Known.hi : q.act_max > 127 ? 127 : q.act_max;
  const std::int32_t zero_point = Known.set ? Known.zero_point : q.zero_point;
  alignas(8) std::int32_t col[blocks_max * BW];
  conv_pointwise::frame<P::count> f;
  // no halves path where it cannot pay, or where the layer is known not to take it
  if constexpr (conv_pointwise::halves_pays<C>(H * W) && (!Known.set || Known.scale >= 0)) {
    if (const int s = Known.set ? Known.scale : conv_pointwise::halves_scale<C, G>(q, lo, hi, n); s >= 0) {
      // every channel in the halves rescale: inputs times 2^s (plus 128 2^s for s in [1, 7])
      auto pass = [&](auto scale, auto halves) __attribute__((always_inline)) {
        const std::uint32_t k = scale() == 1 ? 32u - static_cast<std::uint32_t>(s) : 1u;
        const std::uint32_t offset_x = scale() == 1 ? 128u : 0u;
        for (std::size_t i0 = 0; i0 < n; i0 += blocks_max * P4) {
          const std::size_t count = n - i0 < blocks_max * P4 ? n - i0 : blocks_max * P4, whole = count / P4,
                            part = count % P4;
          if constexpr (H * W >= P4)
            for (std::size_t b = 0; b < whole; ++b)
              conv_pointwise::pack_block<C, H * W, true, false, scale()>(xs + i0 + b * P4, col + b * BW, P4, k);
          if (part != 0)
            conv_pointwise::pack_block<C, H * W, false, false, scale()>(xs + i0 + whole * P4, col + whole * BW, part, k);
          for (std::size_t o = 0; o < G; ++o) {
            std::int8_t* yo = y + o * n + i0;
            if constexpr (Known.framed)
              __builtin_memcpy(&f, frames + o * conv_pointwise::frame_words<C>, 4 * conv_pointwise::frame_words<C>);
            else
              conv_pointwise::fill_frame_halves<C>(f, w + o * C, q.bias[o], q.multiplier[o], q.shift[o], zero_point, lo,
                                                   hi, s, offset_x);
            constexpr conv_pointwise::rescale_form none{false, false};
            if (whole != 0) {
              f.col_end = col + whole * BW, f.odd = static_cast<std::int32_t>(whole & 1u);
              conv_pointwise::channel_pass<P::count, false, none, false, halves()>(col, f.w, yo);
            }
            if (part != 0) {
              std::int8_t out[P4];
              f.col_end = col + (whole + 1) * BW, f.odd = 1;
              conv_pointwise::channel_pass<P::count, false, none, false, halves()>(col + whole * BW, f.w, out);
              for (std::size_t p = 0; p < part; ++p) yo[whole * P4 + p] = out[p];
            }
          }
        }
      };
      // the halves variant: 1 the clamp's width below 255 (a min), 2 the whole of [0, 255]
      auto run = [&](auto scale) __attribute__((always_inline)) {
        if constexpr (Known.set) {
          pass(scale, std::integral_constant<int, Known.hi - Known.lo == 255 ? 2 : 1>{});
        } else {
          if (hi - lo == 255) pass(scale, std::integral_constant<int, 2>{});
          else pass(scale, std::integral_constant<int, 1>{});
        }
      };
      if constexpr (Known.set) run(std::integral_constant<int, Known.scale == 8 ? 8 : Known.scale == 0 ? 0 : 1>{});
      else if (s == 8) run(std::integral_constant<int, 8>{});
      else if (s == 0) run(std::integral_constant<int, 0>{});
      else run(std::integral_constant<int, 1>{});
      return;
    }
  }
  if constexpr (!Known.set || Known.scale < 0) {
    const auto form = conv_pointwise::form_of(lo, hi, zero_point);
    for (std::size_t i0 = 0; i0 < n; i0 += blocks_max * P4) {
      const std::size_t count = n - i0 < blocks_max * P4 ? n - i0 : blocks_max * P4, whole = count / P4, part = count % P4;
      if constexpr (H * W >= P4)  // a plane of fewer pixels has no whole block (nor 4 bytes to read)
        for (std::size_t b = 0; b < whole; ++b)
          conv_pointwise::pack_block<C, H * W, true, input_twice>(xs + i0 + b * P4, col + b * BW, P4);
      if (part != 0)
        conv_pointwise::pack_block<C, H * W, false, input_twice>(xs + i0 + whole * P4, col + whole * BW, part);
      for (std::size_t o = 0; o < G; ++o) {
        const std::int8_t* wo = w + o * C;
        std::int8_t* yo = y + o * n + i0;
        const std::int32_t bias = q.bias[o], m = q.multiplier[o], shift = q.shift[o];
        if (Known.doubled || (lo <= hi && doubled_rescale_applies(bias, m, shift, zero_point, sum_max))) {
          conv_pointwise::fill_frame<C, false, input_twice>(f, wo, bias, m, shift, zero_point, lo, hi, form.whole);
          auto run = [&](auto k) {
            if (whole != 0) {
              f.col_end = col + whole * BW;
              conv_pointwise::channel_pass<P::count, false, k()>(col, f.w, yo);
            }
            if (part != 0) {
              std::int8_t out[P4];
              f.col_end = col + (whole + 1) * BW;
              conv_pointwise::channel_pass<P::count, false, k()>(col + whole * BW, f.w, out);
              for (std::size_t p = 0; p < part; ++p) yo[whole * P4 + p] = out[p];
            }
          };
          if constexpr (Known.set)
            run(std::integral_constant<conv_pointwise::rescale_form,
                                       conv_pointwise::form_of(Known.lo, Known.hi, Known.zero_point)>{});
          else
            conv_pointwise::with_form(form, run);
        } else if constexpr (!Known.doubled) {
          for (std::size_t p = 0; p < count; ++p) yo[p] = conv_pointwise::general_output<C, H * W>(xs, wo, q, o, i0 + p);
        }
      }
    }
  }
}

// `rows` 2x2 max-pooled rows (stride 2, unpadded) of G output channels of the 1x1 conv, from input
// rows oy0 .. oy0 + 2 rows - 1 of x (C x H x W int8): channel g's rows x PW outputs (PW = W / 2) at
// y + g * y_stride, row after row,
//   y[g][py][px] = max over dy, dx in {0, 1} of clamp(requantize(acc_g(oy0 + 2 py + dy, 2 px + dx))).
// The windows of all the rows, in that order, run in passes of the im2col budget (each channel's
// frame is set up once a pass). w, q as conv2d_s8_pointwise_dsp's. AllDoubled: the caller knows the
// clamp range within int8 is not empty and every channel's rescale takes the doubled form (no
// per-channel check, no general path).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t G, bool AllDoubled = false>
[[gnu::optimize("no-tree-loop-distribute-patterns")]] void conv2d_s8_pointwise_pool_dsp(
    const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y, std::size_t y_stride,
    std::size_t oy0, std::size_t rows = 1) {
  static_assert(conv2d_s8_pointwise_pool_dsp_fits<C, H, W, 1, 1>, "conv2d_s8_pointwise_pool_dsp: shape not taken");
  using P = conv_pointwise::pairs<C>;
  constexpr std::size_t BW = P::block_words, PW = W / 2;
  constexpr bool regs = P::count <= 4;  // C <= 8: the weights in registers
  // Each window's pixels 1 and 3 as differences (pack_pair's Diff; the maximum 2 instructions
  // cheaper a window and channel, the packing 2 dearer a window and pair): in registers always.
  constexpr bool diff = regs || G > P::count;
  // windows per pass within the budget (at least 1)
  constexpr std::size_t span = conv_pointwise::col_budget / (4 * BW) > 0 ? conv_pointwise::col_budget / (4 * BW) : 1;
  constexpr auto sum_max = static_cast<std::uint32_t>(C * 127u * 128u);
  const std::int8_t* const xr = x + oy0 * W;
  const std::int32_t lo = q.act_min < -128 ? -128 : q.act_min, hi = q.act_max > 127 ? 127 : q.act_max;
  const auto form = conv_pointwise::form_of(lo, hi, q.zero_point);
  alignas(8) std::int32_t col[span * BW];
  const std::size_t n = rows * PW;  // windows, flat: window i is pooled row i / PW, column i % PW
  // Windows [i0, i0 + count) into col: per pooled row pairs of windows, a last one alone.
  auto pack = [&](std::size_t i0, std::size_t count) __attribute__((always_inline)) {
    for (std::size_t i = i0; i < i0 + count;) {
      const std::size_t py = i / PW, px = i % PW, end = i0 + count < (py + 1) * PW ? i0 + count : (py + 1) * PW;
      const std::int8_t* xw = xr + 2 * py * W + 2 * px;
      for (; i + 2 <= end; i += 2, xw += 4) conv_pointwise::pack_windows2<C, H * W, W, diff>(xw, col + (i - i0) * BW);
      if (i < end) conv_pointwise::pack_window1<C, H * W, W, diff>(xw, col + (i++ - i0) * BW);
    }
  };
  // Channel g's outputs of windows [i0, i0 + count) by the general rescale.
  auto general = [&](std::size_t g, std::size_t i0, std::size_t count) __attribute__((noinline)) {
    const std::int8_t* wg = w + g * C;
    for (std::size_t i = i0; i < i0 + count; ++i) {
      std::int8_t best = -128;
      for (std::size_t dy = 0; dy < 2; ++dy)
        for (std::size_t dx = 0; dx < 2; ++dx) {
          const std::int8_t v = conv_pointwise::general_output<C, H * W>(xr, wg, q, g,
                                                                         (2 * (i / PW) + dy) * W + 2 * (i % PW) + dx);
          best = v > best ? v : best;
        }
      y[g * y_stride + i] = best;
    }
  };
  if constexpr (regs) {
    // Groups of up to group_channels channels: their channel_regs once a call, then per pass of
    // the im2col one pooled_pass_regs call for all of them (or for each run of channels in the
    // doubled form, the others by the general rescale).
    constexpr std::size_t GC = G < conv_pointwise::group_channels ? G : conv_pointwise::group_channels;
    alignas(8) conv_pointwise::channel_regs ch[GC];
    bool doubled[GC];
    conv_pointwise::pass_regs pr;
    pr.width = hi - lo, pr.lo = lo, pr.y_stride = y_stride;
    // addend(e, zero_point, lo, whole) = (2 (zero_point - lo') + 1) 2^(e-1), lo' = 0 if whole else lo
    const std::uint32_t c_base = 2u * static_cast<std::uint32_t>(q.zero_point - (form.whole ? 0 : lo)) + 1u;
    for (std::size_t g0 = 0; g0 < G; g0 += GC) {
      const std::size_t gc = G - g0 < GC ? G - g0 : GC;
      bool all = true;
      for (std::size_t j = 0; j < gc; ++j) {
        const std::size_t g = g0 + j;
        const std::int8_t* from = w + g * C;
        conv_pointwise::channel_regs& r = ch[j];
        for (std::size_t k = 0; k < 2 * P::quads; k += 2, from += 4) {  // (w0, w2), (w1, w3) doubled
          std::uint32_t v;
          __builtin_memcpy(&v, from, 4);
          const auto ev = static_cast<std::int32_t>(__sxtb16(v)), od = conv_rows::sxtb16_ror8(v);
          r.w[k] = static_cast<std::int32_t>(__sadd16(ev, ev));
          r.w[k + 1] = static_cast<std::int32_t>(__sadd16(od, od));
        }
        for (std::size_t k = 2 * P::quads; k < 4; ++k)
          r.w[k] = k < P::count ? conv_pointwise::half_pair(2 * from[P::first(k) - 4 * P::quads],
                                                            P::second(k) < C ? 2 * from[P::second(k) - 4 * P::quads] : 0)
                                : 0;
        const std::int32_t bias = q.bias[g], m = q.multiplier[g], shift = q.shift[g], e = -shift;
        r.bias2 = 2 * bias, r.m = m, r.e = e;
        r.c = static_cast<std::int32_t>(c_base << ((e - 1) & 31));
        doubled[j] = AllDoubled || (lo <= hi && doubled_rescale_applies(bias, m, shift, q.zero_point, sum_max));
        all = all && doubled[j];
      }
      for (std::size_t i0 = 0; i0 < n; i0 += span) {
        const std::size_t count = n - i0 < span ? n - i0 : span;
        pack(i0, count);
        pr.col = col, pr.col_end = col + count * BW, pr.odd = static_cast<std::int32_t>(count & 1u);
        auto run = [&](std::size_t j0, std::size_t j1) {  // channels g0 + [j0, j1)
          pr.y = y + (g0 + j0) * y_stride + i0, pr.ch = ch + j0, pr.ch_end = ch + j1;
          conv_pointwise::with_form(form, [&](auto k) { conv_pointwise::pooled_pass_regs<P::count, k()>(&pr); });
        };
        if (AllDoubled || all) {
          run(0, gc);
        } else {
          for (std::size_t j = 0; j < gc;) {
            if (!doubled[j]) {
              general(g0 + j, i0, count);
              ++j;
              continue;
            }
            std::size_t j1 = j + 1;
            while (j1 < gc && doubled[j1]) ++j1;
            run(j, j1);
            j = j1;
          }
        }
      }
    }
  } else {
    conv_pointwise::frame<P::count> f;
    for (std::size_t i0 = 0; i0 < n; i0 += span) {
      const std::size_t count = n - i0 < span ? n - i0 : span;
      pack(i0, count);
      f.col_end = col + count * BW;
      for (std::size_t g = 0; g < G; ++g) {
        const std::int8_t* wg = w + g * C;
        const std::int32_t bias = q.bias[g], m = q.multiplier[g], shift = q.shift[g];
        std::int8_t* yg = y + g * y_stride + i0;
        if (AllDoubled || (lo <= hi && doubled_rescale_applies(bias, m, shift, q.zero_point, sum_max))) {
          conv_pointwise::fill_frame<C, true>(f, wg, bias, m, shift, q.zero_point, lo, hi, form.whole);
          conv_pointwise::with_form(form, [&](auto k) { conv_pointwise::channel_pass<P::count, true, k(), diff>(col, f.w, yg); });
        } else if constexpr (!AllDoubled) {
          general(g, i0, count);
        }
      }
    }
  }
}
#else
template <std::size_t C, std::size_t H, std::size_t W, std::size_t G, conv_pointwise::known Known = conv_pointwise::known{}>
void conv2d_s8_pointwise_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                             std::size_t oy0, std::size_t rows, const std::int32_t* frames = nullptr);  // Armv7E-M DSP only
template <std::size_t C, std::size_t H, std::size_t W, std::size_t G, bool AllDoubled = false>
void conv2d_s8_pointwise_pool_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                                  std::size_t y_stride, std::size_t oy0, std::size_t rows = 1);  // Armv7E-M DSP only
#endif

}  // namespace staticnn::kernels::arm
