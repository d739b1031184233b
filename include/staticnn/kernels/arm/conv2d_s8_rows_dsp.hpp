#pragma once
// Armv7E-M DSP kernel (Cortex-M4, M7, M33) for int8 convolution of any C, K and stride, no
// padding: output rows [oy0, oy0 + rows) of G output channels, TFLite int8 arithmetic and the
// fused activation clamp, bit for bit as kernels/conv2d_s8.hpp's portable path.
//
// Weight-stationary over blocks of 4 output pixels. One output channel's F = C K K weights are
// read straight from their OIHW bytes, a word of 4 consecutive weights w_f .. w_f+3 at a time, and
// unpacked by SXTB16 into the int16 pairs (w_f, w_f+2) and (w_f+1, w_f+3). The block's 4 windows
// are copied once (im2col, int16, on the stack) so that the same pairs of inputs are neighbours:
//   col[q][p] = { (x_p[4q], x_p[4q+2]), (x_p[4q+1], x_p[4q+3]) }   (x_p: pixel p's window, OIHW order)
// Per 4 weights of a channel: 1 LDR, 2 SXTB16, 2 LDM (two pixels' pairs each), 8 SMLAD = 16 MACs;
// the copy serves all G channels. When 4 does not divide F, the last word is the weights
// F-4 .. F-1 (in bounds) and the inputs of the weights the word before already counted are 0.
// Where every channel's rescale takes the doubled form (fixed_point.hpp's doubled_rescale_applies)
// the rescale and clamp run in the same asm as the multiply: SMMULR(2 acc, m) is TFLite's rounding
// doubling high multiply. Small windows copy several blocks at once (a super-block of at most
// col_budget bytes) and set up each channel once per super-block (channel_blocks); a large window
// copies one block and its asm walks the channels (block_channels).
#include <bit>
#include <cstddef>
#include <cstdint>

#include "../fixed_point.hpp"
#include "../target.hpp"
#ifdef STATICNN_ARM_DSP
#include <arm_acle.h>
#endif

