// SPDX-License-Identifier: Apache-2.0
#include "testbench/capture/endpoint_emulator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "net/byte_order.hpp"
#include "testbench/capture/capture_artefacts.hpp"
#include "testbench/capture/header_rewriter.hpp"
#include "testbench/capture/tcp_resegmenter.hpp"
#include "testbench/pcap/link_layer.hpp"

namespace flowsim::capture {
namespace {

constexpr std::size_t kEthHeader = 14;
constexpr std::size_t kMinFrame = 60;
// Preamble, start of frame delimiter and inter-frame gap: bytes a frame costs on the wire.
constexpr std::uint64_t kWireOverhead = 20;

std::string_view reason_of_kind(PacketKind k) {
  switch (k) {
    case PacketKind::kArp: return "arp";
    case PacketKind::kNeighbourDiscovery: return "neighbour_discovery";
    case PacketKind::kMalformed: return "malformed";
    default: return "not_ip";
  }
}

bool all_zero(std::span<const std::uint8_t> b) {
  return std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0; });
}

}  // namespace

// The records to replay, in order: one capture, or per-port traces merged by timestamp.
struct EndpointEmulator::Source {
  struct Stream {
    pcap::PcapReader reader;
    unsigned port;
    pcap::PcapRecord head;
    bool live = false;
    std::uint64_t last_ts_ns = 0;
  };
  std::vector<Stream> streams;

  void advance(Stream& s, EmulationListener& listener) {
    s.live = s.reader.next(s.head);
    if (!s.live && !s.reader.truncation().empty()) {
      listener.truncated_file(fmt::format("{}: {}; the {} whole packets before it were replayed",
                                          s.reader.path().string(), s.reader.truncation(), s.reader.packets_read()));
    }
  }
  // The stream whose next record comes first (by timestamp, then file order).
  Stream* next() {
    Stream* best = nullptr;
    for (auto& s : streams) {
      if (s.live && (best == nullptr || s.head.timestamp_ns < best->head.timestamp_ns)) best = &s;
    }
    return best;
  }
};

EndpointEmulator::EndpointEmulator(std::shared_ptr<const CaptureIndex> index, EmulationOptions options,
                                   EmulationListener& listener)
    : index_(std::move(index)), options_(std::move(options)), listener_(listener) {
  files_.push_back(index_->file);
}

EndpointEmulator::EndpointEmulator(std::vector<PerPortFile> files, EmulationOptions options,
                                   EmulationListener& listener)
    : options_(std::move(options)), listener_(listener), per_port_(true), per_port_files_(std::move(files)) {
  for (const auto& f : per_port_files_) files_.push_back(f.file);
  // Recorded per-port traces keep their recorded times exactly; the rate modes keep each
  // conversation's causality.
  if (options_.timing.mode == TimingMode::kRecorded) options_.causality = false;
}

EndpointEmulator::~EndpointEmulator() = default;

void EndpointEmulator::start(std::uint64_t start_ps) {
  std::vector<std::uint64_t> speeds;
  for (const auto& p : options_.ports) speeds.push_back(p.speed_bps);
  std::uint64_t mean_gap_ns = 1'000'000;
  if (index_ && index_->packets > 1) mean_gap_ns = (index_->last_ts_ns - index_->first_ts_ns) / (index_->packets - 1);
  clock_ = std::make_unique<ReplayClock>(options_.timing, start_ps, std::move(speeds), mean_gap_ns);
  open_loop(start_ps);
  if (!source_->streams.empty()) {
    const Source::Stream* first = source_->next();
    if (first != nullptr) first_ts_ns_ = first->head.timestamp_ns;
  }
  read_next();
}

void EndpointEmulator::open_loop(std::uint64_t now_ps) {
  source_ = std::make_unique<Source>();
  if (per_port_) {
    for (const auto& f : per_port_files_) source_->streams.push_back(Source::Stream{pcap::PcapReader(f.file), f.port, {}, false, 0});
  } else {
    source_->streams.push_back(Source::Stream{pcap::PcapReader(index_->file), 0, {}, false, 0});
  }
  for (auto& s : source_->streams) source_->advance(s, listener_);
  conversations_ = std::make_unique<ConversationTable>();
  states_.emplace_back(loop_, std::vector<ConversationState>());
  // Older loops are forgotten once nothing of theirs waits any more.
  auto idle = [](const std::vector<ConversationState>& v) {
    return std::all_of(v.begin(), v.end(), [](const ConversationState& st) { return st.queue.empty(); });
  };
  while (states_.size() > 2 && idle(states_.front().second)) states_.pop_front();
  if (loop_ > 0) clock_->new_loop(now_ps);
}

