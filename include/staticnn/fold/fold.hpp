#pragma once
// BatchNorm folding. At inference a batchnorm is y = s * x + (beta - s * mean) per channel, with
// s = gamma / sqrt(running_var + eps), so it fuses into the conv2d or dense before it:
//   W'[o] = s[o] * W[o],   b'[o] = s[o] * (b[o] - mean[o]) + beta[o].
// fold_batchnorm(net) returns a network of a new type without batchnorm layers (folded_t<Net>);
// a batchnorm with nothing foldable before it becomes a scale_shift layer. A residual block is
// folded inside: its chain and its shortcut chain each as a network (fold_residual).
#include <array>
#include <cmath>
#include <cstddef>
#include <type_traits>

#include "../core/sequential.hpp"
#include "../layers/batchnorm.hpp"
#include "../layers/conv2d.hpp"
#include "../layers/dense.hpp"
#include "../layers/depthwise_conv2d.hpp"
#include "../layers/residual.hpp"
#include "../layers/scale_shift.hpp"

namespace staticnn {

template <class L>
inline constexpr bool is_batchnorm = false;
template <class In, class T>
inline constexpr bool is_batchnorm<batchnorm_layer<In, T>> = true;

// Layers with per-output-channel weights and a bias that a following batchnorm can fold into.
template <class L>
inline constexpr bool absorbs_batchnorm = false;
template <class In, std::size_t OutC, std::size_t K, std::size_t S, std::size_t P, class T, std::size_t KW, std::size_t SW, std::size_t PL, std::size_t PB, std::size_t PR>
inline constexpr bool absorbs_batchnorm<conv2d_layer<In, OutC, K, S, P, T, KW, SW, PL, PB, PR>> = true;
template <class In, std::size_t N, class T>
inline constexpr bool absorbs_batchnorm<dense_layer<In, N, T>> = true;

// depthwise_conv2d: channel c's K x K weights are its row, scaled like a conv2d output channel's.
template <class In, std::size_t K, std::size_t S, std::size_t P, class T, std::size_t KW, std::size_t SW, std::size_t PL, std::size_t PB, std::size_t PR>
inline constexpr bool absorbs_batchnorm<depthwise_conv2d_layer<In, K, S, P, T, KW, SW, PL, PB, PR>> = true;

template <class L>
inline constexpr bool is_residual = false;
template <class In, class T, class Chain, class Skip>
inline constexpr bool is_residual<residual_layer<In, T, Chain, Skip>> = true;

namespace detail {
template <class Done, class... Rest>
struct fold_types;
template <class Net>
struct folded;
template <class L>
struct folded_layer {
  using type = L;
};
template <class Branch>
struct folded_branch {
  using type = typename folded<Branch>::type;
};
template <>
struct folded_branch<identity_shortcut> {
  using type = identity_shortcut;
};
template <class In, class T, class Chain, class Skip>
struct folded_layer<residual_layer<In, T, Chain, Skip>> {
  using type = residual_layer<In, T, typename folded<Chain>::type, typename folded_branch<Skip>::type>;
};
template <class... Done>
struct fold_types<type_list<void, Done...>> {
  using type = network<Done...>;
};
template <class... Done, class A, class... Rest>
struct fold_types<type_list<void, Done...>, A, Rest...> {
  using type = typename fold_types<type_list<void, Done..., typename folded_layer<A>::type>, Rest...>::type;
};
template <class... Done, class A, class... Rest>
  requires is_batchnorm<A>
struct fold_types<type_list<void, Done...>, A, Rest...> {
  using type = typename fold_types<
      type_list<void, Done..., scale_shift_layer<typename A::in_shape, typename A::value_type>>, Rest...>::type;
};
template <class... Done, class A, class B, class... Rest>
  requires(absorbs_batchnorm<A> && is_batchnorm<B>)
struct fold_types<type_list<void, Done...>, A, B, Rest...> {
  using type = typename fold_types<type_list<void, Done..., A>, Rest...>::type;
};
template <class... Ls>
struct folded<network<Ls...>> {
  using type = typename fold_types<type_list<void>, Ls...>::type;
};
}  // namespace detail

// The type fold_batchnorm returns for a network type.
template <class Net>
using folded_t = typename detail::folded<Net>::type;

// Per-channel scale s and shift t of a batchnorm in inference mode (computed in double).
template <class In, class T>
constexpr void batchnorm_affine(const batchnorm_layer<In, T>& bn, std::array<double, In::channels>& s,
                                std::array<double, In::channels>& t) {
  for (std::size_t c = 0; c < In::channels; ++c) {
    s[c] = static_cast<double>(bn.gamma()[c]) /
           std::sqrt(static_cast<double>(bn.running_var()[c]) + batchnorm_layer<In, T>::epsilon);
    t[c] = static_cast<double>(bn.beta()[c]) - s[c] * static_cast<double>(bn.running_mean()[c]);
  }
}

template <Layer... Ls>
folded_t<network<Ls...>> fold_batchnorm(const network<Ls...>& net);

// A residual block with its chain and its shortcut chain folded (the identity stays).
template <class In, class T, class Chain, class Skip>
typename detail::folded_layer<residual_layer<In, T, Chain, Skip>>::type fold_residual(
    const residual_layer<In, T, Chain, Skip>& r) {
  typename detail::folded_layer<residual_layer<In, T, Chain, Skip>>::type out;
  out.body = fold_batchnorm(r.body);
  if constexpr (!residual_layer<In, T, Chain, Skip>::identity) out.skip = fold_batchnorm(r.skip);
  return out;
}

template <Layer... Ls>
folded_t<network<Ls...>> fold_batchnorm(const network<Ls...>& net) {
  using Out = folded_t<network<Ls...>>;
  constexpr std::size_t N = sizeof...(Ls);
  constexpr std::array<bool, N> bn{is_batchnorm<Ls>...}, absorbs{absorbs_batchnorm<Ls>...};
  // target[i]: the layer of the result that source layer i becomes (or folds into).
  constexpr auto target = [&] {
    std::array<std::size_t, N> t{};
    std::size_t k = 0;
    for (std::size_t i = 0; i < N; ++i) t[i] = (bn[i] && i > 0 && absorbs[i - 1]) ? k - 1 : k++;
    return t;
  }();
  Out out;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          const auto& src = net.template layer<I>();
          auto& dst = out.template layer<target[I]>();
          if constexpr (is_residual<std::remove_cvref_t<decltype(src)>>) {
            dst = fold_residual(src);
          } else if constexpr (!bn[I]) {
            dst = src;
          } else {
            using B = std::remove_cvref_t<decltype(src)>;
            using T = typename B::value_type;
            constexpr std::size_t C = B::in_shape::channels;
            std::array<double, C> s, t;
            batchnorm_affine(src, s, t);
            if constexpr (I > 0 && absorbs[I > 0 ? I - 1 : 0]) {
              // dst holds the copied conv2d/dense: output channel c's weights are a contiguous row.
              using D = std::remove_cvref_t<decltype(dst)>;
              constexpr std::size_t per = D::weight_count / C;
              for (std::size_t c = 0; c < C; ++c) {
                for (std::size_t k = 0; k < per; ++k)
                  dst.weights()[c * per + k] = static_cast<T>(s[c] * static_cast<double>(dst.weights()[c * per + k]));
                dst.bias()[c] = static_cast<T>(s[c] * static_cast<double>(dst.bias()[c]) + t[c]);
              }
            } else {
              for (std::size_t c = 0; c < C; ++c)
                dst.params[c] = static_cast<T>(s[c]), dst.params[C + c] = static_cast<T>(t[c]);
            }
          }
        }(),
        ...);
  }(std::make_index_sequence<N>{});
  return out;
}

}  // namespace staticnn
