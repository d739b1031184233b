// Reference only (not part of the product): prints layer_norm, group_norm and instance_norm
// outputs, input gradients and parameter gradients in double, one JSON line per case, for
// pytorch_norms.py to compare with PyTorch's functional layer_norm / group_norm / instance_norm.
//   g++ -std=c++20 -O1 -Iinclude docs/reference/norms_dump.cpp -o /tmp/norms_dump
//   /tmp/norms_dump > /tmp/norms.jsonl && /usr/bin/python3 docs/reference/pytorch_norms.py /tmp/norms.jsonl
#include <cstdio>
#include <vector>
#include <staticnn/layers/layer_norm.hpp>
#include <staticnn/layers/group_norm.hpp>
#include <staticnn/layers/instance_norm.hpp>
#include <staticnn/train/rng.hpp>
namespace sn = staticnn;
template <class L, std::size_t B>
void dump(const char* name, unsigned seed) {
  using In = typename L::in_shape;
  sn::train::rng g(seed);
  L l;
  for (auto& v : l.params) v = g.uniform(-1.5, 1.5);
  std::vector<double> x(B * In::size), y(x.size()), dy(x.size()), dx(x.size());
  for (auto& v : x) v = g.uniform(-2, 3);
  for (auto& v : dy) v = g.uniform(-1, 1);
  std::array<double, L::param_count> grad{};
  typename L::cache_type c;
  sn::serial_executor ex;
  l.forward_train({x.data()}, {y.data()}, c, B, ex);
  l.backward({x.data()}, {y.data()}, {dy.data()}, {dx.data()}, std::span<double, L::param_count>(grad), c, B, ex);
  auto pr = [](const char* k, const auto& v) { std::printf("\"%s\": [", k); for (std::size_t i = 0; i < v.size(); ++i) std::printf("%s%.17g", i ? "," : "", v[i]); std::printf("],"); };
  std::printf("{\"name\": \"%s\", \"shape\": [%zu, %zu, %zu, %zu],", name, B, In::channels, In::height, In::width);
  pr("params", l.params); pr("x", x); pr("dy", dy); pr("y", y); pr("dx", dx); pr("grad", grad);
  std::printf("\"end\": 0}\n");
}
int main() {
  dump<sn::layer_norm::bind<sn::shape<2, 3, 2>, double>, 3>("layer_norm", 1);
  dump<sn::layer_norm::bind<sn::shape<5>, double>, 4>("layer_norm_flat", 2);
  dump<sn::group_norm<2>::bind<sn::shape<4, 3, 2>, double>, 3>("group_norm2", 3);
  dump<sn::group_norm<1>::bind<sn::shape<3, 2, 2>, double>, 2>("group_norm1", 4);
  dump<sn::instance_norm::bind<sn::shape<3, 2, 3>, double>, 3>("instance_norm", 5);
}