EndpointEmulator::ConversationState* EndpointEmulator::state(std::uint32_t loop, std::uint32_t conversation) {
  for (auto& [l, v] : states_) {
    if (l != loop) continue;
    if (conversation >= v.size()) v.resize(std::size_t{conversation} + 1);
    return &v[conversation];
  }
  return nullptr;  // a loop long gone
}

void EndpointEmulator::decide_conversation(ConversationState& st, const Conversation& c) {
  st.decided = true;
  if (per_port_) {
    st.tracked = options_.causality;
    return;
  }
  st.initiator_side = index_->side_of(source_of(c.initiator));
  st.responder = destination_of(c.initiator);
  st.responder_group = is_group_address(st.responder);
  st.responder_side = st.responder_group ? st.initiator_side : index_->side_of(st.responder);
  const auto& routers = options_.router_addresses;
  st.responder_router = std::find(routers.begin(), routers.end(), st.responder) != routers.end();
  // The responder of a conversation with the router is on the other side (its DNAT target,
  // learned when the router delivers), unless the router answers itself.
  if (st.responder_router) {
    st.responder_side = st.initiator_side == Side::kLan ? Side::kWan : Side::kLan;
  }
  st.same_side = !st.responder_group && !st.responder_router && st.initiator_side == st.responder_side &&
                 !options_.inject_same_side;
  st.tracked = options_.causality;
}

void EndpointEmulator::build_frame(const pcap::PcapRecord& rec, const InspectedPacket& p, unsigned port,
                                   std::vector<std::uint8_t>& out) const {
  const std::span<const std::uint8_t> in(rec.bytes);
  const std::span<const std::uint8_t> ip = in.subspan(p.l3_offset);
  out.resize(kEthHeader + ip.size());
  // The sender's own MAC where the capture has it; the router port's as destination, unless
  // the packet is for a group (which the router receives as every host on the link does).
  const bool src_real = !rec.synthetic_macs || !all_zero(in.subspan(6, 6));
  const net::MacAddr src = src_real ? net::MacAddr::from_bytes(in.data() + 6) : made_up_mac(source_of(p.tuple));
  const net::MacAddr captured_dst = net::MacAddr::from_bytes(in.data());
  const bool group = captured_dst.is_multicast() || is_group_address(destination_of(p.tuple));
  const net::MacAddr dst = group ? captured_dst : options_.ports.at(port).mac;
  dst.write_to(out.data());
  src.write_to(out.data() + 6);
  net::store_be16(out.data() + 12, p.tuple.family == 4 ? 0x0800 : 0x86dd);
  std::copy(ip.begin(), ip.end(), out.begin() + kEthHeader);
  if (out.size() < kMinFrame) out.resize(kMinFrame, 0);
}

