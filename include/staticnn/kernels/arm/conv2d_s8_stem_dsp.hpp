#pragma once
// Armv7E-M DSP kernel (Cortex-M4, M7, M33) for the int8 first convolution of 2 or 3 input
// channels (colour) with a 3x3 window, stride 1 or 2, padded by Pad rows above, PadB below, PadL
// columns left and PadR right (each 0 to 2, filled with pad): output rows [oy0, oy0 + rows) of G
// output channels, TFLite int8 arithmetic and the fused activation clamp, bit for bit as
// kernels/conv2d_s8.hpp's portable path (on the padded input).
//
// The window's 3C channel rows (c, ky), k = 3c + ky, are taken two at a time: rows a and b of
// pair p (layout::pair_a, pair_b) make the pair plane V_p[x] = (row_a[x], row_b[x]) (int16,
// padded columns), one word per column, so each word is the two taps of one window column and no
// SMLAD carries a zero for any stride: rows a, b of output x sum W_p[kx] . V_p[S x + kx], kx < 3.
// C = 3 leaves one row alone (layout::single_row): its horizontal pairs H[m] = (r[2m], r[2m + 1])
// and the words E0 = (w0, w1), E1 = (w2, 0) (stride 1 also O0 = (0, w0), O1 = (w1, w2) for odd
// outputs) take its 3 taps in 2 SMLADs. An output sums 3C/2 x 3 + 2 SMLADs (C = 3: 14 for 27 MACs; C = 2:
// 9 for 18). The planes of an output row are built once and serve every output channel; the
// weights are widened (and doubled, so that the sums are 2 acc) once per call, every channel's
// where they fit in keep_budget bytes, else groups of `group` channels (the planes then built
// once per group). Blocks of 4 outputs of one channel keep 4 accumulators; where a channel's rescale takes
// the doubled form (fixed_point.hpp's doubled_rescale_applies) it is
//   u = (SMMULR(2 acc, m) + c - [acc < 0]) >> e saturated to [0, 255], c = 2^(e-1) + ((zero_point - lo) << e),
// four u clamped bytewise to lo + min(u, hi - lo), as conv2d_s8_widened_dsp.hpp's, in one of the
// call's forms (rescale_form): lo >= zero_point leaves out the -[acc < 0] term (ReLU, ReLU6: such
// sums clamp to lo whatever their rounding); a clamp of all of int8 takes c without lo and
// saturates to int8 (SSAT), no bytewise clamp. Other channels (and an empty clamp) take
// fixed_point.hpp's requantize on sums from x. Stride 2 builds the planes block-major in place
// (block_plane), the row before's pair 1 copied as this row's pair 0.
//
// conv2d_s8_stem_max_pool_dsp: the same followed by a 2x2 max pool (a square padding), a block's
// 4 outputs on both conv rows of a pooled row, the maximum of a pooled output's four sums taken
// before its one rescale.
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

namespace conv_stem {
inline constexpr std::size_t block = 4;            // outputs of one channel per block
inline constexpr std::size_t group = 16;           // output channels whose weights are widened at once
inline constexpr std::size_t plane_budget = 3072;  // bytes of one output row's planes (on the stack)
// Bytes of widened weights kept for a whole call: every channel's where they fit (G up to 32 for
// C = 3), so that each row's planes are built once for all channels; else groups of `group`.
inline constexpr std::size_t keep_budget = 4096;

// PW: the padded input's width; C input channels; S the stride.
template <std::size_t C, std::size_t PW, std::size_t S>
struct layout {
  static constexpr std::size_t OW = (PW - 3) / S + 1;
  static constexpr std::size_t blocks = (OW + block - 1) / block;  // the last one may reach past OW
  static constexpr std::size_t pairs = 3 * C / 2;
  // The channel rows k = 3c + ky of pair p: pair_rows[p], pair_rows[p] + 1 in order (stride 1);
  // stride 2 pairs rows across channels so that pair 1 (ky 2 of channels 0, 1: input row 2 oy + 2)
  // is the next output row's pair 0 (their ky 0) and is copied, not built: (0, 3), (2, 5), (1, 4),
  // then (C = 3) (6, 8) and the single 7.
  static constexpr std::size_t pair_a(std::size_t p) { return S == 1 ? 2 * p : (p < 3 ? (p == 2 ? 1 : 2 * p) : 6); }
  static constexpr std::size_t pair_b(std::size_t p) { return S == 1 ? 2 * p + 1 : (p < 3 ? pair_a(p) + 3 : 8); }
  static constexpr std::size_t single_row = S == 1 ? 8 : 7;
  static constexpr bool single = 3 * C % 2 == 1;
  // Words a plane holds: the last block reads V[S x + kx] up to x = 4 blocks - 1, kx = 2; even.
  static constexpr std::size_t plane_words = (S * (block * blocks - 1) + 3 + 1) / 2 * 2;
  // The single row's words: the last block reads H up to (stride 1) x / 2 + 2 or (stride 2) x + 4
  // for its first output x.
  static constexpr std::size_t single_words =
      single ? (S == 1 ? block * (blocks - 1) / 2 + 3 : block * (blocks - 1) + 5) : 0;
  static constexpr std::size_t single_weights = single ? (S == 1 ? 4 : 2) : 0;
  static constexpr std::size_t weight_words = 3 * pairs + single_weights;  // per channel
  // Stride 1: the planes one after the other, then the single row's word m at index 2m of a plane
  // of its own (so that it advances with the planes). Stride 2: block-major, per block of 4 outputs
  // the 9 words of each plane it reads (one shared with the next block) and the 5 of the single
  // row (H[4b .. 4b + 4]), built in place (block_plane); the last plane_words (a plane-major row
  // the builder once used) are left unused so that the shapes taken stay those measured.
  static constexpr std::size_t block_words = 9 * pairs + (single ? 5 : 0);
  static constexpr std::size_t buffer_words =
      S == 1 ? (pairs + (single ? 1 : 0)) * plane_words : blocks * block_words + plane_words;
  // The words from one block's first to the next one's.
  static constexpr std::size_t block_step = S == 1 ? block : block_words;
  // A channel's block in the weights buffer: the first pair's 3 widened weights, 2 bias four
  // times (the block's first LDM takes both), the other widened weights, block_params (10 words); even.
  static constexpr std::size_t channel_words = (4 + weight_words + 10 + 1) / 2 * 2;
  // The pooled kernel's two conv rows A, B: stride 1, B's planes pool_words after A's; stride 2,
  // B's words of a block right after A's (block_words), blocks 2 block_words apart, then the
  // unused plane-major row.
  static constexpr std::size_t pool_words = S == 1 ? buffer_words : block_words;
  static constexpr std::size_t pooled_buffer_words = S == 1 ? 2 * buffer_words : 2 * blocks * block_words + plane_words;
  static constexpr std::size_t pooled_block_step = S == 1 ? block : 2 * block_words;
};

// row_blocks' rescale forms for a call (bits): form_floor, the clamp's lo >= zero_point (ReLU,
// ReLU6: no -[acc < 0] term); form_full, the clamp is all of int8 (no clamp but the saturation).
inline constexpr int form_floor = 1, form_full = 2;
constexpr int rescale_form(const channel_rescale& q) {
  return (q.act_min >= q.zero_point ? form_floor : 0) | (q.act_min <= -128 && q.act_max >= 127 ? form_full : 0);
}

// What the block loop reads after one channel's widened weights (and updates: y).
struct block_params {
  std::int32_t m, c, e;      // the doubled rescale, lo taken off: c = 2^(e-1) + ((zero_point - lo) << e) (form_full: lo 0)
  std::int32_t width4, lo4;  // the clamp: bytes4(hi - lo), bytes4(lo)
  std::int8_t* y;            // the next 4 outputs
  const std::int32_t* end;   // the planes past the call's last block (the blocks run until r12 is there)
  std::int32_t next;         // bytes from this channel's block to the next one's in the same call; 0: the last
  std::int32_t pair0, pair1;  // the pooled loop's: the first conv row's pair maxima of a block
};
}  // namespace conv_stem

