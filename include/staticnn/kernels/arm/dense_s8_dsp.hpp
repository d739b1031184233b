#pragma once
// Armv7E-M DSP kernel for the int8 dense layer (Cortex-M4, M7, M33), any M >= 1 inputs and N >= 1
// outputs. The input is widened once per call: each word [x0 x1 x2 x3] becomes the two int16 pair
// words (x0, x2) and (x1, x3), the order SXTB16 and SXTB16 ROR #8 give a word of weights, so each
// weight word costs two SXTB16 and two SMLAD. Four rows at a time (dot4_groups_s8: per 8 inputs
// one LDM of four pair words shared by the four rows, one LDRD of eight weights per row) when the
// rows are whole words within LDRD reach of two pointers and the layer is large enough to repay
// the unit's code; the rows left over, and every row of other layers, one at a time
// (dense_rows_one_s8, one copy for all layers).
#include <bit>
#include <cstddef>
#include <cstdint>

#include "../fixed_point.hpp"
#include "../target.hpp"
#ifdef STATICNN_ARM_DSP
#include <arm_acle.h>
#endif

namespace staticnn::kernels::arm {

// LDRD's immediate offset reaches this many bytes either way (a multiple of 4).
inline constexpr std::int32_t ldrd_reach = 1020;
// Inputs per step of the four-row unit (one LDM of four pair words, one LDRD per row), and per
// head step when M % 8 == 4 (one LDRD of two pair words, one weight word per row).
inline constexpr std::int32_t word_bytes = 4;  // four int8 inputs or weights; one pair word
inline constexpr std::int32_t step_inputs = 8;
inline constexpr std::int32_t head_inputs = word_bytes, head_pair_bytes = 2 * word_bytes;
// ADDW's immediate reaches this far (12 bits).
inline constexpr std::int32_t addw_reach = 4095;
// Ends the widened input: halves of 256 are no pair of int8 values (SXTB16 gives [-128, 127]).
inline constexpr std::uint32_t pair_sentinel = 0x01000100u;

// Rows of at least this many inputs run 4 steps per loop round when post-indexed (one CMP and
// branch per 32 inputs instead of per 16; two more steps of code, about 300 bytes per layer).
inline constexpr std::int32_t dot4_unroll4_min_inputs = 512;

// Where the four-row unit reads rows 4g .. 4g+3 of M bytes: pointer A at row 4g + lead (plus the
// column), row 4g at offset -lead and row 4g+1 at row - lead; pointer B the same 2 rows further.
// post_indexed (lead 0): the loads of rows 4g and 4g+2 advance the pointers, steps run `unroll` at
// a time. Otherwise an ADD per `unroll` steps does, and a step at slot s of the unrolled loop reads
// offsets up to row - lead + s step_inputs.
template <std::size_t M>
struct dot4_layout {
  static constexpr std::int32_t row = static_cast<std::int32_t>(M);
  static constexpr bool post_indexed = row <= ldrd_reach;
  static constexpr std::int32_t unroll = !post_indexed || row >= dot4_unroll4_min_inputs ? 4 : 2;
  static constexpr std::int32_t lead = post_indexed ? 0 : row + (unroll - 1) * step_inputs - ldrd_reach;
  static constexpr std::int32_t steps = row / step_inputs;  // after a head of 4 inputs when M % 8 == 4
  static constexpr bool head4 = M % 8 == 4;
  static constexpr std::int32_t entry = (unroll - steps % unroll) % unroll;  // the slot the loop is entered at
  static constexpr std::int32_t group_skip = 3 * row;  // from row 4g+1 to row 4g+4 (pointers end a row on)
};

// The shapes dot4_groups_s8 takes: rows of whole words (4-byte aligned), a step at least, rows
// 4g and 4g+1 within LDRD reach of one pointer.
template <std::size_t M>
inline constexpr bool dot4_groups_s8_supported =
    M % 4 == 0 && M >= 8 && dot4_layout<M>::lead <= ldrd_reach;
// The four-row unit is compiled for each layer (about 450 bytes) and saves about a third of an
// instruction per MAC over the shared one-row loop: a layer takes it from this many MACs on.
inline constexpr std::size_t dot4_groups_min_macs = 4096;
// The groups of four rows dense_rows_s8 runs through dot4_groups_s8 (0: every row one at a time).
template <std::size_t M, std::size_t N>
inline constexpr std::size_t dense_rows_s8_groups = dot4_groups_s8_supported<M> && M * N >= dot4_groups_min_macs ? N / 4 : 0;


// A dense layer's weights, output and rescale, for dense_rows_s8 (built once by the caller).
struct dense_s8_args {
  const std::int8_t* w;    // N rows of M, row-major, 4-byte aligned
  std::int8_t* y;
  const std::int8_t* mid;  // a 256-entry table's middle (y = mid[y] after the clamp), or null
  channel_rescale r;
};

// A buffer for the pair words of M / 4 words of inputs, the sentinel and 3 words an LDM past it
// reads (or the row-pair layout's tail pair words).
template <std::size_t M>
struct pair_buffer {
  static constexpr std::size_t words = M / 4 * 2;
  std::int32_t storage[words + 4];
};
// The scratch dense_rows_s8 takes for the widened input: pair_buffer<M> at a 4-byte aligned
// address inside it (0: M < 4, nothing is widened).
template <std::size_t M>
inline constexpr std::size_t dense_rows_s8_scratch = M >= 4 ? sizeof(pair_buffer<M>) + 3 : 0;

// Row pairs: a weight layout (dense_s8_pack_pairs) in which the two bytes of each int16 half of
// a word are one input's weights of two rows a, b: [a_i ^ 0x80, b_i, a_j ^ 0x80, b_j] for the
// pair word (x_i, x_j). As int16 such a half is (a_i + 128) + 256 b_i, so SMLAD of the raw word
// sums (a + 128) x + 256 b x over the pair, and SMLAD of its SXTB16 ROR #8 sums b x: per word of
// 4 MACs one SXTB16 and two SMLAD. With R = bias_a + 256 bias_b - 128 sum(x) and B = bias_b at the
// start, row a's sum is R - 256 B at the end (int32 arithmetic modulo 2^32: the wrapped
// intermediates cancel, as the true sums fit in int32).
// The packed layout holds blocks of four rows (two pairs), then one of two rows when N % 4 >= 2:
// a block of R rows from row r in R M bytes at r M, in steps of 4 inputs (4 R bytes a step), in
// a step for pair k and half h the word for pair word 2q + h. A last row left over stays
// row-major after them.
// When t = M % 4 != 0 the block ends in a tail of R t bytes for inputs j = 4 (M/4) .. M - 1
// (blocks stay R M bytes, so 4-row blocks stay word aligned): for t >= 2 per pair k the word
// [a_j ^ 0x80, b_j, a_j+1 ^ 0x80, b_j+1] (for the pair word (x_j, x_j+1)); for t odd per pair k
// the halfword [a_l ^ 0x80, b_l] of the last input l = M - 1 (for a pair word (x_l, *)).
// Layers of rows of whole words and fewer MACs keep the row-major layout: their fixed costs (the
// sum of the inputs, a call per block size) outweigh what the layout saves. Rows with a tail take
// the layout at any size (row-major they run unaligned loads and a byte loop: 49 -> 8 on the M4F
// 3.88 -> 1.84 instructions per MAC, 5 -> 2 20 -> 16).
inline constexpr std::size_t dense_pairs_min_macs = 512;
template <std::size_t M, std::size_t N>
inline constexpr bool dense_pairs_s8_rows_fit = M >= 4 && N >= 2 && (M % 4 != 0 || M * N >= dense_pairs_min_macs);
template <std::size_t M, std::size_t N>
inline constexpr std::size_t dense_pairs_s8_groups = dense_pairs_s8_rows_fit<M, N> ? N / 4 : 0;
template <std::size_t M, std::size_t N>
inline constexpr std::size_t dense_pairs_s8_rows = dense_pairs_s8_rows_fit<M, N> ? N / 2 * 2 : 0;
// Bytes of the packed layout per step of 4 inputs of four rows (one LDM of four words).
inline constexpr std::int32_t pairs_step_bytes = 4 * word_bytes;
// The packed layout's steps run this many at a time (one compare and branch per round).
inline constexpr std::int32_t pairs_unroll = 4;

// Where the packed layout keeps row o's (o < dense_pairs_s8_rows) weight of input i, and whether
// that is the first row of its pair (the byte XOR 0x80).
template <std::size_t M, std::size_t N>
constexpr std::size_t dense_pairs_s8_at(std::size_t o, std::size_t i) {
  const std::size_t block = o / 4 * 4, rows = block + 4 <= N ? 4 : 2;
  const std::size_t k = (o - block) / 2, q = i / 4, h = i % 2, hi = i % 4 / 2;
  if (q < M / 4) return block * M + rows * 4 * q + 4 * (2 * k + h) + 2 * hi + o % 2;
  const std::size_t tail = block * M + rows * 4 * q, u = i - 4 * q;  // the tail's input u < M % 4
  if (M % 4 >= 2 && u < 2) return tail + 4 * k + 2 * u + o % 2;
  return tail + (M % 4 >= 2 ? 2 * rows : 0) + 2 * k + o % 2;  // the last input, t odd
}

// w (row-major, N rows of M) into p in the row-pair layout, as a constant expression or at run
// time: the weights a network's constant object holds when it is packed for this target
// (quant/dense.hpp).
// (Written in the layout's order, with no division: an exported header packs its layers when it
// is compiled.)
template <std::size_t M, std::size_t N>
constexpr void dense_s8_pack_pairs(const std::int8_t* w, std::int8_t* p) {
  std::size_t at = 0;
  for (std::size_t block = 0; block < dense_pairs_s8_rows<M, N>; block += 4) {
    const std::size_t rows = block + 4 <= N ? 4 : 2;
    for (std::size_t i = 0; i < M / 4 * 4; i += 4)  // a step: for pair k, half h: [a_i, b_i, a_i+2, b_i+2]
      for (std::size_t k = 0; k < rows; k += 2)
        for (std::size_t h = 0; h < 2; ++h, at += 4) {
          const std::int8_t* a = w + (block + k) * M + i + h;
          p[at] = static_cast<std::int8_t>(a[0] ^ 0x80);
          p[at + 1] = a[M];
          p[at + 2] = static_cast<std::int8_t>(a[2] ^ 0x80);
          p[at + 3] = a[M + 2];
        }
    constexpr std::size_t j = M / 4 * 4;  // the tail: for t >= 2 a word per pair, for t odd a halfword
    if constexpr (M % 4 >= 2)
      for (std::size_t k = 0; k < rows; k += 2, at += 4) {
        const std::int8_t* a = w + (block + k) * M + j;
        p[at] = static_cast<std::int8_t>(a[0] ^ 0x80);
        p[at + 1] = a[M];
        p[at + 2] = static_cast<std::int8_t>(a[1] ^ 0x80);
        p[at + 3] = a[M + 1];
      }
    if constexpr (M % 2 == 1)
      for (std::size_t k = 0; k < rows; k += 2, at += 2) {
        const std::int8_t* a = w + (block + k) * M + M - 1;
        p[at] = static_cast<std::int8_t>(a[0] ^ 0x80);
        p[at + 1] = a[M];
      }
  }
  for (; at < M * N; ++at) p[at] = w[at];
}

// Row o's weight of input i in dense_s8_pack_pairs's layout p.
template <std::size_t M, std::size_t N>
constexpr std::int8_t dense_s8_packed_weight(const std::int8_t* p, std::size_t o, std::size_t i) {
  if (o >= dense_pairs_s8_rows<M, N>) return p[o * M + i];
  const std::int8_t v = p[dense_pairs_s8_at<M, N>(o, i)];
  return o % 2 == 0 ? static_cast<std::int8_t>(v ^ 0x80) : v;
}

#ifdef STATICNN_ARM_DSP
// Pair words of x[0 .. 4 words) into xp[0 .. 2 words): (x0, x2), (x1, x3), (x4, x6), ... One copy
// for every layer. words >= 1; x at any alignment.
[[gnu::noipa]] inline void widen_pairs_s8(const std::int8_t* x, std::int32_t* xp, std::size_t words) {
  std::uint32_t v, a, b;
  asm volatile("1:\n"
               "ldr %[v], [%[x]], #%c[word]\n"
               "sxtb16 %[a], %[v]\n"
               "sxtb16 %[b], %[v], ror #8\n"
               "strd %[a], %[b], [%[p]], #%c[pairs]\n"
               "subs %[n], %[n], #1\n"
               "bne 1b\n"
               : [x] "+r"(x), [p] "+r"(xp), [n] "+r"(words), [v] "=&r"(v), [a] "=&r"(a), [b] "=&r"(b)
               : [word] "i"(word_bytes), [pairs] "i"(2 * word_bytes)
               : "cc", "memory");
}

// acc[4g + r] = bias[4g + r] + w[(4g + r) M .. (4g + r + 1) M) . x for r < 4, g < groups >= 1, x
// given as pair words xp[0 .. M/2) followed by pair_sentinel and 3 readable words; w 4-byte
// aligned; dot4_groups_s8_supported<M>. Steps run dot4_layout::unroll at a time, the loop entered
// at the slot that leaves a whole number of rounds; the next step's pair words are loaded at the
// end of each step, so the loop ends when one of them is the sentinel. The loop over the groups is in the asm too (bias, output, group end and
// input start live in memory).
// Registers: r0-r3 pair words, r4-r6 weights, r7 r8 r10 r11 the four sums, r9 and lr the row
// pointers A and B, r12 the pair word pointer.
template <std::size_t M>
[[gnu::always_inline]] inline void dot4_groups_s8(const std::int32_t* xp, const std::int8_t* w, const std::int32_t* bias,
                                                  std::int32_t* acc, std::size_t groups) {
  using L = dot4_layout<M>;
  static_assert(dot4_groups_s8_supported<M>, "dot4_groups_s8: rows of whole words within LDRD reach");
  register const std::int8_t* pa asm("r9") = w + L::lead;
  register const std::int8_t* pb asm("lr") = w + 2 * L::row + L::lead;
  register const std::int32_t* xq asm("r12") = xp;
  const std::int32_t* const acc_end = acc + 4 * groups;
  const std::int32_t group_skip = L::group_skip;
// One row's eight products into sum register A: LOAD brings its weights into r4, r5.
#define STATICNN_DOT4_ROW(A, LOAD) \
  LOAD                             \
  "sxtb16 r6, r4\n"                \
  "smlad " A ", r0, r6, " A "\n"   \
  "sxtb16 r4, r4, ror #8\n"        \
  "smlad " A ", r1, r4, " A "\n"   \
  "sxtb16 r6, r5\n"                \
  "smlad " A ", r2, r6, " A "\n"   \
  "sxtb16 r5, r5, ror #8\n"        \
  "smlad " A ", r3, r5, " A "\n"
// One row's four products (of r0, r1) from the word in r4.
#define STATICNN_DOT4_HEAD_ROW(A, LOAD) \
  LOAD                                  \
  "sxtb16 r6, r4\n"                     \
  "smlad " A ", r0, r6, " A "\n"        \
  "sxtb16 r4, r4, ror #8\n"             \
  "smlad " A ", r1, r4, " A "\n"
// One step of the four rows; S: the step's offset (slot * step_inputs) where the pointers do not move.
#define STATICNN_DOT4_STEP(S)                                              \
  ".if %c[post]\n"                                                         \
  STATICNN_DOT4_ROW("r8", "ldrd r4, r5, [%[pa], #%c[row]]\n")              \
  STATICNN_DOT4_ROW("r7", "ldrd r4, r5, [%[pa]], #%c[step]\n")             \
  STATICNN_DOT4_ROW("r11", "ldrd r4, r5, [%[pb], #%c[row]]\n")             \
  STATICNN_DOT4_ROW("r10", "ldrd r4, r5, [%[pb]], #%c[step]\n")            \
  ".else\n"                                                                \
  STATICNN_DOT4_ROW("r7", "ldrd r4, r5, [%[pa], #(" S " - %c[lead])]\n")   \
  STATICNN_DOT4_ROW("r8", "ldrd r4, r5, [%[pa], #(" S " + %c[row1])]\n")   \
  STATICNN_DOT4_ROW("r10", "ldrd r4, r5, [%[pb], #(" S " - %c[lead])]\n")  \
  STATICNN_DOT4_ROW("r11", "ldrd r4, r5, [%[pb], #(" S " + %c[row1])]\n")  \
  ".endif\n"                                                               \
  "ldm %[x]!, {r0, r1, r2, r3}\n"
  asm volatile(
      "2:\n"
      "ldr r4, %[bp]\n"
      "ldm r4!, {r7, r8, r10, r11}\n"
      "str r4, %[bp]\n"
      "ldr %[x], %[xbegin]\n"
      ".if %c[head4]\n"
      "ldrd r0, r1, [%[x]], #%c[head_pairs]\n"
      ".if %c[post]\n"
      STATICNN_DOT4_HEAD_ROW("r8", "ldr r4, [%[pa], #%c[row]]\n")
      STATICNN_DOT4_HEAD_ROW("r7", "ldr r4, [%[pa]], #%c[head]\n")
      STATICNN_DOT4_HEAD_ROW("r11", "ldr r4, [%[pb], #%c[row]]\n")
      STATICNN_DOT4_HEAD_ROW("r10", "ldr r4, [%[pb]], #%c[head]\n")
      ".else\n"
      STATICNN_DOT4_HEAD_ROW("r7", "ldrd r4, r5, [%[pa], #-%c[lead]]\n")
      STATICNN_DOT4_HEAD_ROW("r8", "ldrd r4, r5, [%[pa], #%c[row1]]\n")
      STATICNN_DOT4_HEAD_ROW("r10", "ldrd r4, r5, [%[pb], #-%c[lead]]\n")
      STATICNN_DOT4_HEAD_ROW("r11", "ldrd r4, r5, [%[pb], #%c[row1]]\n")
      "add %[pa], %[pa], #%c[head]\n"
      "add %[pb], %[pb], #%c[head]\n"
      ".endif\n"
      ".endif\n"
      "ldm %[x]!, {r0, r1, r2, r3}\n"
      ".if %c[entry]\n"
      ".if !%c[post]\n"
      "sub %[pa], %[pa], #%c[entry] * %c[step]\n"
      "sub %[pb], %[pb], #%c[entry] * %c[step]\n"
      ".endif\n"
      ".if %c[entry] == 1\n"
      "b 5f\n"
      ".elseif %c[entry] == 2\n"
      "b 6f\n"
      ".else\n"
      "b 7f\n"
      ".endif\n"
      ".endif\n"
      "1:\n"
      STATICNN_DOT4_STEP("0")
      "5:\n"
      STATICNN_DOT4_STEP("%c[step]")
      ".if %c[unroll] == 4\n"
      "6:\n"
      STATICNN_DOT4_STEP("2 * %c[step]")
      "7:\n"
      STATICNN_DOT4_STEP("3 * %c[step]")
      ".endif\n"
      ".if !%c[post]\n"
      "add %[pa], %[pa], #%c[unroll] * %c[step]\n"
      "add %[pb], %[pb], #%c[unroll] * %c[step]\n"
      ".endif\n"
      "cmp r0, #%c[sentinel]\n"
      "bne 1b\n"
      "ldr r4, %[o]\n"
      "stm r4!, {r7, r8, r10, r11}\n"
      "str r4, %[o]\n"
      ".if %c[skip_imm] <= %c[addw_reach]\n"
      "addw %[pa], %[pa], #%c[skip_imm]\n"
      "addw %[pb], %[pb], #%c[skip_imm]\n"
      ".else\n"
      "ldr r5, %[skip]\n"
      "add %[pa], %[pa], r5\n"
      "add %[pb], %[pb], r5\n"
      ".endif\n"
      "ldr r5, %[end]\n"
      "cmp r4, r5\n"
      "bne 2b\n"
      : [pa] "+r"(pa), [pb] "+r"(pb), [x] "+r"(xq), [bp] "+m"(bias), [o] "+m"(acc)
      : [row] "i"(L::row), [row1] "i"(L::row - L::lead), [lead] "i"(L::lead), [step] "i"(step_inputs),
        [head] "i"(head_inputs), [head_pairs] "i"(head_pair_bytes), [post] "i"(L::post_indexed ? 1 : 0), [unroll] "i"(L::unroll), [head4] "i"(L::head4 ? 1 : 0),
        [entry] "i"(L::entry), [sentinel] "i"(pair_sentinel), [skip_imm] "i"(L::group_skip), [addw_reach] "i"(addw_reach), [xbegin] "m"(xp), [skip] "m"(group_skip),
        [end] "m"(acc_end)
      : "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r10", "r11", "cc", "memory");
#undef STATICNN_DOT4_STEP
#undef STATICNN_DOT4_HEAD_ROW
#undef STATICNN_DOT4_ROW
}

// widen_pairs_s8, returning the sum of the words' 4 words int8 inputs. One copy for every layer.
[[gnu::noipa]] inline std::int32_t widen_pairs_sum_s8(const std::int8_t* x, std::int32_t* xp, std::size_t words) {
  std::uint32_t v, a, b;
  std::int32_t sum = 0;
  asm volatile("1:\n"
               "ldr %[v], [%[x]], #%c[word]\n"
               "sxtb16 %[a], %[v]\n"
               "sxtb16 %[b], %[v], ror #8\n"
               "strd %[a], %[b], [%[p]], #%c[pairs]\n"
               "smlad %[s], %[a], %[ones], %[s]\n"
               "smlad %[s], %[b], %[ones], %[s]\n"
               "subs %[n], %[n], #1\n"
               "bne 1b\n"
               : [x] "+r"(x), [p] "+r"(xp), [n] "+r"(words), [v] "=&r"(v), [a] "=&r"(a), [b] "=&r"(b), [s] "+r"(sum)
               : [word] "i"(word_bytes), [pairs] "i"(2 * word_bytes), [ones] "r"(0x00010001)
               : "cc", "memory");
  return sum;
}

// acc[R b + r] = bias[R b + r] + (row R b + r) . x for r < R = Rows (4 or 2), b < blocks >= 1, w
// the row-pair layout's blocks of R rows (dense_s8_pack_pairs, 4-byte aligned), x given as pair
// words xp[0 .. 2 (M/4)) followed by pair_sentinel and two readable words (the tail's pair
// words); offset = 128 sum(x); entry = (pairs_unroll - (M/4) % pairs_unroll) % pairs_unroll. Steps of 4 inputs (one LDRD of two pair
// words, one LDM of the block's R words), pairs_unroll at a time, each block's loop entered at
// slot `entry` (TBB), so that it runs whole rounds; the next pair words are
// loaded at the end of each step, so a round ends the block when its first is the sentinel.
// The loop over the blocks is in the asm too (bias, output, end, input start, offset and entry
// live in memory). One copy per R and Tail for every layer: sizes come at run time.
// Tail = M % 4: each block ends in the layout's tail of R Tail bytes, and the sentinel is followed
// by the pair word (x_j, x_j+1) (j = 4 (M/4); for Tail = 1 (x_j, *)), for Tail = 3 by (x_M-1, *):
// the loop's last LDRD leaves the first in r1; SMLAD takes the tail's words of inputs j, j+1,
// SMLABB (SMLATB) the last input's halfword of pair 0 (1).
// Registers: r0 r1 pair words, r2 r3 SXTB16 results, r4-r7 weights, r8 r9 (R, B) of pair 0,
// r10 r11 of pair 1, r12 the pair word pointer, lr the weight pointer.
template <std::int32_t Rows, std::int32_t Tail = 0>
[[gnu::noipa]] inline void pair_blocks_s8(const std::int32_t* xp, const std::int8_t* w, const std::int32_t* bias,
                                         std::int32_t* acc, std::size_t blocks, std::int32_t offset,
                                         std::int32_t entry) {
  static_assert(Rows == 4 || Rows == 2, "pair_blocks_s8: blocks of two pairs or one");
  static_assert(Tail >= 0 && Tail < word_bytes, "pair_blocks_s8: a tail of M % 4 inputs");
  register const std::int8_t* pw asm("lr") = w;
  register const std::int32_t* xq asm("r12") = xp;
  const std::int32_t* const acc_end = acc + Rows * blocks;
#define STATICNN_PAIRS_STEP                  \
  ".if %c[four]\n"                           \
  "ldm %[w]!, {r4, r5, r6, r7}\n"            \
  ".else\n"                                  \
  "ldrd r4, r5, [%[w]], #%c[pairs]\n"        \
  ".endif\n"                                 \
  "smlad r8, r4, r0, r8\n"                   \
  "sxtb16 r2, r4, ror #8\n"                  \
  "smlad r9, r2, r0, r9\n"                   \
  "smlad r8, r5, r1, r8\n"                   \
  "sxtb16 r3, r5, ror #8\n"                  \
  "smlad r9, r3, r1, r9\n"                   \
  ".if %c[four]\n"                           \
  "smlad r10, r6, r0, r10\n"                 \
  "sxtb16 r2, r6, ror #8\n"                  \
  "smlad r11, r2, r0, r11\n"                 \
  "smlad r10, r7, r1, r10\n"                 \
  "sxtb16 r3, r7, ror #8\n"                  \
  "smlad r11, r3, r1, r11\n"                 \
  ".endif\n"                                 \
  "ldrd r0, r1, [%[x]], #%c[pairs]\n"
  asm volatile(
      "2:\n"
      "ldr r2, %[bp]\n"
      ".if %c[four]\n"
      "ldm r2!, {r8, r9, r10, r11}\n"
      ".else\n"
      "ldm r2!, {r8, r9}\n"
      ".endif\n"
      "str r2, %[bp]\n"
      "ldr r3, %[off]\n"
      "add r8, r8, r9, lsl #8\n"
      "sub r8, r8, r3\n"
      ".if %c[four]\n"
      "add r10, r10, r11, lsl #8\n"
      "sub r10, r10, r3\n"
      ".endif\n"
      "ldr %[x], %[xbegin]\n"
      "ldrd r0, r1, [%[x]], #%c[pairs]\n"
      "ldr r2, %[entry]\n"
      "tbb [pc, r2]\n"
      "3:\n"
      ".byte (1f - 3b) / 2, (5f - 3b) / 2, (6f - 3b) / 2, (7f - 3b) / 2\n"
      "1:\n"
      STATICNN_PAIRS_STEP
      "5:\n"
      STATICNN_PAIRS_STEP
      "6:\n"
      STATICNN_PAIRS_STEP
      "7:\n"
      STATICNN_PAIRS_STEP
      "cmp r0, #%c[sentinel]\n"
      "bne 1b\n"
      ".if %c[tail] >= 2\n"  // inputs j, j+1: per pair a word, against r1 = (x_j, x_j+1)
      ".if %c[four]\n"
      "ldrd r4, r5, [%[w]], #%c[pairs]\n"
      ".else\n"
      "ldr r4, [%[w]], #%c[word]\n"
      ".endif\n"
      "smlad r8, r4, r1, r8\n"
      "sxtb16 r2, r4, ror #8\n"
      "smlad r9, r2, r1, r9\n"
      ".if %c[four]\n"
      "smlad r10, r5, r1, r10\n"
      "sxtb16 r3, r5, ror #8\n"
      "smlad r11, r3, r1, r11\n"
      ".endif\n"
      ".endif\n"
      ".if %c[tail] == 3\n"
      "ldr r1, [%[x]]\n"  // (x_M-1, *)
      ".endif\n"
      ".if %c[tail] & 1\n"  // the last input: per pair a halfword, against r1's bottom half
      ".if %c[four]\n"
      "ldr r4, [%[w]], #%c[word]\n"
      "smlabb r8, r4, r1, r8\n"
      "smlatb r10, r4, r1, r10\n"
      "sxtb16 r2, r4, ror #8\n"
      "smlabb r9, r2, r1, r9\n"
      "smlatb r11, r2, r1, r11\n"
      ".else\n"
      "ldrh r4, [%[w]], #%c[half]\n"
      "smlabb r8, r4, r1, r8\n"
      "sxtb16 r2, r4, ror #8\n"
      "smlabb r9, r2, r1, r9\n"
      ".endif\n"
      ".endif\n"
      "sub r8, r8, r9, lsl #8\n"
      "ldr r2, %[o]\n"
      ".if %c[four]\n"
      "sub r10, r10, r11, lsl #8\n"
      "stm r2!, {r8, r9, r10, r11}\n"
      ".else\n"
      "stm r2!, {r8, r9}\n"
      ".endif\n"
      "str r2, %[o]\n"
      "ldr r3, %[end]\n"
      "cmp r2, r3\n"
      "bne 2b\n"
      : [w] "+r"(pw), [x] "+r"(xq), [bp] "+m"(bias), [o] "+m"(acc)
      : [pairs] "i"(2 * word_bytes), [word] "i"(word_bytes), [half] "i"(word_bytes / 2), [tail] "i"(Tail),
        [four] "i"(Rows == 4 ? 1 : 0), [entry] "m"(entry), [sentinel] "i"(pair_sentinel), [xbegin] "m"(xp),
        [off] "m"(offset), [end] "m"(acc_end)
      : "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "cc", "memory");
#undef STATICNN_PAIRS_STEP
}
static_assert(pairs_unroll == 4, "pair_blocks_s8: four step slots");
static_assert(pairs_step_bytes == 16, "pair_blocks_s8: one LDM of four words a step");

// One output's rescale, saturated to int8 (before the clamp): inline in the short (doubled) form
// when AllDoubled (SMMULR of 2 acc, as the conv stages; c = 2^(e-1) + (zero_point << e) =
// (2 zero_point + 1) << (e - 1), e - 1 = ~shift), else requantize_out_of_line (fixed_point.hpp).
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

// min(max(v, lo), hi) for v, lo, hi in [-128, 127], in four instructions: SSUB8 sets GE per byte
// where the first operand's byte is at least the second's, SEL takes those bytes from the first.
// Byte 0 compares the values; bytes 1 to 3 compare sign bytes (0 or 0xff), and the larger
// (smaller) sign byte is the sign byte of the larger (smaller) value, so the whole word is exact.
[[gnu::always_inline]] inline std::int32_t clamp_s8(std::int32_t v, std::int32_t lo, std::int32_t hi) {
  std::int32_t t;
  asm("ssub8 %[t], %[v], %[lo]\n"
      "sel %[v], %[v], %[lo]\n"
      "ssub8 %[t], %[hi], %[v]\n"
      "sel %[v], %[v], %[hi]\n"
      : [v] "+r"(v), [t] "=&r"(t)
      : [lo] "r"(lo), [hi] "r"(hi));
  return v;
}

// All N accumulators rescaled, clamped and looked up into a.y in a loop with no asm in it (so the
// compiler keeps its state in registers): one copy with the clamp and one without (for
// act_min/act_max at the int8 range), each looking up whether or not a.mid is set
// (no-unswitch-loops). One copy for all layers (sizes at run time).
template <bool AllDoubled>
[[gnu::noipa, gnu::optimize("no-unswitch-loops")]] void dense_rescale_s8(const dense_s8_args& a, std::size_t N,
                                                                        const std::int32_t* acc) {
  const std::int32_t* const multiplier = a.r.multiplier;
  const std::int8_t* const shift = a.r.shift;
  const std::int8_t* const mid = a.mid;
  const std::int32_t zero_point = a.r.zero_point, lo = a.r.act_min, hi = a.r.act_max;
  std::int8_t* const y = a.y;
  // Two copies of the loop: without the clamp where it is the saturation's identity.
  auto rescale = [&]<bool Clamped>() {
#pragma GCC unroll 1
    for (std::size_t o = 0; o < N; ++o) {
      std::int32_t v = dense_out<AllDoubled>(acc[o], multiplier[o], shift[o], zero_point);
      if constexpr (Clamped) v = clamp_s8(v, lo, hi);
      y[o] = mid != nullptr ? mid[v] : static_cast<std::int8_t>(v);
    }
  };
  if (lo > -128 || hi < 127)
    rescale.template operator()<true>();
  else
    rescale.template operator()<false>();
}

// Rows [done, N) one at a time into acc[done .. N) (the four-row unit left acc[0 .. done)), then
// all N through dense_rescale_s8.
// Rows of whole words (M % 4 == 0, w 4-byte aligned) take per 8 inputs one LDRD of weights and one
// LDM of 4 pair words (a head of 4 inputs when M % 8 == 4); other rows one unaligned LDR per word
// (Armv7-M allows it unless CCR.UNALIGN_TRP is set) and the last M % 4 products from x itself. Sizes at run time, so that every layer shares this copy.
template <bool AllDoubled>
[[gnu::noipa, gnu::optimize("no-unswitch-loops")]] void dense_rows_one_s8(const dense_s8_args& a, const std::int8_t* x,
                                                                         const std::int32_t* xp, std::size_t M,
                                                                         std::size_t done, std::size_t N,
                                                                         std::int32_t* acc) {
  const std::int8_t* wr = a.w + done * M;
  const std::int32_t* const bias = a.r.bias;
  const std::size_t words = M / 4;
  if (M % 4 != 0) {  // rows at any alignment
#pragma GCC unroll 1
    for (std::size_t o = done; o < N; ++o) {
      std::int32_t sum = bias[o];
      const std::int32_t* xw = xp;
#pragma GCC unroll 1
      for (std::size_t k = 0; k < words; ++k, wr += 4, xw += 2) {
        std::uint32_t v;
        __builtin_memcpy(&v, wr, 4);
        sum = __smlad(xw[0], __sxtb16(v), sum);
        sum = __smlad(xw[1], __sxtb16(std::rotr(v, 8)), sum);
      }
#pragma GCC unroll 1
      for (std::size_t i = 4 * words; i < M; ++i) sum += std::int32_t{*wr++} * x[i];
      acc[o] = sum;
    }
  }
#pragma GCC unroll 1
  for (std::size_t o = M % 4 == 0 ? done : N; o < N; ++o) {  // rows of whole words, 4-byte aligned
    std::int32_t sum = bias[o];
    const std::int32_t* xw = xp;
    // A word first when the count is odd, then per 8 inputs one LDRD of weights and one LDM of 4
    // pair words.
    register std::int32_t x0 asm("r0"), x1 asm("r1"), x2 asm("r2"), x3 asm("r3");
    std::int32_t t0, t1, t2;
    std::size_t n;
    asm volatile("lsrs %[n], %[words], #1\n"
                 "bcc 2f\n"
                 "ldr %[t0], [%[w]], #%c[word]\n"
                 "ldrd r0, r1, [%[x]], #%c[pairs]\n"
                 "sxtb16 %[t2], %[t0]\n"
                 "smlad %[a], r0, %[t2], %[a]\n"
                 "sxtb16 %[t0], %[t0], ror #8\n"
                 "smlad %[a], r1, %[t0], %[a]\n"
                 "beq 3f\n"  // flags still of the LSRS
                 "2:\n"
                 "ldrd %[t0], %[t1], [%[w]], #%c[step]\n"
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
                 "bne 2b\n"
                 "3:\n"
                 : [a] "+r"(sum), [w] "+r"(wr), [x] "+r"(xw), [n] "=&r"(n), "=&r"(x0), "=&r"(x1), "=&r"(x2),
                   "=&r"(x3), [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2)
                 : [words] "r"(words), [step] "i"(step_inputs), [word] "i"(word_bytes), [pairs] "i"(2 * word_bytes)
                 : "cc", "memory");
    acc[o] = sum;
  }
  dense_rescale_s8<AllDoubled>(a, N, acc);
}


// The whole int8 dense layer (kernels/dense_s8.hpp's arithmetic) over the widened input, for any
// M >= 1, N >= 1: four rows at a time (dot4_groups_s8) when its shape allows and it has at least
// dot4_groups_min_macs MACs, the N % 4 rows left over and every row of other layers one at a time. AllDoubled: every output's rescale takes the
// short form (fixed_point.hpp's doubled_rescale_applies), inline, with no general path.
// xp: the widened input's pair_buffer<M> storage (4-byte aligned; not read when M < 4), which
// may overlap y (written after the last read of xp) but not x.
template <std::size_t M, std::size_t N, bool AllDoubled = false>
[[gnu::noinline]] void dense_rows_s8(const dense_s8_args& a, const std::int8_t* x, std::int32_t* xp) {
  if constexpr (M >= 4) widen_pairs_s8(x, xp, M / 4);
  constexpr std::size_t groups = dense_rows_s8_groups<M, N>;
  std::int32_t acc[N];  // groups of four, then the rows left over
  if constexpr (groups > 0) {
    xp[pair_buffer<M>::words] = static_cast<std::int32_t>(pair_sentinel);
    dot4_groups_s8<M>(xp, a.w, a.r.bias, acc, groups);
  }
  dense_rows_one_s8<AllDoubled>(a, x, xp, M, 4 * groups, N, acc);
}
// dense_rows_s8 on weights in the row-pair layout (dense_s8_pack_pairs): the blocks of four rows
// and the one of two through pair_blocks_s8, a last row left over (row-major after them) alone.
template <std::size_t M, std::size_t N, bool AllDoubled = false>
[[gnu::noinline]] void dense_pairs_s8(const dense_s8_args& a, const std::int8_t* x, std::int32_t* xp) {
  constexpr std::size_t groups = dense_pairs_s8_groups<M, N>, rows = dense_pairs_s8_rows<M, N>;
  static_assert(rows > 0, "dense_pairs_s8: a word of inputs and two rows at least");
  constexpr std::size_t words = pair_buffer<M>::words;
  constexpr auto tail = static_cast<std::int32_t>(M % 4);
  std::int32_t sum = widen_pairs_sum_s8(x, xp, M / 4);
  xp[words] = static_cast<std::int32_t>(pair_sentinel);
  if constexpr (tail != 0) {  // the pair words of the tail after the sentinel (pair_blocks_s8)
    constexpr std::size_t j = M / 4 * 4;
    const auto pair = [](std::int32_t lo, std::int32_t hi) {
      return static_cast<std::int32_t>((static_cast<std::uint32_t>(lo) & 0xffffu) | static_cast<std::uint32_t>(hi) << 16);
    };
    for (std::size_t i = j; i < M; ++i) sum += x[i];
    xp[words + 1] = pair(x[j], tail >= 2 ? x[j + 1] : 0);
    if constexpr (tail == 3) xp[words + 2] = pair(x[M - 1], 0);
  }
  const auto offset = static_cast<std::int32_t>(static_cast<std::uint32_t>(sum) << 7);
  std::int32_t acc[N];
  constexpr std::int32_t entry = (pairs_unroll - static_cast<std::int32_t>(M / 4) % pairs_unroll) % pairs_unroll;
  if constexpr (groups > 0) pair_blocks_s8<4, tail>(xp, a.w, a.r.bias, acc, groups, offset, entry);
  if constexpr (rows > 4 * groups)
    pair_blocks_s8<2, tail>(xp, a.w + 4 * groups * M, a.r.bias + 4 * groups, acc + 4 * groups, 1, offset, entry);
  if constexpr (rows < N)  // a last row left over
    dense_rows_one_s8<AllDoubled>(a, x, xp, M, rows, N, acc);
  else
    dense_rescale_s8<AllDoubled>(a, N, acc);
}
template <std::size_t M, std::size_t N, bool AllDoubled = false>
[[gnu::noinline]] void dense_pairs_s8(const dense_s8_args& a, const std::int8_t* x) {
  pair_buffer<M> buffer;
  dense_pairs_s8<M, N, AllDoubled>(a, x, buffer.storage);
}
// The same with the widened input on the stack. Not inlined: the buffer lives in its own frame,
// not in the caller's for the whole forward pass (the stack high-water mark is the deepest
// stage's, not their sum).
template <std::size_t M, std::size_t N, bool AllDoubled = false>
[[gnu::noinline]] void dense_rows_s8(const dense_s8_args& a, const std::int8_t* x) {
  pair_buffer<M> buffer;
  if constexpr (M < 4) buffer = {};  // not read (no whole word of inputs)
  dense_rows_s8<M, N, AllDoubled>(a, x, buffer.storage);
}
#else
template <std::size_t M, std::size_t N, bool AllDoubled = false>
void dense_rows_s8(const dense_s8_args& a, const std::int8_t* x);  // DSP only
template <std::size_t M, std::size_t N, bool AllDoubled = false>
void dense_pairs_s8(const dense_s8_args& a, const std::int8_t* x);  // DSP only
#endif

}  // namespace staticnn::kernels::arm