bool EndpointEmulator::read_next() {
  for (;;) {
    Source::Stream* s = source_->next();
    if (s == nullptr) {
      if (loop_ + 1 < std::max(1u, options_.timing.loops)) {
        loop_pending_ = true;
        return false;
      }
      exhausted_ = true;
      return false;
    }
    const std::uint32_t file = static_cast<std::uint32_t>(s - source_->streams.data());
    pcap::PcapRecord& rec = s->head;
    listener_.captured();
    PacketTag tag{file, rec.index, loop_, 0, Direction::kForward, false};
    const std::string where = fmt::format("{}: packet #{}", files_[file].string(), rec.index);
    Held h;
    h.ts_ns = rec.timestamp_ns;
    if (per_port_ && rec.timestamp_ns < s->last_ts_ns && options_.timing.mode == TimingMode::kRecorded) {
      listener_.warn("timestamp_backwards", tag, where + ": timestamp goes back in time; injected at once");
    }
    s->last_ts_ns = std::max(s->last_ts_ns, rec.timestamp_ns);
    auto consume = [&] { source_->advance(*s, listener_); };
    if (!rec.unusable.empty()) {
      listener_.not_injected(rec.unusable, tag,
                             fmt::format("{}: link type {} cannot be replayed; not injected ({})", where,
                                         pcap::link_type_name(rec.link_type), rec.unusable));
      consume();
      continue;
    }
    const InspectedPacket p = inspect(rec.bytes);
    std::optional<Classified> cl;
    if (!per_port_ || options_.causality) cl = conversations_->classify(p, rec.index);
    ConversationState* st = nullptr;
    if (cl) {
      st = state(loop_, cl->conversation);
      if (!st->decided) decide_conversation(*st, conversations_->at(cl->conversation));
      tag.conversation = cl->conversation;
      tag.direction = cl->direction;
      tag.emulated = st->tracked;
    }
    // What it answers: the latest packet of the other direction before it.
    if (st != nullptr) {
      const unsigned d = index_of(cl->direction);
      h.trigger = st->last_read[1 - d];
      h.trigger_ts_ns = st->last_read_ts[1 - d];
      st->last_read[d] = rec.index;
      st->last_read_ts[d] = rec.timestamp_ns;
    }
    if (rec.truncated()) {
      not_injected(st, tag, rec.timestamp_ns, "truncated_capture",
                   fmt::format("{}: captured {} of {} bytes; not injected (truncated_capture)", where,
                               rec.bytes.size(), rec.wire_length),
                   Outcome::kSkipped);
      consume();
      continue;
    }
    unsigned port = s->port;
    if (!per_port_) {
      if (!p.is_ip()) {
        listener_.not_injected(reason_of_kind(p.kind), tag, "");
        consume();
        continue;
      }
      if (st->same_side) {
        not_injected(st, tag, rec.timestamp_ns, "same_side", "", Outcome::kSkipped);
        consume();
        continue;
      }
      Side sender = cl->direction == Direction::kForward ? st->initiator_side : st->responder_side;
      // An ICMP error may come from a router on the path rather than from the endpoint.
      if (p.kind == PacketKind::kIcmpError) sender = index_->side_of(source_of(p.tuple));
      port = sender == Side::kLan ? options_.lan_port : options_.wan_port;
      build_frame(rec, p, port, h.injection.frame);
      h.inspected = inspect(h.injection.frame);
      if (options_.fix_checksums) {
        const Artefacts a = find_artefacts(h.injection.frame, h.inspected, std::numeric_limits<std::uint32_t>::max());
        if (a.bad_ip_checksum || a.bad_l4_checksum) {
          fix_checksums(h.injection.frame, h.inspected);
          ++checksums_fixed_;
        }
      }
    } else {
      h.injection.frame = rec.bytes;
      h.inspected = p;
    }
    h.injection.port = port;
    h.injection.tag = tag;
    if (st != nullptr) h.injection.ideal_hw = ideal_hw(*st, p, cl->direction);
    h.base_ps = clock_->next(rec.timestamp_ns, static_cast<std::uint32_t>(h.injection.frame.size()), port);
    lookahead_ = std::move(h);
    consume();
    return true;
  }
}

// nf_flow_table: `flow add` takes a TCP packet without SYN, FIN or RST once the connection
// has seen a reply, a UDP packet as soon as it has; a FIN or RST tears the flow down (that
// packet and the rest of the conversation go through software).
bool EndpointEmulator::ideal_hw(ConversationState& st, const InspectedPacket& p, Direction d) {
  st.seen[index_of(d)] = true;
  if (p.fragment || (p.kind != PacketKind::kTcp && p.kind != PacketKind::kUdp)) return false;
  constexpr std::uint8_t kSynFinRst = 0x02 | 0x01 | 0x04;
  const bool control = p.kind == PacketKind::kTcp && (p.tcp_flags & kSynFinRst) != 0;
  if (p.kind == PacketKind::kTcp && (p.tcp_flags & 0x05) != 0) st.torn_down = true;
  if (st.torn_down) return false;
  if (st.flow_added) return !control;
  if (st.seen[0] && st.seen[1] && !control) st.flow_added = true;
  return false;
}

bool EndpointEmulator::loop_ready() const {
  if (!loop_pending_ || lookahead_ || !scheduled_.empty() || held_count_ != 0) return false;
  for (const auto& [loop, states] : states_) {
    for (const ConversationState& st : states) {
      for (const Leg& leg : st.left) {
        if (leg.outcome == Outcome::kPending) return false;
      }
    }
  }
  return true;
}

void EndpointEmulator::advance(std::uint64_t now_ps) {
  if (loop_ready()) {
    loop_pending_ = false;
    ++loop_;
    open_loop(now_ps);
    read_next();
  }
  while (lookahead_ && lookahead_->base_ps <= now_ps) {
    Held h = std::move(*lookahead_);
    lookahead_.reset();
    ConversationState* st = h.injection.tag.emulated ? state(h.injection.tag.loop, h.injection.tag.conversation) : nullptr;
    if (st == nullptr) {
      h.injection.due_ps = h.base_ps;
      schedule(std::move(h.injection));
    } else {
      evaluate(*st, std::move(h));
    }
    read_next();
  }
}

