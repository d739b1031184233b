// Checks what the cnn3x3 program wrote, with its exported headers compiled in (the ones the
// firmware is built from): each header holds exactly the expected model type (folded float,
// int8 with its padded convolutions spelled out) and computes the reference logits on every test
// image (../common/float_int8_example.hpp's replay).
//   cnn3x3_replay <dir written by cnn3x3>        exit 0: pass, 1: a logit differs, 2: bad files
#include <staticnn/staticnn.hpp>

#include "../common/float_int8_example.hpp"
#include "float.hpp"
#include "int8.hpp"

int main(int argc, char** argv) {
  namespace sn = staticnn;
  using float_model = sn::folded_t<sn::models::cnn3x3>;
  using int8_model = sn::quant::quantized_t<float_model>;
  if (argc != 2) return 2;
  return sn::examples::replay("cnn3x3", argv[1], cnn3x3_float::get<float_model>(), cnn3x3_int8::get<int8_model>(), 2);
}
