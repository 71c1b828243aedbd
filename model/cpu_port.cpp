// SPDX-License-Identifier: Apache-2.0
#include "model/cpu_port.hpp"

#include <algorithm>
#include <array>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "model/csr_block.hpp"
#include "net/byte_order.hpp"

namespace flowsim::model {
namespace {

using hw::desc::RxDesc;
using hw::desc::TxDesc;
using hw::reg::GloCfg;
using hw::reg::IrqCoalesce;
using hw::reg::IrqMask;
using hw::reg::IrqStatus;
using hw::reg::RingBaseHi;
using hw::reg::RingBaseLo;
using hw::reg::RingHead;
using hw::reg::RingSize;
using hw::reg::RingTail;

constexpr unsigned kRxRing = 0;
constexpr unsigned kTxRing = 1;
constexpr std::size_t kMaxFrame = 16384;  // largest frame a TX descriptor may carry

// A descriptor as the host sees it: little-endian 32-bit words.
template <std::size_t Size>
struct DescImage {
  std::array<std::uint8_t, Size> bytes{};
  std::uint32_t word(unsigned w) const { return net::load_le32(bytes.data() + 4 * w); }
  void set_word(unsigned w, std::uint32_t v) { net::store_le32(bytes.data() + 4 * w, v); }
};

}  // namespace

CpuPort::CpuPort(sc_core::sc_module_name name, Calendar& calendar, CsrBlock& csr, FramePool& pool,
                 std::vector<EgressSink*> egress, AsicObserver& observer, sc_core::sc_time dma_latency,
                 double dma_gbps, double meter_pps, unsigned meter_burst)
    : sc_core::sc_module(name),
      dma("dma"),
      irq_o("irq_o"),
      calendar_(calendar),
      csr_(csr),
      pool_(pool),
      egress_(std::move(egress)),
      observer_(observer),
      dma_latency_(dma_latency),
      dma_ps_per_byte_(8000.0 / dma_gbps),
      meter_interval_ps_(meter_pps > 0 ? sc_core::sc_time(1e12 / meter_pps, sc_core::SC_PS).value() : 0),
      meter_tolerance_ps_(meter_interval_ps_ * (meter_burst > 0 ? meter_burst - 1 : 0)),
      punts_("punts"),
      tx_buffer_(kMaxFrame) {
  SC_THREAD(rx_thread);
  SC_THREAD(tx_thread);
  SC_METHOD(coalesce_timeout);
  sensitive << coalesce_timer_;
  dont_initialize();
  // One process drives the line: register writes from the CPU only request an update.
  SC_METHOD(drive_irq);
  sensitive << irq_changed_;
  dont_initialize();
}

void CpuPort::reset() {
  ++epoch_;
  rx_head_ = 0;
  tx_head_ = 0;
  pending_rx_ = 0;
  timer_armed_ = false;
  coalesce_timer_.cancel();
  meter_tat_ps_ = 0;
}

std::uint64_t CpuPort::ring_base(unsigned ring) const {
  return std::uint64_t{csr_.value(RingBaseHi::offset(ring))} << 32 | csr_.value(RingBaseLo::offset(ring));
}

std::uint32_t CpuPort::ring_size(unsigned ring) const { return csr_.value(RingSize::offset(ring)); }

void CpuPort::punt(Frame* frame, const PuntInfo& info, std::uint64_t at_ps) {
  if (meter_interval_ps_ != 0) {
    // GCRA (virtual scheduling): conforming while the arrival is no earlier than the
    // theoretical arrival time minus the burst tolerance. Integer picoseconds: deterministic.
    if (at_ps + meter_tolerance_ps_ < meter_tat_ps_) {
      observer_.on_drop(frame->port, sc_core::sc_time::from_value(at_ps), frame->data.bytes(),
                        ModelDropReason::kPuntMeter, FrameOrigin::kWire);
      pool_.release(frame);
      return;
    }
    meter_tat_ps_ = std::max(meter_tat_ps_, at_ps) + meter_interval_ps_;
  }
  // The datapath may run ahead of the SystemC clock (Calendar): the RX process takes the
  // frame at its own time, and nothing after that is handled before it has.
  const std::uint64_t now = sc_core::sc_time_stamp().value();
  punts_.push(Punted{frame, info}, sc_core::sc_time::from_value(at_ps > now ? at_ps - now : 0));
  calendar_.sync_point(at_ps);
}

void CpuPort::rx_thread() {
  for (;;) {
    Punted p{};
    while (!punts_.pop_due(p)) wait(punts_.event());
    deliver(p);
    pool_.release(p.frame);
  }
}

bool CpuPort::dma_live(std::uint64_t epoch) const {
  return epoch == epoch_ && GloCfg::kEn.get(csr_.value(GloCfg::offset())) != 0;
}

void CpuPort::deliver(const Punted& p) {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const auto bytes = p.frame->data.bytes();
  const std::uint32_t size = ring_size(kRxRing);
  // A ring size that is not a power of two in 2..4096 is a driver bug; the port stays down.
  const bool ring_ok = size >= 2 && size <= 4096 && (size & (size - 1)) == 0 && ring_base(kRxRing) != 0;
  const std::uint64_t epoch = epoch_;
  if (!dma_live(epoch) || !ring_ok) {
    observer_.on_drop(p.frame->port, now, bytes, ModelDropReason::kCpuPortDown, FrameOrigin::kWire);
    return;
  }
  const std::uint32_t tail = csr_.value(RingTail::offset(kRxRing)) & (size - 1);
  if (rx_head_ == tail) {
    csr_.hw_add(hw::reg::PuntDrops::offset(), 1);
    observer_.on_drop(p.frame->port, now, bytes, ModelDropReason::kRxRingFull, FrameOrigin::kWire);
    raise(IrqStatus::kRxRingFull.mask());
    return;
  }
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  const std::uint64_t desc_addr = ring_base(kRxRing) + std::uint64_t{rx_head_} * RxDesc::kSize;
  DescImage<RxDesc::kSize> d;
  if (!dma_read(desc_addr, d.bytes.data(), RxDesc::kSize, delay)) {
    observer_.on_drop(p.frame->port, now, bytes, ModelDropReason::kCpuPortDown, FrameOrigin::kWire);
    return;
  }
  const std::uint64_t buf = std::uint64_t{d.word(RxDesc::BufAddrHi::kWord)} << 32 | d.word(RxDesc::BufAddrLo::kWord);
  const std::uint32_t buf_len = RxDesc::Len::kBufLen.get(d.word(RxDesc::Len::kWord));
  const auto copy = static_cast<unsigned>(std::min<std::size_t>(bytes.size(), buf_len));
  const bool truncated = copy < bytes.size();
  const bool data_ok = dma_write(buf, bytes.data(), copy, delay);
  // The descriptor completes once its data and its write-back have crossed the link, and the
  // write-back, HEAD and the punt happen at that one instant: a reset or a disable before it
  // aborts all of them, so that the driver's view (DONE, HEAD) and the frame's fate never
  // disagree.
  wait(delay + posted_write_time(RxDesc::kSize - 8));
  if (!dma_live(epoch)) {
    observer_.on_drop(p.frame->port, sc_core::sc_time_stamp(), bytes, ModelDropReason::kDeviceReset,
                      FrameOrigin::kWire);
    return;
  }
  std::uint32_t info = RxDesc::Info::kFoeIndex.make(p.info.foe_index) |
                       RxDesc::Info::kReason.make(static_cast<std::uint32_t>(p.info.reason)) |
                       RxDesc::Info::kSrcPort.make(p.frame->port);
  if (faults_ != nullptr && faults_->take(FaultKind::kRxDescriptorCorrupt)) {
    // Values no device may write: a port it does not have, a reason that does not exist.
    info = RxDesc::Info::kFoeIndex.make(p.info.foe_index) | RxDesc::Info::kReason.make(~0u) |
           RxDesc::Info::kSrcPort.make(~0u);
  }
  d.set_word(RxDesc::Len::kWord, RxDesc::Len::kBufLen.make(buf_len) | RxDesc::Len::kPktLen.make(copy));
  d.set_word(RxDesc::Info::kWord, info);
  d.set_word(RxDesc::Hash::kWord, p.info.hash);
  d.set_word(RxDesc::Status::kWord, RxDesc::Status::kDone.make(1) | RxDesc::Status::kTruncated.make(truncated));
  sc_core::sc_time already_waited = sc_core::SC_ZERO_TIME;
  bool ok = data_ok;
  if (ok && !(faults_ != nullptr && faults_->take(FaultKind::kDmaWriteLost))) {
    ok = dma_write(desc_addr + 8, d.bytes.data() + 8, RxDesc::kSize - 8, already_waited);
  }
  if (!ok) {
    observer_.on_drop(p.frame->port, sc_core::sc_time_stamp(), bytes, ModelDropReason::kCpuPortDown,
                      FrameOrigin::kWire);
    return;
  }
  rx_head_ = (rx_head_ + 1) & (size - 1);
  csr_.hw_set(RingHead::offset(kRxRing), rx_head_);
  observer_.on_punt(p.frame->port, sc_core::sc_time_stamp(), bytes, p.info.reason, p.info.foe_index);

  const std::uint32_t coalesce = csr_.value(IrqCoalesce::offset());
  const std::uint32_t max_pkts = IrqCoalesce::kMaxPkts.get(coalesce);
  ++pending_rx_;
  if (max_pkts == 0 || pending_rx_ >= max_pkts) {
    raise(IrqStatus::kRxDone.mask());
  } else if (!timer_armed_) {
    timer_armed_ = true;
    coalesce_timer_.notify(sc_core::sc_time(IrqCoalesce::kMaxDelayUs.get(coalesce), sc_core::SC_US));
  }
}

void CpuPort::coalesce_timeout() {
  timer_armed_ = false;
  if (pending_rx_ > 0) raise(IrqStatus::kRxDone.mask());
}

void CpuPort::raise(std::uint32_t status_bits) {
  if (status_bits & IrqStatus::kRxDone.mask()) {
    pending_rx_ = 0;
    timer_armed_ = false;
    coalesce_timer_.cancel();
  }
  csr_.hw_set(IrqStatus::offset(), csr_.value(IrqStatus::offset()) | status_bits);
  update_irq();
}

void CpuPort::update_irq() { irq_changed_.notify(sc_core::SC_ZERO_TIME); }

void CpuPort::drive_irq() {
  const bool level = (csr_.value(IrqStatus::offset()) & csr_.value(IrqMask::offset())) != 0;
  // A lost interrupt: the line stays low although a cause is pending, until the next
  // event that updates it.
  if (level && !irq_o.read() && faults_ != nullptr && faults_->take(FaultKind::kInterruptLost)) return;
  if (irq_o.read() != level) irq_o.write(level);
}

void CpuPort::tx_thread() {
  for (;;) {
    wait(tx_kick_);
    for (;;) {
      const std::uint32_t size = ring_size(kTxRing);
      const bool ring_ok = size >= 2 && size <= 4096 && (size & (size - 1)) == 0 && ring_base(kTxRing) != 0;
      if (!ring_ok || !GloCfg::kEn.get(csr_.value(GloCfg::offset()))) break;
      // A stalled TX engine takes no descriptor until the next soft reset.
      if (faults_ != nullptr && faults_->tx_stalled()) break;
      const std::uint32_t tail = csr_.value(RingTail::offset(kTxRing)) & (size - 1);
      // Every descriptor costs DMA time, so a driver that keeps moving TAIL only keeps the
      // engine busy, never stuck at one instant.
      if (tx_head_ == tail) break;
      if (!transmit_one(tx_head_)) break;
      tx_head_ = (tx_head_ + 1) & (size - 1);
      csr_.hw_set(RingHead::offset(kTxRing), tx_head_);
      raise(IrqStatus::kTxDone.mask());
    }
  }
}

bool CpuPort::transmit_one(unsigned index) {
  const std::uint64_t epoch = epoch_;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  const std::uint64_t desc_addr = ring_base(kTxRing) + std::uint64_t{index} * TxDesc::kSize;
  DescImage<TxDesc::kSize> d;
  const bool desc_ok = dma_read(desc_addr, d.bytes.data(), TxDesc::kSize, delay);
  const std::uint64_t buf = std::uint64_t{d.word(TxDesc::BufAddrHi::kWord)} << 32 | d.word(TxDesc::BufAddrLo::kWord);
  const std::uint32_t len = TxDesc::Len::kPktLen.get(d.word(TxDesc::Len::kWord));
  const std::uint32_t port = TxDesc::Ctrl::kDestPort.get(d.word(TxDesc::Ctrl::kWord));
  const bool len_ok = len != 0 && len <= kMaxFrame;
  const bool data_ok = desc_ok && len_ok && dma_read(buf, tx_buffer_.data(), len, delay);
  // Sent, dropped or aborted at one instant, with the write-back and HEAD (see deliver()):
  // once the frame is read and its DONE written back.
  const sc_core::sc_time done_write = posted_write_time(4);
  wait(delay + done_write);
  if (!dma_live(epoch)) return false;
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const sc_core::sc_time read_at = now - done_write;
  if (!desc_ok || (len_ok && !data_ok)) {
    observer_.on_drop(port, now, {}, ModelDropReason::kDmaError, FrameOrigin::kCpu);
  } else if (!len_ok) {
    observer_.on_drop(port, now, {}, ModelDropReason::kTxBadLength, FrameOrigin::kCpu);
  } else if (port >= egress_.size()) {
    observer_.on_drop(port, now, {tx_buffer_.data(), len}, ModelDropReason::kTxBadPort, FrameOrigin::kCpu);
  } else {
    Frame* f = pool_.acquire();
    f->data.assign({tx_buffer_.data(), len});
    f->port = port;
    f->origin = FrameOrigin::kCpu;
    egress_[port]->enqueue(f, read_at.value());
  }
  if (desc_ok && !(faults_ != nullptr && faults_->take(FaultKind::kDmaWriteLost))) {
    sc_core::sc_time already_waited = sc_core::SC_ZERO_TIME;
    d.set_word(TxDesc::Status::kWord, TxDesc::Status::kDone.make(1));
    dma_write(desc_addr + 4 * TxDesc::Status::kWord, d.bytes.data() + 4 * TxDesc::Status::kWord, 4, already_waited);
  }
  return true;
}

sc_core::sc_time CpuPort::posted_write_time(unsigned len) const {
  return sc_core::sc_time(static_cast<double>(len) * dma_ps_per_byte_, sc_core::SC_PS);
}

bool CpuPort::dma_access(tlm::tlm_command cmd, std::uint64_t addr, std::uint8_t* data, unsigned len,
                         sc_core::sc_time& delay) {
  trans_.set_command(cmd);
  trans_.set_address(addr);
  trans_.set_data_ptr(data);
  trans_.set_data_length(len);
  trans_.set_streaming_width(len);
  trans_.set_byte_enable_ptr(nullptr);
  trans_.set_dmi_allowed(false);
  trans_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  // A read waits for its completion (the host round trip); a posted write only occupies the
  // link for its bytes, so consecutive punts overlap their write-backs with the next read.
  delay += cmd == tlm::TLM_READ_COMMAND ? dma_latency_ : posted_write_time(len);
  dma->b_transport(trans_, delay);
  if (trans_.is_response_error()) {
    ++dma_errors_;
    return false;
  }
  return true;
}

}  // namespace flowsim::model