void EndpointEmulator::evaluate(ConversationState& st, Held h) {
  st.queue.push_back(std::move(h));
  ++held_count_;
  try_release(st);
}

void EndpointEmulator::try_release(ConversationState& st) {
  while (!st.queue.empty()) {
    Held& h = st.queue.front();
    const unsigned d = index_of(h.injection.tag.direction);
    const Leg& trigger = st.left[1 - d];
    std::uint64_t not_before = 0;
    if (h.trigger != 0 && trigger.packet == h.trigger) {
      switch (trigger.outcome) {
        case Outcome::kPending: return;  // wait for the router
        case Outcome::kDelivered: not_before = trigger.at_ps + clock_->gap_ps(h.trigger_ts_ns, h.ts_ns); break;
        case Outcome::kDropped: {
          Held dead = std::move(h);
          st.queue.pop_front();
          --held_count_;
          not_injected(&st, dead.injection.tag, dead.ts_ns, "trigger_dropped", "", Outcome::kDropped);
          continue;
        }
        case Outcome::kToRouter:
          if (d == index_of(Direction::kReverse) && st.responder_router) {
            // The simulated router answers this itself; the captured answer is its.
            Held dead = std::move(h);
            st.queue.pop_front();
            --held_count_;
            not_injected(&st, dead.injection.tag, dead.ts_ns, "router_answers", "", Outcome::kSkipped);
            continue;
          }
          break;
        case Outcome::kNone:
        case Outcome::kSkipped: break;  // nothing the router could have delivered: go on
      }
    }
    Held ready = std::move(h);
    st.queue.pop_front();
    --held_count_;
    release(st, ready, not_before);
  }
}

void EndpointEmulator::release(ConversationState& st, Held& h, std::uint64_t not_before_ps) {
  // The conversation keeps its order and its captured gaps: a delay moves all that follows.
  const std::uint64_t due = std::max(h.base_ps + st.lag_ps, not_before_ps);
  st.lag_ps = due - h.base_ps;
  h.injection.due_ps = due;
  const PacketTag& tag = h.injection.tag;
  // The responder answers whom the router made of the initiator (its NAT mapping).
  if (!per_port_ && tag.direction == Direction::kReverse && st.delivered_forward) {
    const net::FiveTuple& fwd = *st.delivered_forward;
    const InspectedPacket& p = h.inspected;
    if (p.kind == PacketKind::kIcmpError) {
      net::FiveTuple outer = p.tuple;
      outer.dst = fwd.src;
      if (source_of(p.tuple) == st.responder) outer.src = fwd.dst;
      readdress_icmp_error(h.injection.frame, p, outer, fwd);
      ++readdressed_;
    } else if (p.tuple.proto == fwd.proto) {
      net::FiveTuple to = fwd.reversed();
      if (p.kind == PacketKind::kIcmpEcho) to.src_port = to.dst_port = fwd.src_port;
      if (p.kind == PacketKind::kOtherIp) to.src_port = to.dst_port = 0;
      if (!(to.src == p.tuple.src && to.dst == p.tuple.dst && to.src_port == p.tuple.src_port &&
            to.dst_port == p.tuple.dst_port)) {
        readdress(h.injection.frame, p, to);
        ++readdressed_;
      }
    }
  }
  // The responder answers from where the router delivered what it answers (a DNAT target
  // on the other side), as the host the router sent it to.
  if (!per_port_ && tag.direction == Direction::kReverse && st.delivered_port &&
      *st.delivered_port != h.injection.port && h.injection.frame.size() >= kEthHeader) {
    h.injection.port = *st.delivered_port;
    if (!net::MacAddr::from_bytes(h.injection.frame.data()).is_multicast()) {
      options_.ports.at(h.injection.port).mac.write_to(h.injection.frame.data());
    }
    st.delivered_mac.write_to(h.injection.frame.data() + 6);
  }
  Leg& leg = st.left[index_of(tag.direction)];
  leg = Leg{tag.packet, h.ts_ns, Outcome::kPending, 0};
  if (!schedule_segments(h.injection)) schedule(std::move(h.injection));
}

