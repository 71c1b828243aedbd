// SPDX-License-Identifier: Apache-2.0
// Minimal reproducer: ASan's false stack-buffer-underflow after sc_start with Debian 12's
// libsystemc 2.3.4 (see testbench/sc_main/asan_main_stack.cpp for the cause and the fix).
//
//   g++ -std=c++20 -DSC_CPLUSPLUS=201703L -g -O1 -fsanitize=address,undefined \
//       .ci/asan/systemc_main_stack_repro.cpp $(pkg-config --cflags --libs systemc) -o repro
//   ./repro            # "ASan is ignoring requested __asan_handle_no_return", then
//                      # "ERROR: AddressSanitizer: stack-buffer-underflow" in reuse()
//   FIX=1 ./repro      # the main stack announced again after sc_start: clean
#include <pthread.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <systemc>

extern "C" {
void __sanitizer_start_switch_fiber(void** fake_stack_save, const void* bottom, std::size_t size);
void __sanitizer_finish_switch_fiber(void* fake_stack_save, const void** bottom_old, std::size_t* size_old);
}

__attribute__((noinline)) void deep(int n) {
  volatile char pad[256];
  pad[0] = static_cast<char>(n);
  if (n == 0) throw std::runtime_error("deep");
  deep(n - 1);
  (void)pad[0];
}

__attribute__((noinline)) int reuse() {
  char big[4096];
  std::memset(big, 1, sizeof big);
  return big[100];
}

SC_MODULE(Waiter) {
  SC_CTOR(Waiter) { SC_THREAD(run); }
  void run() { wait(1, sc_core::SC_NS); }  // one coroutine switch is enough
};

int sc_main(int, char**) {
  Waiter w("w");
  sc_core::sc_start();
  if (std::getenv("FIX")) {
    pthread_attr_t attr;
    pthread_getattr_np(pthread_self(), &attr);
    void* bottom = nullptr;
    std::size_t size = 0;
    pthread_attr_getstack(&attr, &bottom, &size);
    pthread_attr_destroy(&attr);
    __sanitizer_start_switch_fiber(nullptr, bottom, size);
    __sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
  }
  try {
    deep(8);  // unwinding leaves the frames' red zones poisoned
  } catch (const std::exception& e) {
    std::printf("caught %s\n", e.what());
  }
  std::printf("reuse %d\n", reuse());  // reported as an overflow into those red zones
  return 0;
}
