// The firmware half: the exported network (STATICNN_MODEL_HEADER, from staticnn_add_firmware's
// MODEL) on the host's input, checked against the host's logits.
#include <array>
#include <cmath>

#include "runtime.hpp"
#define STATICNN_ASSERT_HANDLER(msg, file, line) ::staticnn::fw::assert_failed(msg, file, line)
#include <staticnn/staticnn.hpp>

#include "console.hpp"
#include "expected.hpp"
#include "net.hpp"
#include STATICNN_MODEL_HEADER

int main() {
  using staticnn::fw::console::print;
  constexpr const auto& net = STATICNN_MODEL_NAMESPACE::get<consumer::folded>();
  std::array<float, consumer::folded::out_shape::size> y{};
  net.forward(consumer_expected::input, y);
  float worst = 0;
  for (std::size_t k = 0; k < y.size(); ++k)
    worst = std::fmax(worst, std::fabs(y[k] - consumer_expected::logits[k]));
  const bool ok = worst <= 1e-5f;
  print("consumer_fw on ", STATICNN_MACHINE_NAME, ": max |logit - host| ",
        staticnn::fw::console::fixed{worst, 9}, ok ? " - logits match\n" : " - MISMATCH\n");
  return ok ? 0 : 1;
}