bool EndpointEmulator::schedule_segments(Injection& inj) {
  if (!options_.resegment || per_port_) return false;
  const PortInfo& port = options_.ports.at(inj.port);
  const InspectedPacket p = inspect(inj.frame);  // as re-addressed
  if (p.kind != PacketKind::kTcp || p.l3_length <= port.mtu) return false;
  segments_.clear();
  const std::size_t n = resegment_tcp(inj.frame, p, port.mtu, segments_);
  if (n == 0) return false;
  ++resegmented_;
  segments_added_ += n - 1;
  // Back to back at the port's line rate, as the NIC sent them.
  std::uint64_t due = inj.due_ps;
  for (std::size_t i = 0; i < n; ++i) {
    Injection seg;
    seg.due_ps = due;
    seg.port = inj.port;
    seg.frame = std::move(segments_[i]);
    if (seg.frame.size() < kMinFrame) seg.frame.resize(kMinFrame, 0);
    seg.tag = inj.tag;
    seg.tag.last_piece = i + 1 == n;
    seg.ideal_hw = inj.ideal_hw;
    due += (seg.frame.size() + kWireOverhead) * 8 * 1'000'000'000'000ull / port.speed_bps;
    schedule(std::move(seg));
  }
  return true;
}

void EndpointEmulator::not_injected(ConversationState* st, const PacketTag& tag, std::uint64_t ts_ns,
                                    std::string_view reason, std::string detail, Outcome leg_outcome) {
  listener_.not_injected(reason, tag, std::move(detail));
  if (st != nullptr) st->left[index_of(tag.direction)] = Leg{tag.packet, ts_ns, leg_outcome, 0};
}

void EndpointEmulator::schedule(Injection inj) {
  const auto key = std::make_pair(inj.due_ps, seq_++);
  scheduled_.emplace(key, std::move(inj));
}

std::optional<std::uint64_t> EndpointEmulator::next_due() const {
  if (loop_ready()) return 0;  // the next loop can begin now
  std::optional<std::uint64_t> due;
  if (!scheduled_.empty()) due = scheduled_.begin()->first.first;
  if (lookahead_ && (!due || lookahead_->base_ps < *due)) due = lookahead_->base_ps;
  return due;
}

bool EndpointEmulator::pop_due(std::uint64_t now_ps, Injection& out) {
  if (scheduled_.empty() || scheduled_.begin()->first.first > now_ps) return false;
  out = std::move(scheduled_.begin()->second);
  scheduled_.erase(scheduled_.begin());
  if (out.ideal_hw) ++ideal_hw_;
  return true;
}

bool EndpointEmulator::finished() const { return exhausted_ && !lookahead_ && scheduled_.empty() && held_count_ == 0; }

void EndpointEmulator::flush_held() {
  for (auto& [loop, states] : states_) {
    for (ConversationState& st : states) {
      while (!st.queue.empty()) {
        Held h = std::move(st.queue.front());
        st.queue.pop_front();
        --held_count_;
        listener_.not_injected("trigger_unresolved", h.injection.tag, "");
      }
      // Outcomes that never came are not waited for any more (a next loop may begin).
      for (Leg& leg : st.left) {
        if (leg.outcome == Outcome::kPending) leg.outcome = Outcome::kNone;
      }
    }
  }
}

void EndpointEmulator::delivered(const PacketTag& tag, unsigned port, std::uint64_t at_ps,
                                 std::span<const std::uint8_t> frame) {
  if (!tag.emulated) return;
  ConversationState* st = state(tag.loop, tag.conversation);
  if (st == nullptr) return;
  if (tag.direction == Direction::kForward && !per_port_) {
    // Learn the mapping from the packet as the router sent it (not from an ICMP error).
    const InspectedPacket p = inspect(frame);
    if (p.is_ip() && p.kind != PacketKind::kIcmpError && !p.fragment) {
      st->delivered_forward = p.tuple;
      st->delivered_port = port;
      st->delivered_mac = net::MacAddr::from_bytes(frame.data());
    }
  }
  Leg& leg = st->left[index_of(tag.direction)];
  if (leg.packet != tag.packet || !tag.last_piece) return;  // nothing waits for an older packet
  leg.outcome = Outcome::kDelivered;
  leg.at_ps = at_ps;
  try_release(*st);
}

void EndpointEmulator::dropped(const PacketTag& tag, bool to_router) {
  if (!tag.emulated) return;
  ConversationState* st = state(tag.loop, tag.conversation);
  if (st == nullptr) return;
  Leg& leg = st->left[index_of(tag.direction)];
  if (leg.packet != tag.packet || !tag.last_piece) return;
  leg.outcome = to_router ? Outcome::kToRouter : Outcome::kDropped;
  try_release(*st);
}

}  // namespace flowsim::capture
