#pragma once
// The target's serial console, if it has one: targets/<machine>/target.cmake picks the
// implementation (common/uart_none.cpp, or e.g. netduinoplus2/usart1.cpp).
#include <string_view>

namespace staticnn::fw::uart {
void init();                   // called by the reset handler before static constructors
void write(std::string_view);  // blocking
void flush();                  // returns once the last byte has left the shift register
}  // namespace staticnn::fw::uart
