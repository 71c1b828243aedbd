// SPDX-License-Identifier: Apache-2.0
// TEST ONLY: a test binary that links allocation_counter.cpp has every global operator new
// replaced by one that counts, so that a test can check that a per-packet path does not
// allocate. All sixteen replaceable forms are replaced, not only the plain one: a
// library call that uses another form (std::stable_sort's temporary buffer is nothrow
// new, over-aligned types use aligned new) would otherwise be served by the default
// allocator, go uncounted, and under AddressSanitizer be freed by our delete: a
// new/free mismatch that aborts the whole binary.
#pragma once

#include <cstddef>

namespace flowsim::testing {

// Calls of any global operator new (or new[]) so far, in this process.
std::size_t allocation_count();

}  // namespace flowsim::testing
