// STM32F405 USART1 as the console: TX on PA9 (AF7), 115200 8N1 from the 16 MHz HSI that the
// part runs on after reset (APB2 = 16 MHz). QEMU's netduinoplus2 connects USART1 to its first
// serial port (-serial stdio); the RCC/GPIO writes only matter on a real board.
#include <cstdint>

#include "uart.hpp"

namespace {

volatile std::uint32_t& reg(std::uintptr_t address) {
  return *reinterpret_cast<volatile std::uint32_t*>(address);
}

constexpr std::uintptr_t rcc_ahb1enr = 0x40023830;
constexpr std::uintptr_t rcc_apb2enr = 0x40023844;
constexpr std::uintptr_t gpioa_moder = 0x40020000;
constexpr std::uintptr_t gpioa_afrh = 0x40020024;
constexpr std::uintptr_t usart1 = 0x40011000;
constexpr std::uintptr_t usart_sr = usart1 + 0x00;
constexpr std::uintptr_t usart_dr = usart1 + 0x04;
constexpr std::uintptr_t usart_brr = usart1 + 0x08;
constexpr std::uintptr_t usart_cr1 = usart1 + 0x0C;

constexpr std::uint32_t sr_tc = 1u << 6;                        // transmission complete
constexpr std::uint32_t sr_txe = 1u << 7;                       // data register empty
constexpr std::uint32_t cr1_te = 1u << 3;                       // transmitter enable
constexpr std::uint32_t cr1_ue = 1u << 13;                      // USART enable
constexpr std::uint32_t brr_115200_at_16mhz = (8u << 4) | 11u;  // 16e6 / (16 * 8.6875) = 115108

}  // namespace

namespace staticnn::fw::uart {

void init() {
  reg(rcc_ahb1enr) = reg(rcc_ahb1enr) | (1u << 0);                   // GPIOA clock
  reg(rcc_apb2enr) = reg(rcc_apb2enr) | (1u << 4);                   // USART1 clock
  reg(gpioa_moder) = (reg(gpioa_moder) & ~(3u << 18)) | (2u << 18);  // PA9: alternate function
  reg(gpioa_afrh) = (reg(gpioa_afrh) & ~(0xFu << 4)) | (7u << 4);    // PA9: AF7 = USART1_TX
  reg(usart_brr) = brr_115200_at_16mhz;
  reg(usart_cr1) = cr1_ue | cr1_te;
}

void write(std::string_view text) {
  for (char c : text) {
    while ((reg(usart_sr) & sr_txe) == 0) {
    }
    reg(usart_dr) = static_cast<std::uint8_t>(c);
  }
}

void flush() {
  while ((reg(usart_sr) & sr_tc) == 0) {
  }
}

}  // namespace staticnn::fw::uart
