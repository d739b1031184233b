// Checks what the resnet8 program wrote, with its exported headers compiled in (the ones the
// firmware is built from): each header holds exactly the expected model type and computes the
// reference logits on every test image (../common/float_int8_example.hpp's replay).
//   resnet8_replay <dir written by resnet8>        exit 0: pass, 1: a logit differs, 2: bad files
#include <string>

#include "../common/float_int8_example.hpp"
#include "float.hpp"
#include "int8.hpp"
#include "models.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  return staticnn::examples::replay("resnet8", argv[1], resnet8_float::get<resnet8::folded>(),
                                    resnet8_int8::get<resnet8::int8>(), 3);
}
