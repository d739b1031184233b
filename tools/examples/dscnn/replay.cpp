// Checks what the dscnn program wrote, with its exported headers compiled in (the ones the
// firmware is built from): each header holds exactly the expected model type and computes the
// reference logits on every test image (../common/float_int8_example.hpp's replay).
//   dscnn_replay <dir written by dscnn>        exit 0: pass, 1: a logit differs, 2: bad files
#include <string>

#include "../common/float_int8_example.hpp"
#include "float.hpp"
#include "int8.hpp"
#include "models.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  return staticnn::examples::replay("dscnn", argv[1], dscnn_float::get<dscnn::folded>(),
                                    dscnn_int8::get<dscnn::int8>(), 2);
}
