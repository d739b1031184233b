// Negative test for the no_heap check: links a malloc and an operator new (stubs, since the
// real ones cannot link without _sbrk), so fw_heap_probe_no_heap must report both.
#include <cstddef>
#include <new>

namespace {
alignas(8) unsigned char arena[64];
}

extern "C" [[gnu::noinline]] void* malloc(std::size_t) { return arena; }
[[gnu::noinline]] void* operator new(std::size_t size) { return malloc(size); }

// Referenced from data, so neither the optimizer nor --gc-sections can drop them.
void* (*volatile keep_new)(std::size_t) = &::operator new;

int main() { return keep_new(4) == arena ? 0 : 1; }
