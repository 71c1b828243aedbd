// SPDX-License-Identifier: Apache-2.0
// sc_main for GoogleTest executables that link SystemC: libsystemc.so owns main() and calls
// sc_main (TOOLCHAIN.md trap 3), so tests cannot use gtest_main.
#include <gtest/gtest.h>

#include <cstdlib>
#include <systemc>

// Takes precedence over libsystemc.so's main: turns SystemC's banner off (trap 5) before the
// library would print it, in test discovery too, then hands over as the library's main does.
int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}

int sc_main(int argc, char* argv[]) {
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
