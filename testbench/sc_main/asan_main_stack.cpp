// SPDX-License-Identifier: Apache-2.0
// Sanitizer builds only (FLOWSIM_SANITIZE, cmake/FlowsimSanitizers.cmake): every call of
// sc_core::sc_start is routed here (ld --wrap), and afterwards ASan is told again where the
// main thread's stack is.
//
// Why: Debian's libsystemc 2.3.4 announces its coroutine switches to ASan
// (__sanitizer_start/finish_switch_fiber, weak references, active in an ASan binary), but when
// it switches back to sc_main's context it does not pass the main stack's bounds, so after
// sc_start returns ASan believes the main thread runs on the last coroutine's stack. An
// exception thrown on the main stack then makes __asan_handle_no_return give up ("ASan is
// ignoring requested __asan_handle_no_return ... False positive error reports may follow"),
// the frames it unwound keep their poisoned red zones, and the next function using that stack
// is reported as a stack-buffer-underflow that is not there. Minimal reproducer:
// .ci/asan/systemc_main_stack_repro.cpp (README "Sanitizers and fuzzing"). Re-announcing the
// main stack (a zero-length "switch" to where we already are) fixes ASan's view and keeps
// every check on; nothing is suppressed.
#include <pthread.h>

#include <cstddef>
#include <cstdlib>

#include <systemc>

extern "C" {
void __sanitizer_start_switch_fiber(void** fake_stack_save, const void* bottom, std::size_t size);
void __sanitizer_finish_switch_fiber(void* fake_stack_save, const void** bottom_old, std::size_t* size_old);
void __real__ZN7sc_core8sc_startEv();
void __real__ZN7sc_core8sc_startERKNS_7sc_timeENS_20sc_starvation_policyE(const sc_core::sc_time& duration,
                                                                          sc_core::sc_starvation_policy p);
}

namespace {

void announce_main_stack() {
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) std::abort();
  void* bottom = nullptr;
  std::size_t size = 0;
  pthread_attr_getstack(&attr, &bottom, &size);
  pthread_attr_destroy(&attr);
  __sanitizer_start_switch_fiber(nullptr, bottom, size);
  __sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
}

}  // namespace

extern "C" void __wrap__ZN7sc_core8sc_startEv() {
  __real__ZN7sc_core8sc_startEv();
  announce_main_stack();
}

extern "C" void __wrap__ZN7sc_core8sc_startERKNS_7sc_timeENS_20sc_starvation_policyE(
    const sc_core::sc_time& duration, sc_core::sc_starvation_policy p) {
  __real__ZN7sc_core8sc_startERKNS_7sc_timeENS_20sc_starvation_policyE(duration, p);
  announce_main_stack();
}
