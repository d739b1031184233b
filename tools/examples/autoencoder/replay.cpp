// Checks what the autoencoder program wrote, with its exported headers compiled in (the ones the
// firmware is built from): each header holds exactly the expected model type and computes the
// reference logits on every test image (../common/float_int8_example.hpp's replay).
//   autoencoder_replay <dir written by autoencoder>        exit 0: pass, 1: a logit differs, 2: bad files
#include <staticnn/models/autoencoder.hpp>

#include "../common/float_int8_example.hpp"
#include "float.hpp"
#include "int8.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  using folded = staticnn::folded_t<staticnn::models::autoencoder>;
  return staticnn::examples::replay("autoencoder", argv[1], autoencoder_float::get<folded>(),
                                    autoencoder_int8::get<staticnn::quant::quantized_t<folded>>(), 1);
}
