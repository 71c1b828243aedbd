// SPDX-License-Identifier: Apache-2.0
// A calendar queue for the model's timed work (a time wheel, as in Varghese & Lauck's
// "hashed timing wheels", with an overflow heap for the far future): items become due at
// an absolute time in integer picoseconds and are taken in (due, push order), so runs are
// deterministic. Pushing and taking cost O(1) for the near future, which is where the
// datapath's work lies (a frame's next stage is nanoseconds to microseconds ahead): the
// wheel has kBuckets buckets of 2^kShiftPs picoseconds; a bucket keeps its items in a vector
// sorted when the wheel reaches it. Nothing allocates once every bucket has grown to its
// largest load. Plain C++ (no SystemC), so it can be tested and measured on its own.
//
// Contract: an item is never pushed earlier than the last item taken (the caller's "now");
// the wheel clamps such an item to that time and counts it (late_pushes()).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <vector>

namespace flowsim::model {

template <class T>
class TimeWheel {
 public:
  static constexpr unsigned kShiftPs = 14;     // 16.384 ns per bucket
  static constexpr std::uint64_t kBuckets = 4096;  // 67 us of near future

  void push(std::uint64_t due, T item) {
    if (due < floor_) {
      due = floor_;
      ++late_pushes_;
    }
    const Entry e{due, seq_++, item};
    const std::uint64_t b = due >> kShiftPs;
    if (b >= cursor_ + kBuckets) {
      overflow_.push_back(e);
      std::push_heap(overflow_.begin(), overflow_.end(), later);
      return;
    }
    Bucket& bucket = buckets_[b & kMask];
    if (b == cursor_ && bucket.head > 0) {
      // The bucket being taken is sorted from head on: keep it so.
      bucket.items.insert(std::upper_bound(bucket.items.begin() + static_cast<std::ptrdiff_t>(bucket.head),
                                           bucket.items.end(), e, earlier),
                          e);
    } else {
      if (!bucket.items.empty() && earlier(e, bucket.items.back())) bucket.sorted = false;
      bucket.items.push_back(e);
    }
    mark(b & kMask);
    ++size_;
  }

  bool empty() const { return size_ == 0 && overflow_.empty(); }
  std::size_t size() const { return size_ + overflow_.size(); }

  // The earliest due time. Precondition: !empty().
  std::uint64_t next_due() {
    if (size_ == 0) return overflow_.front().due;
    Bucket& b = buckets_[next_bucket()];
    sort(b);
    return b.items[b.head].due;
  }

  // The earliest item and its due time, left in place (what pop() takes next), in one look:
  // the item is valid until the next push or pop. Precondition: !empty().
  struct Peek {
    std::uint64_t due;
    const T* item;
  };
  Peek peek() {
    if (size_ == 0) return {overflow_.front().due, &overflow_.front().item};
    Bucket& b = buckets_[next_bucket()];
    sort(b);
    return {b.items[b.head].due, &b.items[b.head].item};
  }
  // The earliest item, left in place (the one pop() takes next). Precondition: !empty().
  const T& next() {
    if (size_ == 0) return overflow_.front().item;
    Bucket& b = buckets_[next_bucket()];
    sort(b);
    return b.items[b.head].item;
  }

  // Takes the earliest item. Precondition: !empty().
  T pop(std::uint64_t* due = nullptr) {
    if (size_ == 0) advance_to(overflow_.front().due >> kShiftPs);
    const std::size_t index = next_bucket();
    Bucket& b = buckets_[index];
    sort(b);
    const Entry e = b.items[b.head];
    const std::uint64_t bucket_no = cursor_ + ((index - (cursor_ & kMask)) & kMask);
    if (bucket_no != cursor_) advance_to(bucket_no);
    const T item = e.item;
    floor_ = e.due;
    if (due != nullptr) *due = e.due;
    if (++b.head == b.items.size()) {
      b.items.clear();
      b.head = 0;
      b.sorted = true;
      unmark(index);
    }
    --size_;
    return item;
  }

  // Items pushed with a due time before the last one taken (and taken at that time instead).
  std::uint64_t late_pushes() const { return late_pushes_; }
  // The due time of the last item taken (0 before the first).
  std::uint64_t floor() const { return floor_; }

 private:
  static constexpr std::uint64_t kMask = kBuckets - 1;
  static constexpr std::size_t kWords = kBuckets / 64;

  struct Entry {
    std::uint64_t due;
    std::uint64_t seq;
    T item;
  };
  struct Bucket {
    std::vector<Entry> items;
    std::size_t head = 0;  // items before head were taken
    bool sorted = true;
  };

  static bool earlier(const Entry& a, const Entry& b) { return a.due != b.due ? a.due < b.due : a.seq < b.seq; }
  static bool later(const Entry& a, const Entry& b) { return earlier(b, a); }

  void mark(std::size_t i) { used_[i / 64] |= std::uint64_t{1} << (i % 64); }
  void unmark(std::size_t i) { used_[i / 64] &= ~(std::uint64_t{1} << (i % 64)); }

  static void sort(Bucket& b) {
    if (b.sorted) return;
    std::sort(b.items.begin() + static_cast<std::ptrdiff_t>(b.head), b.items.end(), earlier);
    b.sorted = true;
  }

  // The first non-empty bucket at or after the cursor (wrapping). Precondition: size_ > 0.
  std::size_t next_bucket() const {
    const std::size_t start = cursor_ & kMask;
    std::size_t word = start / 64;
    std::uint64_t bits = used_[word] & (~std::uint64_t{0} << (start % 64));
    for (std::size_t n = 0; n <= kWords; ++n) {
      if (bits != 0) return word * 64 + static_cast<std::size_t>(std::countr_zero(bits));
      word = (word + 1) % kWords;
      bits = used_[word];
    }
    return start;  // unreachable while size_ > 0
  }

  // Moves the wheel's window to start at bucket `b` and brings the overflow items that now
  // fall inside it onto the wheel.
  void advance_to(std::uint64_t b) {
    cursor_ = b;
    while (!overflow_.empty() && (overflow_.front().due >> kShiftPs) < cursor_ + kBuckets) {
      std::pop_heap(overflow_.begin(), overflow_.end(), later);
      const Entry e = overflow_.back();
      overflow_.pop_back();
      Bucket& bucket = buckets_[(e.due >> kShiftPs) & kMask];
      if (!bucket.items.empty() && earlier(e, bucket.items.back())) bucket.sorted = false;
      bucket.items.push_back(e);
      mark((e.due >> kShiftPs) & kMask);
      ++size_;
    }
  }

  std::array<Bucket, kBuckets> buckets_{};
  std::array<std::uint64_t, kWords> used_{};  // bit per non-empty bucket
  std::vector<Entry> overflow_;               // min-heap of items beyond the window
  std::uint64_t cursor_ = 0;                  // bucket number of the window's start
  std::uint64_t floor_ = 0;
  std::uint64_t seq_ = 0;
  std::size_t size_ = 0;  // items on the wheel (not in overflow_)
  std::uint64_t late_pushes_ = 0;
};

}  // namespace flowsim::model
