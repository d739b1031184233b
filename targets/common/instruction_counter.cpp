#include "instruction_counter.hpp"

#include "cortex_m.hpp"

namespace cm = staticnn::fw::cortex_m;

namespace {
volatile std::uint32_t wrap_count = 0;
std::uint32_t period = staticnn::fw::instruction_counter::max_reload + 1;  // ticks per wrap
}  // namespace

// Each SysTick interrupt is one full period of the counter.
extern "C" void SysTick_Handler() { wrap_count = wrap_count + 1; }

namespace staticnn::fw::instruction_counter {

void start(std::uint32_t reload) {
  if (reload == 0 || reload > max_reload) reload = max_reload;
  cm::reg(cm::syst_csr) = 0;
  cm::reg(cm::syst_rvr) = reload;
  cm::reg(cm::syst_cvr) = 0;  // any write clears the counter; it reloads on the next tick
  period = reload + 1;
  wrap_count = 0;
  cm::reg(cm::syst_csr) = cm::syst_csr_clksource_cpu | cm::syst_csr_tickint | cm::syst_csr_enable;
}

// Ticks since start(): after the clear, the first tick loads RVR and each later tick counts
// down, so at counter value v the period has run (period - v) % period ticks. The wrap
// count is read on both sides of the counter so an interrupt in between is noticed; a wrap
// that is pending but not yet taken (counter just reloaded) is added from ICSR.PENDSTSET.
std::uint64_t elapsed_ticks() {
  for (;;) {
    const std::uint32_t w0 = wrap_count;
    const std::uint32_t value = cm::reg(cm::syst_cvr);
    const std::uint32_t pending = (cm::reg(cm::icsr) & cm::icsr_pendstset) ? 1u : 0u;
    if (wrap_count != w0) continue;
    std::uint64_t ticks = static_cast<std::uint64_t>(w0 + pending) * period;
    if (value != 0) ticks += period - value;
    return ticks;
  }
}

std::uint64_t stop_ticks() {
  const std::uint64_t ticks = elapsed_ticks();
  cm::reg(cm::syst_csr) = 0;
  return ticks;
}

std::uint32_t wraps() { return wrap_count; }

}  // namespace staticnn::fw::instruction_counter