// The shapes conv2d_s8_stem_dsp takes (H, W: the padded input's): 2 or 3 input channels, 3x3,
// stride 1 or 2, an output row's planes within plane_budget (W up to about 150 at stride 1, 120 at stride 2).
// Its sums |2 acc| <= 2 x 27 x 127 x 128 stay far inside int32.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_stem_dsp_fits =
    target::arm_dsp && (C == 2 || C == 3) && K == 3 && (S == 1 || S == 2) && H >= 3 && W >= 3 &&
    4 * conv_stem::layout<C, W, S>::buffer_words <= conv_stem::plane_budget;

// The shapes conv2d_s8_stem_max_pool_dsp takes (H, W: the padded input's): conv2d_s8_stem_dsp's,
// at least 2 x 2 outputs, two output rows' planes within 2 plane_budget bytes (stride 1: row B's
// planes within a 12-bit offset of row A's).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t S>
inline constexpr bool conv2d_s8_stem_max_pool_fits = [] {
  if constexpr (conv2d_s8_stem_dsp_fits<C, H, W, 3, S>) {
    using L = conv_stem::layout<C, W, S>;
    return (H - 3) / S + 1 >= 2 && L::OW >= 2 && 4 * L::pooled_buffer_words <= 2 * conv_stem::plane_budget &&
           4 * L::pool_words <= 4095;
  } else {
    return false;
  }
}();

