// The host test runner: doctest's main (its implementation is host/doctest_impl.cpp); every test
// lives in the files beside this one.
#include <doctest/doctest.h>

int main(int argc, char** argv) { return doctest::Context(argc, argv).run(); }
