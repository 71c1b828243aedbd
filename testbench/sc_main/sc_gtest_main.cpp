// SPDX-License-Identifier: Apache-2.0
// sc_main for GoogleTest executables that link SystemC: libsystemc.so owns main() and calls
// sc_main (TOOLCHAIN.md trap 3), so tests cannot use gtest_main.
#include <gtest/gtest.h>
#include <systemc>

int sc_main(int argc, char* argv[]) {
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