#ifdef STATICNN_ARM_DSP
namespace conv_stem {

[[gnu::always_inline]] inline std::int32_t sxtb16_ror8(std::uint32_t v) {
  std::int32_t r;
  asm("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
  return r;
}
// (bottom half of lo, bottom half of hi) (PKHBT with LSL #16).
[[gnu::always_inline]] inline std::int32_t pack_bottoms(std::int32_t lo, std::int32_t hi) {
  std::int32_t r;
  asm("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(lo), "r"(hi));
  return r;
}
// (top half of lo, top half of hi) (PKHTB with ASR #16).
[[gnu::always_inline]] inline std::int32_t pack_tops(std::int32_t lo, std::int32_t hi) {
  std::int32_t r;
  asm("pkhtb %0, %2, %1, asr #16" : "=r"(r) : "r"(lo), "r"(hi));
  return r;
}
[[gnu::always_inline]] inline std::uint32_t halves(std::int32_t lo, std::int32_t hi) {
  return static_cast<std::uint16_t>(lo) | static_cast<std::uint32_t>(hi) << 16;
}

// The pair plane of the unpadded rows a and b (W bytes each; a padding row: W bytes of pad)
// over the padded columns [0, n): word x = (a[x - PadL], b[x - PadL]), pad outside the row.
// Inside, one word load of each row makes 4 words (two such groups a loop step).
template <std::size_t W, std::size_t PadL>
[[gnu::always_inline]] inline void pair_plane(const std::int8_t* a, const std::int8_t* b, std::int32_t pad2,
                                              std::int32_t* out, std::size_t n) {
  std::size_t x = 0;
  for (; x < PadL && x < n; ++x) out[x] = pad2;
  // Inside the row: groups of 4 columns, one word load of each row (any alignment) a group.
  constexpr std::size_t groups = W / 4;
  const std::size_t g = (n - x) / 4 < groups ? (n - x) / 4 : groups;
  if (g > 0) {
    const std::int8_t* pa = a + (x - PadL);
    const std::int8_t* pb = b + (x - PadL);
    std::int32_t* po = out + x;
    std::int32_t* const end = po + 4 * (g & ~std::size_t{1});  // pairs of groups, then an odd last group
    std::uint32_t va, vb, ae, be, t0, t1;
#define STATICNN_STEM_GROUP                                                      \
  "ldr %[va], [%[pa]], #4\n"                                                     \
  "ldr %[vb], [%[pb]], #4\n"                                                     \
  "sxtb16 %[ae], %[va]\n"                                                        \
  "sxtb16 %[va], %[va], ror #8\n"                                                \
  "sxtb16 %[be], %[vb]\n"                                                        \
  "sxtb16 %[vb], %[vb], ror #8\n"                                                \
  "pkhbt %[t0], %[ae], %[be], lsl #16\n" /* (a0, b0) */                          \
  "pkhbt %[t1], %[va], %[vb], lsl #16\n" /* (a1, b1) */                          \
  "strd %[t0], %[t1], [%[po]], #8\n"                                             \
  "pkhtb %[t0], %[be], %[ae], asr #16\n" /* (a2, b2) */                          \
  "pkhtb %[t1], %[vb], %[va], asr #16\n" /* (a3, b3) */                          \
  "strd %[t0], %[t1], [%[po]], #8\n"
    asm volatile(
        "cmp %[po], %[end]\n"
        "beq 2f\n"
        "1:\n" STATICNN_STEM_GROUP STATICNN_STEM_GROUP
        "cmp %[po], %[end]\n"
        "bne 1b\n"
        "2:\n"
        ".if %c[odd]\n" STATICNN_STEM_GROUP ".endif\n"
        : [pa] "+r"(pa), [pb] "+r"(pb), [po] "+r"(po), [va] "=&r"(va), [vb] "=&r"(vb), [ae] "=&r"(ae),
          [be] "=&r"(be), [t0] "=&r"(t0), [t1] "=&r"(t1)
        : [end] "r"(end), [odd] "i"(0)
        : "cc", "memory");
    if (g & 1)
      asm volatile(STATICNN_STEM_GROUP
                   : [pa] "+r"(pa), [pb] "+r"(pb), [po] "+r"(po), [va] "=&r"(va), [vb] "=&r"(vb), [ae] "=&r"(ae),
                     [be] "=&r"(be), [t0] "=&r"(t0), [t1] "=&r"(t1)
                   :
                   : "memory");
#undef STATICNN_STEM_GROUP
    x += 4 * g;
  }
  for (; x < PadL + W && x < n; ++x)
    out[x] = static_cast<std::int32_t>(halves(a[x - PadL], b[x - PadL]));
  for (; x < n; ++x) out[x] = pad2;
}

// The horizontal pairs of the unpadded row r over the padded columns [0, 2n): word m = (r[2m -
// PadL], r[2m + 1 - PadL]), pad outside the row, stored at out[Spread m].
template <std::size_t W, std::size_t PadL, std::size_t Spread>
[[gnu::always_inline]] inline void single_row(const std::int8_t* r, std::int8_t pad, std::int32_t* out,
                                              std::size_t n) {
  auto tap = [&](std::size_t col) -> std::int32_t { return col >= PadL && col < W + PadL ? r[col - PadL] : pad; };
  std::size_t m = 0;
  for (; m < n && 2 * m < PadL; ++m) out[Spread * m] = static_cast<std::int32_t>(halves(tap(2 * m), tap(2 * m + 1)));
  // Inside the row: 2 words from one word load (any alignment).
  const std::size_t inner = 2 * m + 4 <= PadL + W ? (PadL + W - 2 * m) / 4 : 0;
  const std::size_t g = (n - m) / 2 < inner ? (n - m) / 2 : inner;
  if (g > 0) {
    const std::int8_t* pr = r + (2 * m - PadL);
    std::int32_t* po = out + Spread * m;
    std::int32_t* const end = po + 2 * Spread * g;
    std::uint32_t v, e, t;
    asm volatile(
        "1:\n"
        "ldr %[v], [%[pr]], #4\n"
        "sxtb16 %[e], %[v]\n"
        "sxtb16 %[v], %[v], ror #8\n"
        "pkhbt %[t], %[e], %[v], lsl #16\n"  // (r0, r1)
        "pkhtb %[e], %[v], %[e], asr #16\n"  // (r2, r3)
        "str %[e], [%[po], #%c[second]]\n"
        "str %[t], [%[po]], #%c[next]\n"
        "cmp %[po], %[end]\n"
        "bne 1b\n"
        : [pr] "+r"(pr), [po] "+r"(po), [v] "=&r"(v), [e] "=&r"(e), [t] "=&r"(t)
        : [end] "r"(end), [second] "i"(4 * Spread), [next] "i"(8 * Spread)
        : "cc", "memory");
    m += 2 * g;
  }
  for (; m < n; ++m) out[Spread * m] = static_cast<std::int32_t>(halves(tap(2 * m), tap(2 * m + 1)));
}

// v in each of the 4 bytes.
inline constexpr std::uint32_t bytes4(std::int32_t v) { return (static_cast<std::uint32_t>(v) & 0xffu) * 0x01010101u; }

// Stride 2, built block-major directly: Single false, the pair plane of the unpadded rows a and b
// (W bytes each), word c = (a[c - PadL], b[c - PadL]) (pad outside the rows) for the padded
// columns c <= 8 Blocks, stored at block c / 8's word c % 8 and (c % 8 == 0, c > 0) at block c / 8
// - 1's word 8; Single true, the horizontal pairs of the row a, word m = (a[2m - PadL], a[2m + 1 -
// PadL]) for m <= 4 Blocks, at block m / 4's word m % 4 and (m % 4 == 0, m > 0) block m / 4 - 1's
// word 4. out: block 0's first word, Step words from a block's to the next one's. One asm takes
// the groups of 4 columns [0, gB) that end inside the row (one word load of each row a group, any
// alignment; group 0 loaded from the row's start and its PadL padding bytes shifted in; then
// steps of block b's odd group and block b + 1's even one, two STMs a step, unrolled up to 4) and the word 8 Blocks (4 Blocks)
// where it is inside the row; the words after them (padding, the row's end) are stored one by
// one, their places known at compile time. Rows of fewer than 4 bytes: every word one by one.
template <std::size_t W, std::size_t PadL, std::size_t Blocks, std::size_t Step, bool Single>
[[gnu::always_inline]] inline void block_plane(const std::int8_t* a, const std::int8_t* b, std::int8_t pad,
                                               std::int32_t* out) {
  static_assert(PadL < 4, "block_plane: group 0 starts with at most 3 padding columns");
  constexpr std::size_t per = Single ? 2 : 4;  // words a group of 4 columns makes
  constexpr std::size_t span = 2 * per;        // words a block takes from its own columns
  constexpr std::size_t words = Single ? 4 * Blocks + 1 : 8 * Blocks + 1;
  constexpr std::size_t gB0 = W >= 4 ? (PadL + W) / 4 : 0, gB = gB0 < 2 * Blocks ? gB0 : 2 * Blocks;
  // The last word (word 8 Blocks or 4 Blocks, a duplicate only) in the asm: its columns inside the row.
  constexpr bool last_word = gB == 2 * Blocks && 8 * Blocks + (Single ? 1 : 0) < PadL + W;
  auto put = [&](std::size_t i, std::int32_t word) {  // word i: its block's and the one before's
    if (i / span < Blocks) out[i / span * Step + i % span] = word;
    if (i % span == 0 && i > 0) out[(i / span - 1) * Step + span] = word;
  };
  auto tap = [&](const std::int8_t* r, std::size_t col) -> std::int32_t {
    return col >= PadL && col < PadL + W ? r[col - PadL] : pad;
  };
  auto word = [&](std::size_t i) -> std::int32_t {
    return Single ? static_cast<std::int32_t>(halves(tap(a, 2 * i), tap(a, 2 * i + 1)))
                  : static_cast<std::int32_t>(halves(tap(a, i), tap(b, i)));
  };
  constexpr std::size_t last = per * gB + (last_word ? 1 : 0);  // words from the asm: [0, last)
  if constexpr (gB > 0) {
    // Registers: a group's words w0-w3 (single: w0, w1) ascending, so that one STM stores a block's
    // odd group and the next block's first word (its duplicate), another the next block's even
    // group: odd group r0-r3, even group r4-r7, r8 a scratch; pa r9, pb r10, po r11 (the word after
    // the current block's even group), group 0's padding bytes r12.
    register const std::int8_t* pa asm("r9") = a + (4 - PadL);  // group 1's columns
    register const std::int8_t* pb asm("r10") = Single ? a : b + (4 - PadL);
    register std::int32_t* po asm("r11") = out;
    register std::uint32_t pad_low asm("r12") = bytes4(pad) & ((1u << (8 * PadL)) - 1u);
    register std::uint32_t r0 asm("r0"), r1 asm("r1"), r2 asm("r2"), r3 asm("r3"), r4 asm("r4"), r5 asm("r5"),
        r6 asm("r6"), r7 asm("r7"), r8 asm("r8");
    constexpr std::size_t steps = (gB - 1) / 2;  // after group 0: an odd group and the next even one
    constexpr bool loop = steps > 4;  // else unrolled
    constexpr bool odd_last = (gB - 1) % 2 == 1;
    // snn_group w0, w1, w2, w3, first: a group's words (pair plane: (a0, b0) .. (a3, b3); single:
    // (r0, r1), (r2, r3) in w0, w1); first: group 0, loaded from the rows' start (pa, pb are at
    // group 1's columns), its padding bytes shifted in.
#define STATICNN_STEM_GROUP_MACRO                                                   \
  ".macro snn_load r, p, first\n"                                                   \
  " .if \\first\n"                                                                \
  "  ldr \\r, [\\p, #-%c[back]]\n"                                               \
  "  .if %c[padl]\n orr \\r, r12, \\r, lsl #%c[padl]\n .endif\n"                   \
  " .else\n"                                                                        \
  "  ldr \\r, [\\p], #4\n"                                                         \
  " .endif\n"                                                                       \
  ".endm\n"                                                                         \
  ".macro snn_group w0, w1, w2, w3, first\n"                                        \
  " snn_load r8, r9, \\first\n"                                                    \
  " .if %c[single]\n"                                                               \
  "  sxtb16 \\w1, r8\n"                  /* (r0, r2) */                            \
  "  sxtb16 r8, r8, ror #8\n"             /* (r1, r3) */                            \
  "  pkhbt \\w0, \\w1, r8, lsl #16\n"    /* (r0, r1) */                            \
  "  pkhtb \\w1, r8, \\w1, asr #16\n"    /* (r2, r3) */                            \
  " .else\n"                                                                        \
  "  snn_load \\w3, r10, \\first\n"                                               \
  "  sxtb16 \\w2, r8\n"                  /* (a0, a2) */                            \
  "  sxtb16 r8, r8, ror #8\n"             /* (a1, a3) */                            \
  "  sxtb16 \\w1, \\w3\n"               /* (b0, b2) */                            \
  "  sxtb16 \\w3, \\w3, ror #8\n"       /* (b1, b3) */                            \
  "  pkhbt \\w0, \\w2, \\w1, lsl #16\n" /* (a0, b0) */                            \
  "  pkhtb \\w2, \\w1, \\w2, asr #16\n" /* (a2, b2) */                            \
  "  pkhbt \\w1, r8, \\w3, lsl #16\n"    /* (a1, b1) */                            \
  "  pkhtb \\w3, \\w3, r8, asr #16\n"    /* (a3, b3) */                            \
  " .endif\n"                                                                       \
  ".endm\n"
    // Short rows' steps unrolled; longer ones a loop counted in lr (flash).
#define STATICNN_STEM_PLANE_TEXT                                                                   \
  STATICNN_STEM_GROUP_MACRO                                                                        \
  "snn_group r4, r5, r6, r7, 1\n"                                                                  \
  ".if %c[single]\n stm r11!, {r4, r5}\n.else\n stm r11!, {r4, r5, r6, r7}\n.endif\n"            \
  ".macro snn_step\n"                                                                              \
  " snn_group r0, r1, r2, r3, 0\n"                                                                 \
  " snn_group r4, r5, r6, r7, 0\n"                                                                 \
  " .if %c[single]\n stm r11, {r0, r1, r4}\n .else\n stm r11, {r0, r1, r2, r3, r4}\n .endif\n"  \
  " add r11, r11, #%c[next] - %c[odd]\n"                                                           \
  " .if %c[single]\n stm r11!, {r4, r5}\n .else\n stm r11!, {r4, r5, r6, r7}\n .endif\n"        \
  ".endm\n"                                                                                        \
  ".if %c[loop]\n 1:\n snn_step\n subs lr, lr, #1\n bne 1b\n"                                     \
  ".else\n .rept %c[steps]\n snn_step\n .endr\n.endif\n"                                          \
  ".if %c[odd_last]\n"                                                                             \
  " snn_group r0, r1, r2, r3, 0\n"                                                                 \
  " .if %c[single]\n strd r0, r1, [r11]\n .else\n stm r11, {r0, r1, r2, r3}\n .endif\n"         \
  ".endif\n"                                                                                       \
  ".if %c[last_word]\n" /* the columns at pa (pb, or pa + 1); the block's duplicate word */      \
  " ldrsb r4, [r9]\n"                                                                              \
  " .if %c[single]\n ldrsb r5, [r9, #1]\n .else\n ldrsb r5, [r10]\n .endif\n"                    \
  " pkhbt r4, r4, r5, lsl #16\n"                                                                   \
  " str r4, [r11, #%c[odd]]\n"                                                                     \
  ".endif\n"                                                                                       \
  ".purgem snn_step\n"                                                                             \
  ".purgem snn_group\n"                                                                            \
  ".purgem snn_load\n"
#define STATICNN_STEM_PLANE_INPUTS                                                                 \
  "r"(pad_low), [single] "i"(Single ? 1 : 0), [steps] "i"(steps), [odd_last] "i"(odd_last ? 1 : 0),   \
      [last_word] "i"(last_word ? 1 : 0), [padl] "i"(8 * PadL), [back] "i"(4 - PadL), [odd] "i"(4 * per), \
      [next] "i"(4 * Step), [loop] "i"(loop ? 1 : 0)
    if constexpr (!loop) {
      asm volatile(STATICNN_STEM_PLANE_TEXT
                   : "+r"(pa), "+r"(pb), "+r"(po), "=&r"(r0), "=&r"(r1), "=&r"(r2), "=&r"(r3), "=&r"(r4),
                     "=&r"(r5), "=&r"(r6), "=&r"(r7), "=&r"(r8)
                   : STATICNN_STEM_PLANE_INPUTS
                   : "memory");
    } else {
      register std::uint32_t count asm("lr") = steps;
      asm volatile(STATICNN_STEM_PLANE_TEXT
                   : "+r"(pa), "+r"(pb), "+r"(po), "+r"(count), "=&r"(r0), "=&r"(r1), "=&r"(r2), "=&r"(r3),
                     "=&r"(r4), "=&r"(r5), "=&r"(r6), "=&r"(r7), "=&r"(r8)
                   : STATICNN_STEM_PLANE_INPUTS
                   : "cc", "memory");
    }
#undef STATICNN_STEM_PLANE_INPUTS
#undef STATICNN_STEM_PLANE_TEXT
#undef STATICNN_STEM_GROUP_MACRO
  }
#pragma GCC unroll 8
  for (std::size_t i = last; i < words; ++i) put(i, word(i));
}

// Stride 2: the 9 words of pair 1 of each of the Blocks blocks at prev (Step words apart) copied
// to pair 0 (the first 9 words) of the blocks at v: the next output row's pair 0 is this row's
// pair 1. A block a load and a store of 9 registers.
template <std::size_t Blocks, std::size_t Step>
[[gnu::always_inline]] inline void copy_pair1_to_pair0(const std::int32_t* prev, std::int32_t* v) {
  static_assert(Step >= 18 && 4 * Step <= 4095, "copy_pair1_to_pair0: pairs 0 and 1 in each block, an ADD immediate");
  register const std::int32_t* ps asm("r12") = prev + 9;  // a block's pair 1
  register std::int32_t* po asm("lr") = v;
  register std::int32_t r0 asm("r0"), r1 asm("r1"), r2 asm("r2"), r3 asm("r3"), r4 asm("r4"), r5 asm("r5"),
      r6 asm("r6"), r7 asm("r7"), r8 asm("r8");
  asm volatile(".rept %c[blocks]\n"
               " ldm r12, {r0, r1, r2, r3, r4, r5, r6, r7, r8}\n"
               " stm lr, {r0, r1, r2, r3, r4, r5, r6, r7, r8}\n"
               " add r12, r12, #%c[step]\n"
               " add lr, lr, #%c[step]\n"
               ".endr\n"
               : "+r"(ps), "+r"(po), "=&r"(r0), "=&r"(r1), "=&r"(r2), "=&r"(r3), "=&r"(r4), "=&r"(r5), "=&r"(r6),
                 "=&r"(r7), "=&r"(r8)
               : [blocks] "i"(Blocks), [step] "i"(4 * Step)
               : "memory");
}

// One channel's 3C x 3 weights w (OIHW) widened and doubled into its channel block wk
// (layout::channel_words; words 3-6, the bias, left to the caller): per pair p the words
// W_p[kx] = (2 w_a[kx], 2 w_b[kx]) (w_k: channel row k = 3c + ky; a, b: layout::pair_a, pair_b),
// then (C = 3) the single row's E0, E1 and, stride 1, O0, O1 (layout's order: E0, O0, E1, O1).
template <std::size_t C, std::size_t S>
[[gnu::always_inline]] inline void widen_weights(const std::int8_t* w, std::int32_t* wk) {
  using L = layout<C, 3, S>;
  for (std::size_t p = 0; p < L::pairs; ++p)  // pair 0 at words 0-2, the bias at 3-6, then the others
    for (std::size_t kx = 0; kx < 3; ++kx)
      wk[3 * p + kx + (p > 0 ? 4 : 0)] =
          static_cast<std::int32_t>(halves(2 * w[3 * L::pair_a(p) + kx], 2 * w[3 * L::pair_b(p) + kx]));
  if constexpr (L::single) {
    constexpr std::size_t k = 3 * L::single_row;
    const std::int32_t w0 = 2 * w[k], w1 = 2 * w[k + 1], w2 = 2 * w[k + 2];
    std::int32_t* s = wk + 3 * L::pairs + 4;
    if constexpr (S == 1) {
      s[0] = static_cast<std::int32_t>(halves(w0, w1)), s[1] = static_cast<std::int32_t>(halves(0, w0));
      s[2] = static_cast<std::int32_t>(halves(w2, 0)), s[3] = static_cast<std::int32_t>(halves(w1, w2));
    } else {
      s[0] = static_cast<std::int32_t>(halves(w0, w1)), s[1] = static_cast<std::int32_t>(halves(w2, 0));
    }
  }
}

// For the blocks of 4 outputs of one output row and one channel, from the block whose planes
// start at v until r12 reaches params.end (then, Channels, the same for the channel
// block params.next bytes on until a next of 0, the planes again from v): the 4 accumulators from 2 bias, the products
// with the channel's widened weights, the doubled rescale, the clamp, 4 bytes stored at y. cb: the
// channel's block (layout::channel_words: the first pair's weights, 2 bias four times, the other
// weights, block_params). All in one asm. Registers: r12
// the planes (plane p at p PlaneWords words, the single row after them; the block's first word of
// each at offset 0), r9 walks cb; accumulators r7, r8, r10, r11; weights r4-r6 (the single row's
// four: r4-r6, lr); inputs r0-r3, lr; after the multiply r0-r6 take {m, c, e, width4, lo4, y,
// end}, lr a scratch. Form: rescale_form's bits (see STATICNN_STEM_RESCALE).
// Stride 1: plane words I0..I5 serve outputs i at I(i + kx), the first plane's I4, I5 loaded with
// writeback (r12 on to the next block, 16 bytes, the offsets after it 16 less); stride 2: I0..I8
// at I(2i + kx), walked by LDM.
// Pool (a 2x2 max pool): each block computes its 4 outputs on conv row A (planes at r12) and on
// conv row B (stride 1: planes PoolWords words on; stride 2: the block's words right after A's),
// keeps the larger of each horizontal pair of A (block_params' pair0, pair1 meanwhile), takes the
// larger of those and B's pairs, and rescales and clamps those 2 only (the doubled rescale is
// non-decreasing, m > 0): 2 bytes stored at y. BlockStep: words from a block's planes to the next one's.
// Each channel's y is left past its last outputs, so that a next row whose outputs follow them
// needs no new y; end, the same for every channel of a call, needs none either.
template <std::size_t C, std::size_t S, std::size_t PlaneWords, bool Channels = false, std::size_t Blocks = 1,
          bool Pool = false, std::size_t PoolWords = 0, std::size_t BlockStep = layout<C, 3, S>::block_step,
          int Form = 0>
[[gnu::always_inline]] inline void row_blocks(const std::int32_t* v, std::int32_t* cb) {
  static_assert(form_floor == 1 && form_full == 2, "row_blocks: the asm tests Form's bits 1 and 2");
  using L = layout<C, 3, S>;
  constexpr std::size_t plane = 4 * PlaneWords, single = 4 * L::pairs * PlaneWords;
  constexpr std::size_t back = 4 * (4 + L::weight_words), step = 4 * BlockStep;
  constexpr std::size_t pool_off = S == 1 ? 4 * PoolWords : 0;  // stride 1: r12 from row A's planes to B's
  static_assert(single + 4 * 8 + 4 <= 4095, "row_blocks: plane offsets within 12 bits");
  static_assert(back + sizeof(block_params) <= 255, "row_blocks: the channel's block within a SUB immediate");
  static_assert(!Channels || step * Blocks <= 4095, "row_blocks: a row's blocks within a SUB immediate");
  static_assert(!Pool || (pool_off <= 4095 && (S == 2 || pool_off >= 16)), "row_blocks: row B within a SUB immediate");
  static_assert(S == 2 || step == 16, "row_blocks: stride 1 steps r12 16 bytes a block (the first plane's last LDRD)");
  register const std::int32_t* xp asm("r12") = v;
  register std::int32_t* wp asm("r9") = cb;
  register std::int32_t r0 asm("r0"), r1 asm("r1"), r2 asm("r2"), r3 asm("r3"), r4 asm("r4"), r5 asm("r5"),
      r6 asm("r6"), r7 asm("r7"), r8 asm("r8"), r10 asm("r10"), r11 asm("r11");
  // form_floor: the clamp's lo >= zero_point, so that an accumulator < 0 (an output <= zero_point
  // before the clamp) clamps to lo whatever its rounding: the -[acc < 0] term is left out (the
  // sum without it is still <= 0 there, u = 0). form_full: the clamp is [-128, 127], c has no lo
  // taken off (setup_channels), the output is the sum saturated to int8 (SSAT), packed by BFI.
#define STATICNN_STEM_RESCALE(A)                                                                    \
  ".if (%c[form] & 1)\n"                                                                                 \
  " smmlar " A ", " A ", r0, r1\n"                                                                   \
  ".else\n"                                                                                         \
  " smmlar lr, " A ", r0, r1\n"                                                                     \
  " add " A ", lr, " A ", asr #31\n"                                                                \
  ".endif\n"                                                                                        \
  "asr " A ", " A ", r2\n"                                                                          \
  ".if (%c[form] & 2)\n ssat " A ", #8, " A "\n.else\n usat " A ", #8, " A "\n.endif\n"
  // The 4 accumulators from 2 bias and the products of one block (r9 from the block's first
  // weights, then its 2 bias four times (one LDM), to the block_params).
#define STATICNN_STEM_MULTIPLY                                                                      \
  ".set snn_off, 0\n"                                                                               \
  ".set snn_base, 0\n" /* stride 1: r12 is 16 bytes on after the first plane's last load */        \
  ".rept %c[P]\n"                                                                                   \
  ".if snn_off == 0\n ldm r9!, {r4, r5, r6, r7, r8, r10, r11}\n.else\n ldm r9!, {r4, r5, r6}\n.endif\n" \
  ".if %c[S] == 1\n"                                                                                \
  " snn_ld2 r0, r1, snn_off - snn_base\n"                                                           \
  " snn_ld2 r2, r3, snn_off - snn_base + 8\n"                                                       \
  " smlad r7, r0, r4, r7\n smlad r8, r1, r4, r8\n smlad r10, r2, r4, r10\n smlad r11, r3, r4, r11\n" \
  " .if snn_off == 0\n ldrd r0, lr, [r12, #16]!\n .set snn_base, 16\n"                             \
  " .else\n snn_ld2 r0, lr, snn_off - snn_base + 16\n .endif\n"                                       \
  " smlad r7, r1, r5, r7\n smlad r8, r2, r5, r8\n smlad r10, r3, r5, r10\n smlad r11, r0, r5, r11\n" \
  " smlad r7, r2, r6, r7\n smlad r8, r3, r6, r8\n smlad r10, r0, r6, r10\n smlad r11, lr, r6, r11\n" \
  ".else\n" /* the block's 9 words of the plane: I0-I4, then I5-I8 */                               \
  " ldm r12!, {r0, r1, r2, r3, lr}\n"                                                               \
  " smlad r7, r0, r4, r7\n smlad r7, r1, r5, r7\n smlad r7, r2, r6, r7\n"                           \
  " smlad r8, r2, r4, r8\n smlad r8, r3, r5, r8\n smlad r8, lr, r6, r8\n"                           \
  " smlad r10, lr, r4, r10\n"                                                                       \
  " ldm r12!, {r0, r1, r2, r3}\n"                                                                   \
  " smlad r10, r0, r5, r10\n smlad r10, r1, r6, r10\n"                                              \
  " smlad r11, r1, r4, r11\n smlad r11, r2, r5, r11\n smlad r11, r3, r6, r11\n"                     \
  ".endif\n"                                                                                        \
  ".set snn_off, snn_off + %c[plane]\n"                                                             \
  ".endr\n"                                                                                         \
  ".if %c[single]\n"                                                                                \
  ".if %c[S] == 1\n" /* E0, O0, E1, O1; H[0], H[1], H[2] at words 0, 2, 4 */                        \
  " ldm r9!, {r4, r5, r6, lr}\n"                                                                    \
  " ldr r0, [r12, #%c[soff] - 16]\n ldr r1, [r12, #%c[soff] - 8]\n ldr r2, [r12, #%c[soff]]\n"      \
  " smlad r7, r0, r4, r7\n smlad r8, r0, r5, r8\n smlad r10, r1, r4, r10\n smlad r11, r1, r5, r11\n" \
  " smlad r7, r1, r6, r7\n smlad r8, r1, lr, r8\n smlad r10, r2, r6, r10\n smlad r11, r2, lr, r11\n" \
  ".else\n" /* E0, E1; the block's H[0..4] */                                                       \
  " ldm r9!, {r4, r5}\n"                                                                            \
  " ldm r12!, {r0, r1, r2, r3, lr}\n"                                                               \
  " smlad r7, r0, r4, r7\n smlad r8, r1, r4, r8\n smlad r10, r2, r4, r10\n smlad r11, r3, r4, r11\n" \
  " smlad r7, r1, r5, r7\n smlad r8, r2, r5, r8\n smlad r10, r3, r5, r10\n smlad r11, lr, r5, r11\n" \
  ".endif\n"                                                                                        \
  ".endif\n"
#define STATICNN_STEM_LD2                                                                           \
  ".macro snn_ld2 ra, rb, off\n"                                                                    \
  ".if \\off <= 1016\n ldrd \\ra, \\rb, [r12, #\\off]\n"                                            \
  ".else\n ldr \\ra, [r12, #\\off]\n ldr \\rb, [r12, #\\off + 4]\n.endif\n"                         \
  ".endm\n"
#define STATICNN_STEM_NEXT_CHANNEL                                                                  \
  ".if %c[channels]\n"                                                                              \
  " ldr r6, [r9, #%c[back] + %c[next]]\n"                                                           \
  " sub r12, r12, #%c[row]\n"                                                                       \
  " add r9, r9, r6\n"                                                                               \
  " cmp r6, #0\n"                                                                                   \
  " bne 1b\n"                                                                                       \
  ".endif\n"
  if constexpr (!Pool) {
  // Channels with an even number of blocks: two blocks a loop step (one test of r12 for both).
  constexpr int unroll = Channels && Blocks % 2 == 0 ? 2 : 1;
  asm volatile(STATICNN_STEM_LD2
               "1:\n"
               ".rept %c[unroll]\n"
               STATICNN_STEM_MULTIPLY
               "ldm r9, {r0, r1, r2, r3, r4, r5, r6}\n"  // m, c, e, width4, lo4, y, end
               STATICNN_STEM_RESCALE("r7") STATICNN_STEM_RESCALE("r8") STATICNN_STEM_RESCALE("r10")
               STATICNN_STEM_RESCALE("r11")
               ".if (%c[form] & 2)\n"
               " bfi r7, r8, #8, #8\n"
               " bfi r7, r10, #16, #8\n"
               " bfi r7, r11, #24, #8\n"
               ".else\n"
               " orr r7, r7, r8, lsl #8\n"
               " orr r7, r7, r10, lsl #16\n"
               " orr r7, r7, r11, lsl #24\n"
               " uqsub8 lr, r7, r3\n"  // u - min(u, hi - lo)
               " usub8 r7, r7, lr\n"
               " uadd8 r7, r7, r4\n"
               ".endif\n"
               "str r7, [r5], #4\n"
               "str r5, [r9, #%c[y]]\n"
               "sub r9, r9, #%c[back]\n"
               ".endr\n"
               "cmp r12, r6\n"
               "bne 1b\n"
               STATICNN_STEM_NEXT_CHANNEL
               ".purgem snn_ld2\n"
               : "+r"(xp), "+r"(wp), "=&r"(r0), "=&r"(r1), "=&r"(r2), "=&r"(r3), "=&r"(r4), "=&r"(r5), "=&r"(r6),
                 "=&r"(r7), "=&r"(r8), "=&r"(r10), "=&r"(r11)
               : [unroll] "i"(unroll), [P] "i"(L::pairs), [S] "i"(S), [plane] "i"(plane), [single] "i"(L::single ? 1 : 0),
                 [soff] "i"(single), [back] "i"(back), [y] "i"(offsetof(block_params, y)),
                 [channels] "i"(Channels ? 1 : 0),
                 [next] "i"(offsetof(block_params, next)), [row] "i"(step * Blocks),
                 [form] "i"(Form)
               : "lr", "cc", "memory");
  } else {
    // Signed maximum of two accumulators into the first.
#define STATICNN_STEM_MAX(A, B) "cmp " A ", " B "\n it lt\n movlt " A ", " B "\n"
    asm volatile(STATICNN_STEM_LD2
                 "1:\n"
                 STATICNN_STEM_MULTIPLY
                 STATICNN_STEM_MAX("r7", "r8") STATICNN_STEM_MAX("r10", "r11")
                 "strd r7, r10, [r9, #%c[pair0]]\n"
                 "sub r9, r9, #%c[back]\n"
                 ".if %c[S] == 1\n add r12, r12, #%c[pool_off] - 16\n.endif\n"  // to row B's planes (A's LDRD took 16)
                 STATICNN_STEM_MULTIPLY
                 STATICNN_STEM_MAX("r7", "r8") STATICNN_STEM_MAX("r10", "r11")
                 "ldrd r0, r1, [r9, #%c[pair0]]\n"
                 STATICNN_STEM_MAX("r7", "r0") STATICNN_STEM_MAX("r10", "r1")
                 "ldm r9, {r0, r1, r2, r3, r4, r5, r6}\n"  // m, c, e, width4, lo4, y, end
                 STATICNN_STEM_RESCALE("r7") STATICNN_STEM_RESCALE("r10")
                 ".if (%c[form] & 2)\n"
                 " bfi r7, r10, #8, #8\n"
                 ".else\n"
                 " orr r7, r7, r10, lsl #8\n"
                 " uqsub8 lr, r7, r3\n"  // u - min(u, hi - lo)
                 " usub8 r7, r7, lr\n"
                 " uadd8 r7, r7, r4\n"
                 ".endif\n"
                 "strh r7, [r5], #2\n"
                 "str r5, [r9, #%c[y]]\n"
                 "sub r9, r9, #%c[back]\n"
                 ".if %c[S] == 1\n sub r12, r12, #%c[pool_off]\n.endif\n"  // row A's next block
                 "cmp r12, r6\n"
                 "bne 1b\n"
                 STATICNN_STEM_NEXT_CHANNEL
                 ".purgem snn_ld2\n"
                 : "+r"(xp), "+r"(wp), "=&r"(r0), "=&r"(r1), "=&r"(r2), "=&r"(r3), "=&r"(r4), "=&r"(r5), "=&r"(r6),
                   "=&r"(r7), "=&r"(r8), "=&r"(r10), "=&r"(r11)
                 : [P] "i"(L::pairs), [S] "i"(S), [plane] "i"(plane), [single] "i"(L::single ? 1 : 0),
                   [soff] "i"(single), [back] "i"(back), [y] "i"(offsetof(block_params, y)),
                   [channels] "i"(Channels ? 1 : 0),
                   [next] "i"(offsetof(block_params, next)), [row] "i"(step * Blocks),
                   [pair0] "i"(offsetof(block_params, pair0)), [pool_off] "i"(pool_off),
                   [form] "i"(Form)
                 : "lr", "cc", "memory");
#undef STATICNN_STEM_MAX
  }
#undef STATICNN_STEM_NEXT_CHANNEL
#undef STATICNN_STEM_LD2
#undef STATICNN_STEM_MULTIPLY
#undef STATICNN_STEM_RESCALE
  static_assert(offsetof(block_params, m) == 0 && offsetof(block_params, c) == 4 && offsetof(block_params, e) == 8 &&
                    offsetof(block_params, width4) == 12 && offsetof(block_params, lo4) == 16 &&
                    offsetof(block_params, y) == 20 && offsetof(block_params, end) == 24 &&
                    sizeof(block_params) == 40,
                "row_blocks: one LDM takes m, c, e, width4, lo4, y, end in this order; 10 words (layout::channel_words)");
}

// f(std::integral_constant<int, rescale_form(q)>{}).
template <class F>
[[gnu::always_inline]] inline void with_form(const channel_rescale& q, F&& f) {
  switch (rescale_form(q)) {
    case 0: f(std::integral_constant<int, 0>{}); break;
    case form_floor: f(std::integral_constant<int, form_floor>{}); break;
    case form_full: f(std::integral_constant<int, form_full>{}); break;
    default: f(std::integral_constant<int, form_floor | form_full>{}); break;
  }
}

// The planes of output row oy (padded input rows S oy .. S oy + 2 of x, C x H x W, padded by Pad
// rows above and PadL columns left with pad; a padding row reads pad_row, W bytes of pad) at v:
// stride 1 plane-major (plane p at p plane_words words, the single row's after them); stride 2
// block-major, Step words from a block's to the next one's, each plane built whole in `row`
// (plane_words) and its blocks' words copied; prev: null, or the blocks of output row oy - 1 (Step
// apart), whose pair 1 is this row's pair 0 (stride 2: copied, not built).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t PW, std::size_t S, std::size_t Pad,
          std::size_t PadL, std::size_t Step>
[[gnu::always_inline]] inline void build_planes(const std::int8_t* x, const std::int8_t* pad_row, std::int8_t pad,
                                                std::size_t oy, std::int32_t* v, const std::int32_t* prev) {
  using L = layout<C, PW, S>;
  constexpr std::size_t PL = L::plane_words;
  const std::int32_t pad2 = static_cast<std::int32_t>(halves(pad, pad));
  auto in_row = [&](std::size_t c, std::size_t iy) -> const std::int8_t* {  // padded row iy of channel c
    const std::size_t r = iy - Pad;                                        // wraps above the input
    return r < H ? x + (c * H + r) * W : pad_row;
  };
  const std::size_t iy = oy * S;
  if constexpr (S == 1) {
#pragma GCC unroll 4
    for (std::size_t p = 0; p < L::pairs; ++p) {
      const std::size_t ka = 2 * p, kb = 2 * p + 1;  // channel rows 3c + ky
      pair_plane<W, PadL>(in_row(ka / 3, iy + ka % 3), in_row(kb / 3, iy + kb % 3), pad2, v + p * PL, PL);
    }
    if constexpr (L::single) single_row<W, PadL, 2>(in_row(2, iy + 2), pad, v + L::pairs * PL, L::single_words);
  } else {
#pragma GCC unroll 4
    for (std::size_t p = 0; p < L::pairs; ++p) {
      if (p == 0 && prev != nullptr) {  // the row before's pair 1 (its input row iy)
        copy_pair1_to_pair0<L::blocks, Step>(prev, v);
        continue;
      }
      const std::size_t ka = L::pair_a(p), kb = L::pair_b(p);
      block_plane<W, PadL, L::blocks, Step, false>(in_row(ka / 3, iy + ka % 3), in_row(kb / 3, iy + kb % 3), pad,
                                                    v + 9 * p);
    }
    if constexpr (L::single)
      block_plane<W, PadL, L::blocks, Step, true>(in_row(2, iy + L::single_row % 3), nullptr, pad, v + 9 * L::pairs);
  }
}

// Widens and doubles the weights of the channels [g0, g0 + gn) (of w, OIHW; q from the first of
// all) whose rescale takes the doubled form (doubled[o]; AllDoubled: all) into their blocks of wk
// (channel_words each) and fills their block_params but y, end, each one's next to the next
// doubled one; returns the first doubled channel (gn: none).
template <std::size_t C, std::size_t S, bool AllDoubled>
inline std::size_t setup_channels(const std::int8_t* w, const channel_rescale& q, std::size_t g0, std::size_t gn,
                                  bool* doubled, std::int32_t* wk) {
  using L = layout<C, 3, S>;
  constexpr std::size_t CW = L::channel_words;
  constexpr auto sum_max = static_cast<std::uint32_t>(C * 9 * 127u * 128u);
  const std::int32_t lo = q.act_min < -128 ? -128 : q.act_min, hi = q.act_max > 127 ? 127 : q.act_max;
  const auto width4 = static_cast<std::int32_t>(bytes4(hi - lo)), lo4 = static_cast<std::int32_t>(bytes4(lo));
  const std::int32_t off = rescale_form(q) & form_full ? 0 : lo;  // taken off in c: form_full's SSAT needs none
  auto params = [&](std::size_t o) { return reinterpret_cast<block_params*>(wk + o * CW + 4 + L::weight_words); };
  for (std::size_t o = 0; o < gn; ++o) {
    const std::size_t oc = g0 + o;
    doubled[o] =
        AllDoubled || (lo <= hi && doubled_rescale_applies(q.bias[oc], q.multiplier[oc], q.shift[oc], q.zero_point, sum_max));
    if (!doubled[o]) continue;
    std::int32_t* const cb = wk + o * CW;
    widen_weights<C, S>(w + oc * C * 9, cb);
    cb[3] = cb[4] = cb[5] = cb[6] = 2 * q.bias[oc];
    const std::int32_t e = -q.shift[oc];
    *params(o) = {q.multiplier[oc],
                  (1 << (e - 1)) + static_cast<std::int32_t>(static_cast<std::uint32_t>(q.zero_point - off) << e),
                  e, width4, lo4, nullptr, nullptr, 0, 0, 0};
  }
  std::size_t first = gn, last = gn;
  for (std::size_t o = gn; o-- > 0;)
    if (doubled[o]) {
      if (last != gn) params(o)->next = static_cast<std::int32_t>(4 * (last - o) * CW);
      first = last = o;
    }
  return first;
}

}  // namespace conv_stem

// x: C x H x W int8 padded by Pad rows above, PadB below, PadL columns left and PadR right with
// pad (read unpadded); w: G output channels' C x 3 x 3 weights (OIHW, in [-127, 127]); q: the
// rescale from the first of them; y: G x rows x OW int8, output rows [oy0, oy0 + rows).
// AllDoubled: the caller knows that the clamp range within int8 is not empty and every channel's
// rescale takes the doubled form (no check, no general path). Every channel's widened weights are
// kept for the call where they fit in keep_budget bytes (each row's planes then serve all of them),
// else groups of `group` channels, the planes built again for each.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t S, std::size_t G, std::size_t Pad = 0,
          std::size_t PadL = Pad, std::size_t PadB = Pad, std::size_t PadR = PadL, bool AllDoubled = false>
void conv2d_s8_stem_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                        std::size_t oy0, std::size_t rows, std::int8_t pad = 0) {
  constexpr std::size_t K = 3, PH = Pad + H + PadB, PW = PadL + W + PadR;
  static_assert(conv2d_s8_stem_dsp_fits<C, PH, PW, K, S> && Pad < K && PadB < K && PadL < K && PadR < K,
                "conv2d_s8_stem_dsp: shape not taken (see conv2d_s8_stem_dsp_fits)");
  using L = conv_stem::layout<C, PW, S>;
  constexpr std::size_t OW = L::OW, PL = L::plane_words, B = conv_stem::block, CW = L::channel_words;
  constexpr bool keep = 4 * G * CW <= conv_stem::keep_budget;
  constexpr std::size_t full = OW / B, GG = keep || G < conv_stem::group ? G : conv_stem::group;
  constexpr bool advance = OW % B == 0;  // a channel's rows in whole blocks: y runs on from row to row
  const std::size_t n = rows * OW;
  alignas(8) std::int32_t planes[L::buffer_words];
  alignas(8) std::int32_t wk[GG * CW];
  std::int8_t pad_row[W];
  for (auto& b : pad_row) b = pad;
  auto params = [&](std::size_t o) -> conv_stem::block_params& {
    return *reinterpret_cast<conv_stem::block_params*>(wk + o * CW + 4 + L::weight_words);
  };
  for (std::size_t g0 = 0; g0 < G; g0 += GG) {
    const std::size_t gn = G - g0 < GG ? G - g0 : GG;
    bool doubled[GG];
    const std::size_t first = conv_stem::setup_channels<C, S, AllDoubled>(w, q, g0, gn, doubled, wk);
    bool general = false;  // a channel not doubled
    for (std::size_t o = 0; o < gn; ++o) general |= !doubled[o];
    for (std::size_t r = 0; r < rows; ++r) {
      const std::size_t oy = oy0 + r;
      conv_stem::build_planes<C, H, W, PW, S, Pad, PadL, L::block_words>(
          x, pad_row, pad, oy, planes, r > 0 ? planes : nullptr);
      if constexpr (full > 0)
        if (first != gn) {  // every doubled channel's whole blocks in one asm
          if (!advance || r == 0)
            for (std::size_t o = first; o < gn; ++o) {
              if (!doubled[o]) continue;
              std::int8_t* yo = y + (g0 + o) * n + r * OW;
              params(o).y = yo, params(o).end = planes + L::block_step * full;
            }
          conv_stem::with_form(q, [&](auto form) {
            conv_stem::row_blocks<C, S, PL, true, full, false, 0, L::block_step, form()>(
                planes, wk + first * CW);
          });
        }
      if (OW % B != 0 || general)
      for (std::size_t o = 0; o < gn; ++o) {
        const std::size_t oc = g0 + o;
        std::int8_t* yo = y + oc * n + r * OW;
        if (doubled[o]) {
          if constexpr (OW % B != 0) {
            alignas(4) std::int8_t out[B];
            params(o).y = out, params(o).end = planes + L::block_step * (full + 1);
            conv_stem::with_form(q, [&](auto form) {
              conv_stem::row_blocks<C, S, PL, false, 1, false, 0, L::block_step, form()>(
                  planes + L::block_step * full, wk + o * CW);
            });
            for (std::size_t i = 0; i < OW % B; ++i) yo[B * full + i] = out[i];
          }
        } else if constexpr (!AllDoubled) {  // the general rescale (fixed_point.hpp)
          const conv_window_s8 win{x, C, H, W, W, K, K, pad};
          for (std::size_t ox = 0; ox < OW; ++ox)
            yo[ox] = conv_window_output(win, w + oc * C * K * K, q, oc, oy * S - Pad, ox * S - PadL);
        }
      }
    }
  }
}

// Conv (C = 2 or 3 input channels, 3x3, stride S, padded by Pad on every side with pad) -> 2x2 max
// pool, bit for bit as the portable conv followed by the max pool: pooled rows [cy0 / 2, cy0 / 2 +
// pooled_rows) of the G channels (pooled row i from conv rows cy0 + 2 i, cy0 + 2 i + 1; floor
// pooling: an odd last conv row or column is dropped), channel o's rows of OW / 2 bytes one after
// the other from y + o * y_stride. x: the C x H x W input (unpadded), w: G x C x 3 x 3. Each pooled
// output is the doubled rescale (non-decreasing) of the largest of its four sums; channels that do
// not take it (AllDoubled false only) compute their four outputs with the general rescale and take
// the largest. A pooled row's two conv rows' planes are built once for all channels; the widened
// weights are kept for the call where they fit in keep_budget bytes, else widened again for each
// pooled row. Pooled row i is written after its input rows are read and before any later row is.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t S, std::size_t G, std::size_t Pad = 0,
          bool AllDoubled = false>
void conv2d_s8_stem_max_pool_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                                 std::size_t y_stride, std::size_t cy0, std::int8_t pad = 0,
                                 std::size_t pooled_rows = 1) {
  constexpr std::size_t K = 3, PH = Pad + H + Pad, PW = Pad + W + Pad;
  static_assert(conv2d_s8_stem_max_pool_fits<C, PH, PW, S> && Pad < K,
                "conv2d_s8_stem_max_pool_dsp: shape not taken (see conv2d_s8_stem_max_pool_fits)");
  using L = conv_stem::layout<C, PW, S>;
  constexpr std::size_t OW = L::OW, PO = OW / 2, full = PO / 2, PL = L::plane_words, CW = L::channel_words;
  constexpr std::size_t step = L::pooled_block_step;  // words from a block's planes to the next one's
  constexpr bool tail = PO % 2 != 0;                  // a last block of which 2 conv columns are pooled
  constexpr bool keep = 4 * G * CW <= conv_stem::keep_budget;
  constexpr std::size_t GG = keep || G < conv_stem::group ? G : conv_stem::group;
  constexpr bool chain = 4 * step * full <= 4095;  // every channel's blocks in one asm
  constexpr bool advance = keep && chain && !tail;  // y runs on from pooled row to pooled row
  alignas(8) std::int32_t planes[L::pooled_buffer_words];
  alignas(8) std::int32_t wk[GG * CW];
  std::int8_t pad_row[W];
  for (auto& b : pad_row) b = pad;
  auto params = [&](std::size_t o) -> conv_stem::block_params& {
    return *reinterpret_cast<conv_stem::block_params*>(wk + o * CW + 4 + L::weight_words);
  };
  bool doubled[GG], general = false;  // general: a channel not doubled
  std::size_t first = GG;
  for (std::size_t i = 0; i < pooled_rows; ++i) {
    const std::size_t a = cy0 + 2 * i;  // conv rows a (A) and a + 1 (B)
    conv_stem::build_planes<C, H, W, PW, S, Pad, Pad, step>(x, pad_row, pad, a, planes,
                                                            S == 2 && i > 0 ? planes + L::block_words : nullptr);
    conv_stem::build_planes<C, H, W, PW, S, Pad, Pad, step>(x, pad_row, pad, a + 1, planes + L::pool_words,
                                                            S == 2 ? planes : nullptr);
    for (std::size_t g0 = 0; g0 < G; g0 += GG) {
      const std::size_t gn = G - g0 < GG ? G - g0 : GG;
      if (!keep || i == 0) first = conv_stem::setup_channels<C, S, AllDoubled>(w, q, g0, gn, doubled, wk);
      if constexpr (full > 0)
        if (first != gn) {
          if (!advance || i == 0)
            for (std::size_t o = first; o < gn; ++o) {
              if (!doubled[o]) continue;
              std::int8_t* yo = y + (g0 + o) * y_stride + i * PO;
              params(o).y = yo, params(o).end = planes + step * full;
              if constexpr (!chain)
                conv_stem::with_form(q, [&](auto form) {
                  conv_stem::row_blocks<C, S, PL, false, 1, true, L::pool_words, step, form()>(planes,
                                                                                                 wk + o * CW);
                });
            }
          if constexpr (chain)
            conv_stem::with_form(q, [&](auto form) {
              conv_stem::row_blocks<C, S, PL, true, full, true, L::pool_words, step, form()>(
                  planes, wk + first * CW);
            });
        }
      if (!keep || i == 0) {
        general = false;
        for (std::size_t o = 0; o < gn; ++o) general |= !doubled[o];
      }
      if (tail || general)
      for (std::size_t o = 0; o < gn; ++o) {
        const std::size_t oc = g0 + o;
        std::int8_t* yo = y + oc * y_stride + i * PO;
        if (doubled[o]) {
          if constexpr (tail) {
            alignas(4) std::int8_t out[2];
            params(o).y = out, params(o).end = planes + step * (full + 1);
            conv_stem::with_form(q, [&](auto form) {
              conv_stem::row_blocks<C, S, PL, false, 1, true, L::pool_words, step, form()>(planes + step * full,
                                                                                              wk + o * CW);
            });
            yo[PO - 1] = out[0];
          }
        } else if constexpr (!AllDoubled) {  // the general rescale (fixed_point.hpp), the largest of four
          const conv_window_s8 win{x, C, H, W, W, K, K, pad};
          for (std::size_t px = 0; px < PO; ++px)
            yo[px] = conv_window_pooled(win, w + oc * C * K * K, q, oc, a * S - Pad, 2 * px * S - Pad, S, S, 2, false);
        }
      }
    }
  }
}
#else
template <std::size_t C, std::size_t H, std::size_t W, std::size_t S, std::size_t G, std::size_t Pad = 0,
          std::size_t PadL = Pad, std::size_t PadB = Pad, std::size_t PadR = PadL, bool AllDoubled = false>
void conv2d_s8_stem_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                        std::size_t oy0, std::size_t rows, std::int8_t pad = 0);  // Armv7E-M DSP only
template <std::size_t C, std::size_t H, std::size_t W, std::size_t S, std::size_t G, std::size_t Pad = 0,
          bool AllDoubled = false>
void conv2d_s8_stem_max_pool_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                                 std::size_t y_stride, std::size_t cy0, std::int8_t pad = 0,
                                 std::size_t pooled_rows = 1);  // Armv7E-M DSP only
#endif

}  // namespace staticnn::kernels::arm