namespace staticnn::kernels::arm {

namespace conv_rows {
inline constexpr std::size_t pixels = 4;           // output pixels per block (accumulators per channel)
inline constexpr std::size_t col_budget = 2048;    // bytes of a super-block's im2col (one block at least)
inline constexpr std::size_t max_fan_in = 1020;    // C K K: one block's im2col is 8 (C K K + 3) bytes
}  // namespace conv_rows

// The shapes conv2d_s8_rows_dsp takes: at least one word of weights per channel (4 <= C K K) and
// one block's im2col within a stack budget (C K K <= 1020, a 5x5 conv over 40 channels or a 3x3 over
// 113: 8.2 KB, the most block_channels' two SUBs step back over; so
// 2 C K K * 127 * 128 < 2^30).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_rows_dsp_fits = target::arm_dsp && K >= 1 && S >= 1 && K <= H && K <= W &&
                                                C * K * K >= 4 && C * K * K <= conv_rows::max_fan_in;

namespace conv_rows {
template <std::size_t C, std::size_t K>
struct layout {
  static constexpr std::size_t fan_in = C * K * K;              // F
  static constexpr std::size_t quads = (fan_in + 3) / 4;        // weight words per channel
  static constexpr std::size_t pad = 4 * quads - fan_in;        // weights the last word repeats
  static constexpr std::size_t quad_words = 2 * pixels;         // im2col words per weight word
  // A last word with a single weight (pad 3) multiplies as one: its 4 pixels' inputs in 2 words.
  static constexpr bool single = pad == 3;
  static constexpr std::size_t col_words = (quads - 1) * quad_words + (single ? 2 : quad_words);  // one block's
  static constexpr std::size_t blocks = col_budget / (4 * col_words) > 0 ? col_budget / (4 * col_words) : 1;
  static constexpr std::size_t unroll = quads > 16 ? 8 : 4;     // weight words per loop iteration
  static constexpr std::size_t main_quads = quads - 1;          // all but the last word
};
}  // namespace conv_rows

#ifdef STATICNN_ARM_DSP
namespace conv_rows {
// The multiply of one channel against one block, as asm text shared by channel_block and
// channel_blocks: a0..a3 += the F products of the weights at w (advanced by 4 (quads - 1)) with
// the block's im2col at col (advanced past the block); n counts the loop; local label 2.
#define STATICNN_ROWS_QUAD(LOAD)                                                                    \
  LOAD                                                                                              \
  "sxtb16 %[wo], %[we], ror #8\n"                                                                   \
  "sxtb16 %[we], %[we]\n"                                                                           \
  "ldm %[col]!, {%[i0], %[i1], %[i2], %[i3]}\n"                                                     \
  "smlad %[a0], %[i0], %[we], %[a0]\n"                                                              \
  "smlad %[a0], %[i1], %[wo], %[a0]\n"                                                              \
  "smlad %[a1], %[i2], %[we], %[a1]\n"                                                              \
  "smlad %[a1], %[i3], %[wo], %[a1]\n"                                                              \
  "ldm %[col]!, {%[i0], %[i1], %[i2], %[i3]}\n"                                                     \
  "smlad %[a2], %[i0], %[we], %[a2]\n"                                                              \
  "smlad %[a2], %[i1], %[wo], %[a2]\n"                                                              \
  "smlad %[a3], %[i2], %[we], %[a3]\n"                                                              \
  "smlad %[a3], %[i3], %[wo], %[a3]\n"
#define STATICNN_ROWS_MACS                                                                          \
  ".rept %c[rest]\n" STATICNN_ROWS_QUAD("ldr %[we], [%[w]], #4\n") ".endr\n"                        \
  ".if %c[iters]\n"                                                                                 \
  "movw %[n], #%c[iters]\n"                                                                         \
  "2:\n"                                                                                            \
  ".rept %c[unroll]\n" STATICNN_ROWS_QUAD("ldr %[we], [%[w]], #4\n") ".endr\n"                      \
  "subs %[n], %[n], #1\n"                                                                           \
  "bne 2b\n"                                                                                        \
  ".endif\n"                                                                                        \
  ".if %c[single]\n"                                                                                \
  "ldrsb %[we], [%[w]]\n"                                                                           \
  "ldm %[col]!, {%[i0], %[i1]}\n"                                                                   \
  "smlabb %[a0], %[i0], %[we], %[a0]\n"                                                             \
  "smlatb %[a1], %[i0], %[we], %[a1]\n"                                                             \
  "smlabb %[a2], %[i1], %[we], %[a2]\n"                                                             \
  "smlatb %[a3], %[i1], %[we], %[a3]\n"                                                             \
  ".else\n" STATICNN_ROWS_QUAD("ldr %[we], [%[w], #%c[last]]\n") ".endif\n"
#define STATICNN_ROWS_MAC_OPERANDS                                                                  \
  [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [w] "+r"(wp), [col] "+r"(cp), [i0] "=&r"(i0),    \
      [i1] "=&r"(i1), [i2] "=&r"(i2), [i3] "=&r"(i3), [we] "=&r"(we), [wo] "=&r"(wo), [n] "=&r"(n)
#define STATICNN_ROWS_MAC_CONSTANTS                                                                 \
  [rest] "i"(L::main_quads % L::unroll), [iters] "i"(L::main_quads / L::unroll), [unroll] "i"(L::unroll), \
      [last] "i"(-static_cast<int>(L::pad)), [single] "i"(L::single)
// One block against one channel from a0 = its initial accumulator: the multiply, then d's first
// six words in r0-r5 (one LDM) and n = d again, for the rescale.
#define STATICNN_ROWS_BLOCK                                                                         \
  "mov %[a1], %[a0]\n"                                                                              \
  "mov %[a2], %[a0]\n"                                                                              \
  "mov %[a3], %[a0]\n" STATICNN_ROWS_MACS                                                           \
  "ldr %[n], %[d]\n"                                                                                \
  "ldm %[n], {%[i0], %[i1], %[i2], %[i3], %[we], %[wo]}\n"
// The registers of the multiply (LDM needs its list ascending, so they are fixed).
#define STATICNN_ROWS_REGISTERS                                                                     \
  register std::int32_t i0 asm("r0"), i1 asm("r1"), i2 asm("r2"), i3 asm("r3");                      \
  register std::int32_t we asm("r4"), wo asm("r5"), n asm("r6");                                     \
  register std::int32_t a0 asm("r7"), a1 asm("r8"), a2 asm("r10"), a3 asm("r11");                   \
  register const std::int8_t* wp asm("r9") = w;                                                     \
  register const std::int32_t* cp asm("r12") = col;

// acc[p] = init + the F products of one channel's weights w with one block's im2col col (4-byte
// aligned), p < 4: the asm's multiply (STATICNN_ROWS_MACS) in C, for the general rescale's rare
// channels; sizes at run time (main_quads = L::main_quads, pad = L::pad), one copy for every shape.
[[gnu::noipa]] inline void block_sums(const std::int32_t* col, const std::int8_t* w, std::size_t main_quads,
                                         std::size_t pad, std::int32_t init, std::int32_t (&acc)[pixels]) {
  for (auto& a : acc) a = init;
  auto quad = [&](const std::int8_t* from) {  // 4 weights against the block's next 8 words
    std::uint32_t v;
    __builtin_memcpy(&v, from, 4);
    const auto we = static_cast<std::int32_t>(__sxtb16(v)), wo = static_cast<std::int32_t>(__sxtb16(std::rotr(v, 8)));
    for (std::size_t p = 0; p < pixels; ++p)
      acc[p] = __smlad(col[2 * p + 1], wo, __smlad(col[2 * p], we, acc[p]));
    col += 2 * pixels;
  };
  for (std::size_t q = 0; q < main_quads; ++q) quad(w + 4 * q);
  if (pad == 3) {  // a single weight: its 4 pixels' inputs as the halves of 2 words
    const std::int32_t v = w[4 * main_quads];
    acc[0] = __smlabb(col[0], v, acc[0]), acc[1] = __smlatb(col[0], v, acc[1]);
    acc[2] = __smlabb(col[1], v, acc[2]), acc[3] = __smlatb(col[1], v, acc[3]);
  } else {
    quad(w + 4 * main_quads - pad);
  }
}

// What channel_blocks reads (and updates: y) per block, at the offsets it names.
struct doubled_out {
  std::int32_t m, c, e;          // the doubled rescale, lo taken off (STATICNN_ROWS_RESCALE)
  std::int32_t width4, lo4;      // the clamp: bytes4(hi - lo), bytes4(lo)
  std::int8_t* y;                // the next 4 outputs
  const std::int32_t* col_end;   // the im2col past the last block
  std::int32_t init;             // the bias
};

// TFLite's rescale of an accumulator A = 2 acc in the doubled form (requantize_doubled in
// conv2d_s8_stage_dsp.hpp) with the clamp's lower bound lo taken off, as conv2d_s8_few_dsp.hpp's:
// u = (SMMULR(A, m) + c - [A < 0]) >> e saturated to [0, 255], in place, with
// c = 2^(e-1) + ((zero_point - lo) << e); m, c, e, scratch T. STATICNN_ROWS_TWICE makes A = 2 acc
// where the im2col is not doubled.
#define STATICNN_ROWS_TWICE(A) "add %[" A "], %[" A "], %[" A "]\n"
#define STATICNN_ROWS_RESCALE(A, M, Cc, E, T)                                                       \
  "smmlar " T ", %[" A "], " M ", " Cc "\n"                                                         \
  "add %[" A "], " T ", %[" A "], asr #31\n"                                                        \
  "asr %[" A "], %[" A "], " E "\n"                                                                 \
  "usat %[" A "], #8, %[" A "]\n"
// STATICNN_ROWS_RESCALE of a0..a3, each after PRE(A) (a macro: STATICNN_ROWS_TWICE or one that
// doubles conditionally).
#define STATICNN_ROWS_RESCALE4(PRE, M, Cc, E, T)                                                    \
  PRE("a0") STATICNN_ROWS_RESCALE("a0", M, Cc, E, T) PRE("a1") STATICNN_ROWS_RESCALE("a1", M, Cc, E, T) \
  PRE("a2") STATICNN_ROWS_RESCALE("a2", M, Cc, E, T) PRE("a3") STATICNN_ROWS_RESCALE("a3", M, Cc, E, T)
// The four u = result - lo of STATICNN_ROWS_RESCALE (bytes) packed into a0, clamped bytewise to
// lo + min(u, hi - lo) (WIDTH4, LO4: the bytes4 of hi - lo and lo; for int8 bounds that is the
// saturate then the clamp), one word stored at [Y] (then Y += STEP: "" or ", #4").
#define STATICNN_ROWS_CLAMP_STORE(WIDTH4, LO4, T, Y, STEP)                                          \
  "orr %[a0], %[a0], %[a1], lsl #8\n"                                                               \
  "orr %[a0], %[a0], %[a2], lsl #16\n"                                                              \
  "orr %[a0], %[a0], %[a3], lsl #24\n"                                                              \
  "uqsub8 " T ", %[a0], " WIDTH4 "\n"                                                               \
  "usub8 %[a0], %[a0], " T "\n"                                                                     \
  "uadd8 %[a0], %[a0], " LO4 "\n"                                                                   \
  "str %[a0], [" Y "]" STEP "\n"

// An int8 value in all four bytes (the bounds of STATICNN_ROWS_CLAMP_STORE).
constexpr std::int32_t bytes4(std::int32_t v) { return static_cast<std::int32_t>((static_cast<std::uint32_t>(v) & 0xffu) * 0x01010101u); }

// For the blocks of the im2col from col to d->col_end (doubled if Twice): one channel's 4
// accumulators from its bias (d->init, doubled if Twice), its F products (weights w), the doubled
// rescale with lo taken off, the clamp, stored at d->y (4 bytes, then d->y += 4). All in one asm:
// after the multiply r0-r5 take {m, c, e, width4, lo4, y} in one LDM and lr is the scratch of the rescale; d (on the
// stack) is reloaded through the n register.
template <std::size_t C, std::size_t K, bool Twice>
[[gnu::always_inline]] inline void channel_blocks(const std::int32_t* col, const std::int8_t* w, doubled_out* d) {
  using L = layout<C, K>;
  STATICNN_ROWS_REGISTERS
  asm volatile("ldr %[n], %[d]\n"  // n holds d at the top of every block
               "1:\n"
               "ldr %[a0], [%[n], #%c[init]]\n" STATICNN_ROWS_BLOCK  // m, c, e, width4, lo4, y
#define STATICNN_ROWS_TWICE_UNLESS_DOUBLED(A) ".if %c[twice] == 0\n" STATICNN_ROWS_TWICE(A) ".endif\n"
               STATICNN_ROWS_RESCALE4(STATICNN_ROWS_TWICE_UNLESS_DOUBLED, "%[i0]", "%[i1]", "%[i2]", "lr")
               STATICNN_ROWS_CLAMP_STORE("%[i3]", "%[we]", "lr", "%[wo]", ", #4")
#undef STATICNN_ROWS_TWICE_UNLESS_DOUBLED
               "str %[wo], [%[n], #%c[yoff]]\n"
               ".if %c[wback]\n"
               "sub %[w], %[w], #%c[wback]\n"
               ".endif\n"
               "ldr %[i0], [%[n], #%c[cend]]\n"
               "cmp %[col], %[i0]\n"
               "bne 1b\n"
               : STATICNN_ROWS_MAC_OPERANDS
               : STATICNN_ROWS_MAC_CONSTANTS, [d] "m"(d), [init] "i"(offsetof(doubled_out, init)),
                 [yoff] "i"(offsetof(doubled_out, y)), [cend] "i"(offsetof(doubled_out, col_end)), [twice] "i"(Twice),
                 [wback] "i"(4 * L::main_quads)
               : "lr", "cc", "memory");
  static_assert(offsetof(doubled_out, m) == 0 && offsetof(doubled_out, c) == 4 && offsetof(doubled_out, e) == 8 &&
                    offsetof(doubled_out, width4) == 12 && offsetof(doubled_out, lo4) == 16 &&
                    offsetof(doubled_out, y) == 20,
                "channel_blocks: the LDM takes the first six words in this order");
}

// The largest immediate of a SUBW (12 bits); 4,096 itself is a modified immediate of SUB.
inline constexpr std::size_t sub_immediate_max = 4095;
static_assert(8 * (max_fan_in + 3) <= 2 * sub_immediate_max + 1,
              "block_channels: one block's im2col (at most 8 (C K K + 3) bytes) steps back in at most two SUBs");

// What block_channels reads (and updates) per channel, at the offsets it names.
struct block_state {
  const std::int32_t* bias;        // the next channel's bias, multiplier and shift
  const std::int32_t* multiplier;
  const std::int8_t* shift;        // each in [-22, -1] (doubled form)
  std::int32_t zero_point_2p1;     // 2 (zero_point - lo) + 1 (of the output): c = it << (e - 1)
  std::int32_t width4, lo4;        // the clamp: bytes4(hi - lo), bytes4(lo)
  std::int8_t* y;                  // the next channel's 4 outputs
  std::int32_t y_step;             // from one channel's outputs to the next's
  const std::int8_t* w_end;        // the weights past the last channel's
};

// One block of the im2col at col against the channels whose weights are at w .. d->w_end (F bytes
// each): per channel its bias, the multiply, the doubled rescale with m, e = -shift and
// c = 2^(e-1) + ((zero_point - lo) << e) = (2 (zero_point - lo) + 1) << (e - 1) computed here, the clamp and 4
// bytes stored at d->y, then d->y += y_step.
template <std::size_t C, std::size_t K>
[[gnu::always_inline]] inline void block_channels(const std::int32_t* col, const std::int8_t* w, block_state* d) {
  using L = layout<C, K>;
  STATICNN_ROWS_REGISTERS
  asm volatile("ldr %[n], %[d]\n"  // n holds d at the top of every channel
               "1:\n"
               "ldr %[i0], [%[n], #%c[bias]]\n"
               "ldr %[a0], [%[i0]], #4\n"
               "str %[i0], [%[n], #%c[bias]]\n" STATICNN_ROWS_BLOCK  // bias, m, shift pointers; 2 (zp - lo) + 1, width4, lo4
               "ldr lr, [%[i1]], #4\n"                                   // lr = m
               "str %[i1], [%[n], #%c[bias]+4]\n"
               "ldrsb %[i0], [%[i2]], #1\n"
               "str %[i2], [%[n], #%c[bias]+8]\n"
               "rsb %[i0], %[i0], #0\n"                                  // i0 = e
               "sub %[i2], %[i0], #1\n"
               "lsl %[i1], %[i3], %[i2]\n"                               // i1 = c
               "ldr %[i3], [%[n], #%c[y]]\n"
               STATICNN_ROWS_RESCALE4(STATICNN_ROWS_TWICE, "lr", "%[i1]", "%[i0]", "%[i2]")
               STATICNN_ROWS_CLAMP_STORE("%[we]", "%[wo]", "%[i2]", "%[i3]", "")
               "ldr %[i2], [%[n], #%c[y]+4]\n"
               "add %[i3], %[i3], %[i2]\n"
               "str %[i3], [%[n], #%c[y]]\n"
               "add %[w], %[w], #%c[wnext]\n"
               ".if %c[colback] > %c[sub_max]\n"  // one block's im2col past SUBW's 12 bits: in two steps
               "sub %[col], %[col], #%c[sub_max] + 1\n"
               "sub %[col], %[col], #%c[colback] - %c[sub_max] - 1\n"
               ".else\n"
               "sub %[col], %[col], #%c[colback]\n"
               ".endif\n"
               "ldr %[i0], [%[n], #%c[y]+8]\n"
               "cmp %[w], %[i0]\n"
               "bne 1b\n"
               : STATICNN_ROWS_MAC_OPERANDS
               : STATICNN_ROWS_MAC_CONSTANTS, [d] "m"(d), [bias] "i"(offsetof(block_state, bias)),
                 [y] "i"(offsetof(block_state, y)), [wnext] "i"(4 - L::pad),
                 [colback] "i"(4 * L::col_words), [sub_max] "i"(sub_immediate_max)
               : "lr", "cc", "memory");
  static_assert(offsetof(block_state, bias) == 0 && offsetof(block_state, multiplier) == 4 &&
                    offsetof(block_state, shift) == 8 && offsetof(block_state, zero_point_2p1) == 12 &&
                    offsetof(block_state, width4) == 16 && offsetof(block_state, lo4) == 20 &&
                    offsetof(block_state, y_step) == offsetof(block_state, y) + 4 &&
                    offsetof(block_state, w_end) == offsetof(block_state, y) + 8,
                "block_channels: the LDM takes the first six words in this order; the asm finds the "
                "multiplier, shift, y_step and w_end 4 and 8 bytes past bias and y");
}
#undef STATICNN_ROWS_CLAMP_STORE
#undef STATICNN_ROWS_RESCALE4
#undef STATICNN_ROWS_RESCALE
#undef STATICNN_ROWS_TWICE
#undef STATICNN_ROWS_REGISTERS
#undef STATICNN_ROWS_BLOCK
#undef STATICNN_ROWS_MAC_CONSTANTS
#undef STATICNN_ROWS_MAC_OPERANDS
#undef STATICNN_ROWS_MACS
#undef STATICNN_ROWS_QUAD

// (x1, x3) of the bytes x0..x3 of v, sign-extended: SXTB16 with its rotation.
[[gnu::always_inline]] inline std::int32_t sxtb16_ror8(std::uint32_t v) {
  std::int32_t r;
  asm("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
  return r;
}

// A pixel's window gathered into win: F bytes in OIHW order, then slack for whole-word copies.
template <std::size_t C, std::size_t K>
struct window_bytes {
  static constexpr std::size_t row_words = (K + 3) / 4;  // words per copied row of K bytes
  alignas(4) std::uint8_t bytes[C * K * K + 4 * row_words];
};

// The window with corner at xb (C x H x W int8 input, all inside) into win: its C K rows of K bytes
// each copied as whole words (the bytes past a row are overwritten by the next row), the last one
// exactly, so nothing past the window is read.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K>
[[gnu::always_inline]] inline void gather_window(const std::int8_t* xb, window_bytes<C, K>& win) {
  constexpr std::size_t row_words = window_bytes<C, K>::row_words;
  std::uint8_t* dst = win.bytes;
  const std::int8_t* src = xb;
  for (std::size_t c = 0; c < C; ++c, src += (H - K) * W)
#pragma GCC unroll 7
    for (std::size_t ky = 0; ky < K; ++ky, src += W, dst += K)
      if (c + 1 < C || ky + 1 < K) {
#pragma GCC unroll 2
        for (std::size_t k = 0; k < row_words; ++k) __builtin_memcpy(dst + 4 * k, src + 4 * k, 4);
      } else {
        for (std::size_t k = 0; k < K; ++k) dst[k] = static_cast<std::uint8_t>(src[k]);
      }
}

// The window with corner (iy0, ix0) (may be negative) of the C x H x W input x that crosses its
// border into win, every tap outside the input holding pad: the whole window first holds pad, then
// each row inside is copied as whole words from its first tap inside, the bytes past its last tap
// inside masked to pad (so a copy also restores the next row's left padding it overwrites). The
// input's last row is copied byte by byte, so nothing past the input is read.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K>
[[gnu::noinline]] inline void gather_window_border(const std::int8_t* x, std::ptrdiff_t iy0, std::ptrdiff_t ix0,
                                                   std::int8_t pad, window_bytes<C, K>& win) {
  constexpr std::size_t row_words = window_bytes<C, K>::row_words;
  constexpr auto k = static_cast<std::ptrdiff_t>(K), w = static_cast<std::ptrdiff_t>(W), h = static_cast<std::ptrdiff_t>(H);
  const std::ptrdiff_t lo = ix0 < 0 ? -ix0 : 0, hi = ix0 + k > w ? w - ix0 : k;     // taps [lo, hi) of a row are inside
  const std::ptrdiff_t ky0 = iy0 < 0 ? -iy0 : 0, ky1 = iy0 + k > h ? h - iy0 : k;  // and rows [ky0, ky1)
  const std::uint32_t pad4 = std::uint32_t{static_cast<std::uint8_t>(pad)} * 0x01010101u;
  for (std::size_t i = 0; i + 4 <= sizeof(win.bytes); i += 4) __builtin_memcpy(win.bytes + i, &pad4, 4);
  if (lo >= hi || ky0 >= ky1) return;
  std::uint32_t keep[row_words], fill[row_words];  // per word of a copied row: the bytes inside, the padding
  for (std::size_t t = 0; t < row_words; ++t) {
    const std::ptrdiff_t n = hi - lo - 4 * static_cast<std::ptrdiff_t>(t);
    keep[t] = n >= 4 ? ~0u : n <= 0 ? 0u : (1u << (8 * n)) - 1u;
    fill[t] = pad4 & ~keep[t];
  }
  const std::ptrdiff_t rows = ky1 - ky0;
  const std::int8_t* src = x + (iy0 + ky0) * w + ix0 + lo;
  std::uint8_t* dst = win.bytes + ky0 * k + lo;
  for (std::size_t c = 0; c < C; ++c, src += (h - rows) * w, dst += (k - rows) * k)
    for (std::ptrdiff_t r = 0; r < rows; ++r, src += w, dst += k) {
      if (c + 1 == C && r + 1 == rows && iy0 + ky1 == h) {  // the input's last row
        for (std::ptrdiff_t t = 0; t < hi - lo; ++t) dst[t] = static_cast<std::uint8_t>(src[t]);
        continue;
      }
#pragma GCC unroll 2
      for (std::size_t t = 0; t < row_words; ++t) {
        std::uint32_t v;
        __builtin_memcpy(&v, src + 4 * t, 4);
        v = (v & keep[t]) | fill[t];
        __builtin_memcpy(dst + 4 * t, &v, 4);
      }
    }
}

// Pixel p's window win into its block's im2col col: each word of 4 entries unpacked by SXTB16 into
// the pairs (x[4q], x[4q+2]), (x[4q+1], x[4q+3]), doubled if Twice.
template <std::size_t C, std::size_t K, bool Twice>
[[gnu::always_inline]] inline void unpack_window(const window_bytes<C, K>& window, std::int32_t* col, std::size_t p) {
  using L = layout<C, K>;
  const std::uint8_t* const win = window.bytes;
  std::int32_t* d = col + 2 * p;
  const std::uint8_t* v8 = win;
#pragma GCC unroll 4
  for (std::size_t q = 0; q < L::main_quads; ++q) {  // one word of entries: LDR, two SXTB16, STRD
    std::uint32_t v, e, o;
    asm volatile("ldr %[v], [%[s]], #4\n"
                 "sxtb16 %[e], %[v]\n"
                 "sxtb16 %[o], %[v], ror #8\n"
                 ".if %c[twice]\n"
                 "sadd16 %[e], %[e], %[e]\n"
                 "sadd16 %[o], %[o], %[o]\n"
                 ".endif\n"
                 "strd %[e], %[o], [%[d]], #%c[step]\n"
                 : [s] "+r"(v8), [d] "+r"(d), [v] "=&r"(v), [e] "=&r"(e), [o] "=&r"(o)
                 : [step] "i"(4 * L::quad_words), [twice] "i"(Twice)
                 : "memory");
  }
  if constexpr (L::single) {  // entry F-1 alone, as pixel p's int16 of the block's last 2 words
    const auto v = static_cast<std::int16_t>(static_cast<std::int8_t>(win[L::fan_in - 1]) * (Twice ? 2 : 1));
    __builtin_memcpy(reinterpret_cast<std::uint8_t*>(col + L::main_quads * L::quad_words) + 2 * p, &v, 2);
  } else {  // the last word holds entries F-4 .. F-1; the first pad of them were counted before
    std::uint32_t v;
    __builtin_memcpy(&v, win + L::fan_in - 4, 4);
    v &= ~0u << (8 * L::pad);
    const auto e = static_cast<std::int32_t>(__sxtb16(v)), o = sxtb16_ror8(v);
    d[0] = Twice ? static_cast<std::int32_t>(__sadd16(e, e)) : e;
    d[1] = Twice ? static_cast<std::int32_t>(__sadd16(o, o)) : o;
  }
}

// Pixel p of its block, output (oy, ox), into the block's im2col col: its window of the C x H x W
// input x, padded by Pad on every side (the padding holds pad).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t Pad, bool Twice>
[[gnu::always_inline]] inline void im2col_pixel(const std::int8_t* x, std::size_t oy, std::size_t ox, [[maybe_unused]] std::int8_t pad,
                                                std::int32_t* col, std::size_t p) {
  window_bytes<C, K> win;
  const auto iy0 = static_cast<std::ptrdiff_t>(oy * S) - static_cast<std::ptrdiff_t>(Pad);
  const auto ix0 = static_cast<std::ptrdiff_t>(ox * S) - static_cast<std::ptrdiff_t>(Pad);
  constexpr auto k = static_cast<std::ptrdiff_t>(K);
  if (Pad > 0 &&
      (iy0 < 0 || ix0 < 0 || iy0 + k > static_cast<std::ptrdiff_t>(H) || ix0 + k > static_cast<std::ptrdiff_t>(W)))
    gather_window_border<C, H, W, K>(x, iy0, ix0, pad, win);
  else
    gather_window<C, H, W, K>(x + iy0 * static_cast<std::ptrdiff_t>(W) + ix0, win);
  unpack_window<C, K, Twice>(win, col, p);  // one copy of the unpack for both
}

// One channel's outputs yo[0, count) from the im2col col (count pixels in blocks of L::col_words
// words) through the general rescale (fixed_point.hpp): the path of a channel whose rescale does
// not take the doubled form. Twice: col holds doubled inputs, so the sums are halved before the
// bias is added (wrapping as the portable kernel's int32 sum, |2 sum| < 2^30).
template <class L, bool Twice>
inline void general_channel(const std::int32_t* col, const std::int8_t* wo, const channel_rescale& q, std::size_t o,
                            std::size_t count, std::int8_t* yo) {
  const std::int32_t bias = q.bias[o], m = q.multiplier[o], shift = q.shift[o];
  const std::size_t blocks = (count + pixels - 1) / pixels;
  for (std::size_t b = 0; b < blocks; ++b) {
    std::int32_t acc[pixels];
    block_sums(col + b * L::col_words, wo, L::main_quads, L::pad, Twice ? 0 : bias, acc);
    const std::size_t valid = count - b * pixels < pixels ? count - b * pixels : pixels;
    for (std::size_t p = 0; p < valid; ++p) {
      const std::int32_t a = Twice ? static_cast<std::int32_t>(static_cast<std::uint32_t>(bias) +
                                                               static_cast<std::uint32_t>(acc[p] >> 1))
                                   : acc[p];
      yo[b * pixels + p] = q.clamp(requantize_out_of_line(a, m, shift, q.zero_point));
    }
  }
}

}  // namespace conv_rows

namespace conv_rows {
// conv2d_s8_rows_dsp's work with its im2col at col (blocks * col_words words, 8-byte aligned).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad,
          bool AllDoubled>
[[gnu::always_inline, gnu::optimize("no-tree-loop-distribute-patterns")]] inline void rows_dsp(
    const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y, std::size_t oy0, std::size_t rows,
    [[maybe_unused]] std::int8_t pad, std::int32_t* col) {
  using L = conv_rows::layout<C, K>;
  constexpr std::size_t OW = (W + 2 * Pad - K) / S + 1, P = conv_rows::pixels, span = L::blocks * P;
  constexpr auto sum_max = static_cast<std::uint32_t>(L::fan_in * 127u * 128u);
  const std::size_t n = rows * OW;  // output pixels, flat: pixel i is row i / OW, column i % OW
  // The clamp within int8 (the results are saturated first); an empty range takes the general path.
  const std::int32_t lo = q.act_min < -128 ? -128 : q.act_min, hi = q.act_max > 127 ? 127 : q.act_max;
  const std::int32_t lo4 = conv_rows::bytes4(lo), width4 = conv_rows::bytes4(hi - lo);
  bool all_doubled = AllDoubled || lo <= hi;
  if constexpr (!AllDoubled)
    for (std::size_t o = 0; o < G && all_doubled; ++o)
      all_doubled = doubled_rescale_applies(q.bias[o], q.multiplier[o], q.shift[o], q.zero_point, sum_max);
  // The im2col doubled (2 SADD16 per word per pixel) where that is cheaper than doubling each
  // channel's 4 accumulators: small windows, many channels (channel_blocks only).
  constexpr bool twice = L::blocks > 1 && 2 * L::quads < G;
  for (std::size_t i0 = 0; i0 < n; i0 += span) {
    const std::size_t count = n - i0 < span ? n - i0 : span, blocks = (count + P - 1) / P;
    for (std::size_t p = 0; p < blocks * P; ++p) {
      const std::size_t i = i0 + (p < count ? p : 0);  // past the end: pixel i0 again, not stored
      const std::size_t oy = oy0 + i / OW, ox = i % OW;
      conv_rows::im2col_pixel<C, H, W, K, S, Pad, twice>(x, oy, ox, pad, col + (p / P) * L::col_words, p % P);
    }
    // One copy of the multiply asm per shape (one call site): a partial last block is stored into
    // out, and its outputs up to count copied from there.
    const bool whole = count % P == 0;
    std::int8_t out[span];
    for (std::size_t o = 0, next = 1; o < G; o = next++) {
      const std::int8_t* wo = w + o * L::fan_in;
      std::int8_t* yo = y + o * n + i0;
      const std::int32_t bias = q.bias[o], m = q.multiplier[o], shift = q.shift[o];
      if (all_doubled || (lo <= hi && doubled_rescale_applies(bias, m, shift, q.zero_point, sum_max))) {
        if constexpr (L::blocks == 1) {  // block_channels: every channel at once where it can, else this one
          if (all_doubled && whole) next = G;
          conv_rows::block_state d{q.bias + o, q.multiplier + o, q.shift + o, 2 * (q.zero_point - lo) + 1, width4, lo4,
                                   whole ? yo : out, static_cast<std::int32_t>(n), w + next * L::fan_in};
          conv_rows::block_channels<C, K>(col, wo, &d);
        } else {
          const std::int32_t e = -shift;
          const std::int32_t c =
              (1 << (e - 1)) + static_cast<std::int32_t>(static_cast<std::uint32_t>(q.zero_point - lo) << e);
          conv_rows::doubled_out d{m, c, e, width4, lo4, whole ? yo : out, col + blocks * L::col_words,
                                   twice ? 2 * bias : bias};
          conv_rows::channel_blocks<C, K, twice>(col, wo, &d);
        }
        if (!whole)
          for (std::size_t p = 0; p < count; ++p) yo[p] = out[p];
      } else if constexpr (!AllDoubled) {
        conv_rows::general_channel<L, twice>(col, wo, q, o, count, yo);
      }
    }
  }
}

// The same in a frame of its own, for an im2col too large to share the caller's: the asm
// addresses its state on the stack with 12-bit offsets, which must stay below 4,096.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad,
          bool AllDoubled>
[[gnu::noinline, gnu::optimize("no-tree-loop-distribute-patterns")]] void rows_dsp_apart(
    const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y, std::size_t oy0, std::size_t rows,
    std::int8_t pad, std::int32_t* col) {
  rows_dsp<C, H, W, K, S, G, Pad, AllDoubled>(x, w, q, y, oy0, rows, pad, col);
}
inline constexpr std::size_t shared_frame_col_bytes = 3200;  // an im2col up to this shares the kernel's frame
}  // namespace conv_rows

// x: C x H x W int8, padded by Pad on every side with pad (the kernel reads no padded copy); w: G
// output channels' C x K x K weights (OIHW, contiguous, in [-127, 127]); q: the rescale starting at
// the first of the G channels; y: G x rows x OW int8. AllDoubled: the caller knows that the clamp
// range within int8 is not empty and every channel's rescale takes the doubled form
// (doubled_rescale_applies for fan-in C K K), so the kernel has no general path.
// (Its loops stay loops: no call to memcpy for a few bytes.)
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad = 0,
          bool AllDoubled = false>
[[gnu::optimize("no-tree-loop-distribute-patterns")]] void conv2d_s8_rows_dsp(
    const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y, std::size_t oy0, std::size_t rows,
    [[maybe_unused]] std::int8_t pad = 0) {
  static_assert(conv2d_s8_rows_dsp_fits<C, H + 2 * Pad, W + 2 * Pad, K, S> && Pad < K,
                "conv2d_s8_rows_dsp: shape not taken (see conv2d_s8_rows_dsp_fits)");
  using L = conv_rows::layout<C, K>;
  alignas(8) std::int32_t col[L::blocks * L::col_words];
  if constexpr (sizeof col > conv_rows::shared_frame_col_bytes)
    conv_rows::rows_dsp_apart<C, H, W, K, S, G, Pad, AllDoubled>(x, w, q, y, oy0, rows, pad, col);
  else
    conv_rows::rows_dsp<C, H, W, K, S, G, Pad, AllDoubled>(x, w, q, y, oy0, rows, pad, col);
}
#else
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad = 0,
          bool AllDoubled = false>
void conv2d_s8_rows_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y, std::size_t oy0,
                        std::size_t rows, std::int8_t pad = 0);  // Armv7E-M DSP only
#endif

}  // namespace staticnn::kernels::arm
