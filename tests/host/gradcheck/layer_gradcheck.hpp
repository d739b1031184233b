#pragma once
// Central-difference gradient check of one layer in double precision, for tests of new layers:
// L = sum(w * y) over a batch of B samples with a fixed random w, through forward_train, so
// layers whose outputs depend on other values of the sample or the batch are checked fully.
//   const auto r = gradcheck::check_layer<L, B>(layer, x, seed);  // r.param_err, r.input_err
// (The same method as test_gradcheck.cpp, as a header.)
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <type_traits>
#include <vector>

#include "../support.hpp"
#include "staticnn/core/parallel.hpp"
#include "staticnn/core/tensor.hpp"
#include "staticnn/train/rng.hpp"

namespace gradcheck {

// Step and tolerance: truncation error h^2 f'''/6 ~ 1e-11, round-off ~ 1e-16 |L| / h ~ 1e-10;
// gradients below `abs_floor` are compared absolutely (1e-9).
inline constexpr double h = 1e-5, tol = 1e-6, abs_floor = 1e-3;

struct layer_report {
  double param_err = 0, input_err = 0;
  std::size_t params = 0, inputs = 0;
};

// Parameter k of the layer in its flat order (a composite layer's runs in turn).
template <class L>
double& param_at(L& layer, std::size_t k) {
  double* p = nullptr;
  staticnn::for_each_param_span(layer, [&](auto s) {
    if (p == nullptr && k < s.size()) p = &s[k];
    else if (p == nullptr) k -= s.size();
  });
  return *p;
}

// The layer is taken by value: every evaluation starts from the same parameters and state.
template <class L, std::size_t B>
double weighted_output(L layer, const std::vector<double>& x, const std::vector<double>& w) {
  using In = typename L::in_shape;
  using Out = typename L::out_shape;
  std::vector<double> y(B * Out::size);
  auto cache = std::make_unique<staticnn::layer_cache_t<L, B>>();
  staticnn::serial_executor ex;
  layer.forward_train(staticnn::batch_view<In, const double>{x.data()},
                      staticnn::batch_view<Out, double>{y.data()}, *cache, B, ex);
  double s = 0;
  for (std::size_t i = 0; i < y.size(); ++i) s += w[i] * y[i];
  return s;
}

template <class L, std::size_t B>
layer_report check_layer(const L& layer, const std::vector<double>& x, std::uint64_t seed) {
  static_assert(std::is_same_v<typename L::value_type, double>);
  using In = typename L::in_shape;
  using Out = typename L::out_shape;
  staticnn::train::rng g(seed);
  std::vector<double> w(B * Out::size);
  test_support::fill_uniform(w, g, -1, 1);

  // Analytic, with NaN-filled outputs so a backward that reads instead of writing shows up.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  L l = layer;
  std::vector<double> y(B * Out::size), dx(B * In::size, nan);
  std::array<double, L::param_count> grad;
  grad.fill(nan);
  auto cache = std::make_unique<staticnn::layer_cache_t<L, B>>();
  staticnn::serial_executor ex;
  l.forward_train(staticnn::batch_view<In, const double>{x.data()},
                  staticnn::batch_view<Out, double>{y.data()}, *cache, B, ex);
  l.backward(staticnn::batch_view<In, const double>{x.data()},
             staticnn::batch_view<Out, const double>{y.data()},
             staticnn::batch_view<Out, const double>{w.data()},
             staticnn::batch_view<In, double>{dx.data()}, std::span<double, L::param_count>(grad),
             *cache, B, ex);

  layer_report r;
  if constexpr (L::param_count > 0) {  // layers without parameters have no `params` member
    for (std::size_t k = 0; k < L::param_count; ++k) {
      L lp = layer, lm = layer;
      param_at(lp, k) += h;
      param_at(lm, k) -= h;
      const double num =
          (weighted_output<L, B>(lp, x, w) - weighted_output<L, B>(lm, x, w)) / (2 * h);
      const double e = test_support::rel_error(grad[k], num, abs_floor);
      r.param_err = std::isnan(e) ? 1e300 : std::max(r.param_err, e);
      ++r.params;
    }
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::vector<double> xp = x, xm = x;
    xp[i] += h;
    xm[i] -= h;
    const double num =
        (weighted_output<L, B>(layer, xp, w) - weighted_output<L, B>(layer, xm, w)) / (2 * h);
    const double e = test_support::rel_error(dx[i], num, abs_floor);
    r.input_err = std::isnan(e) ? 1e300 : std::max(r.input_err, e);
    ++r.inputs;
  }
  return r;
}

inline std::vector<double> random_values(std::size_t n, std::uint64_t seed, double lo = -1,
                                         double hi = 1) {
  std::vector<double> x(n);
  staticnn::train::rng g(seed);
  test_support::fill_uniform(x, g, lo, hi);
  return x;
}

}  // namespace gradcheck
