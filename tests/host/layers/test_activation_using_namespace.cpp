// Networks written as the README writes them: <cmath> (so ::tanh) and `using namespace staticnn;`
// at global scope. The file compiling is the main check: htan must name the tanh spec there
// (an unqualified tanh is ambiguous with ::tanh), and sigmoid and relu must not collide either.
#include <cmath>

#include <doctest/doctest.h>

#include <array>
#include <type_traits>

#include <staticnn/staticnn.hpp>
using namespace staticnn;

using small_net = sequential<shape<1, 6, 6>,
    conv2d<2, 3>, batchnorm, htan, avg_pool<2>,
    flatten, dense<4>, relu, dense<3>, sigmoid>;
static_assert(std::is_same_v<small_net::out_shape, shape<3>>);
static_assert(std::is_same_v<small_net::layer_type<2>::op, tanh_op>);
static_assert(std::is_same_v<htan, staticnn::tanh>, "htan and staticnn::tanh are one spec");

TEST_CASE("activation: htan under using namespace staticnn is tanh") {
  // tanh(ln 2) = (4 - 1) / (4 + 1) = 3/5, tanh(0) = 0, tanh(-ln 2) = -3/5.
  using layer = htan::bind<shape<3>, double>;
  std::array<double, 3> x{std::log(2.0), 0, -std::log(2.0)}, y{};
  layer{}.forward(x, y);
  CHECK(y[0] == doctest::Approx(0.6).epsilon(1e-15));
  CHECK(y[1] == 0.0);
  CHECK(y[2] == doctest::Approx(-0.6).epsilon(1e-15));
}
