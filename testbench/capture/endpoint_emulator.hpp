// SPDX-License-Identifier: Apache-2.0
// Endpoint emulation: the harness plays the hosts of a capture on both sides of the simulated
// router. It decides, packet by packet and during the run, what to inject into which router
// port and when:
// - the side of the sender (see side_classifier.hpp) picks the port; conversations between
//   two hosts of one side never reach a router and are not injected (`same_side`);
// - a frame keeps its captured bytes from the IP header on, behind an Ethernet header from
//   the sender's captured MAC to the router port's MAC (the capture's VLAN tags and PPPoE
//   session header belong to the capture's link, not the router's);
// - NAT awareness: a packet of a conversation's responder is re-addressed to what the router
//   delivered for that conversation (its NAT mapping, learned from the router's egress),
//   checksums updated incrementally; the initiator's packets are sent as captured;
// - causality: a packet that answers another (the first of its direction after a packet of
//   the other direction) waits until the router delivered that packet, and keeps the captured
//   gap after that; if the router dropped it, the answer is not injected (`trigger_dropped`),
//   and neither is anything that answers the answer. A conversation keeps its order, so a
//   delay moves the rest of it (its lag); other conversations go on.
// With `per_port`, the same scheduler replays per-port traces: the port is the file's, frames
// are sent as captured, and causality applies only in the rate modes (recorded per-port traces
// keep their recorded times exactly).
//
// No SystemC here: the harness calls advance()/pop_due() from its injection thread and
// reports what the router did with each injected frame (delivered/dropped). Times are
// picoseconds of simulated time.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "net/mac_addr.hpp"
#include "testbench/capture/capture_index.hpp"
#include "testbench/capture/replay_clock.hpp"
#include "testbench/pcap/pcap_reader.hpp"

namespace flowsim::capture {

// Names a captured packet wherever it goes: its file, its number there, and which loop of the
// capture this is; the conversation and direction it belongs to (for emulation's books).
struct PacketTag {
  std::uint32_t file = 0;  // index into EndpointEmulator::files()
  std::uint64_t packet = 0;
  std::uint32_t loop = 0;
  std::uint32_t conversation = 0;
  Direction direction = Direction::kForward;
  bool emulated = false;  // part of a tracked conversation (else: no causal books)
  // --resegment cut the packet into segments: only the last one's fate moves its answers on
  // (the receiver acknowledges the whole of it).
  bool last_piece = true;
};

struct Injection {
  std::uint64_t due_ps = 0;
  unsigned port = 0;
  std::vector<std::uint8_t> frame;
  PacketTag tag;
  // A router that offloads every conversation at `flow add` (as `ct state established flow
  // add`) forwards it in hardware: it comes after the packet that adds the flow.
  bool ideal_hw = false;
};

struct PortInfo {
  net::MacAddr mac;
  std::uint64_t speed_bps = 10'000'000'000;
  std::uint32_t mtu = 1500;  // --resegment cuts TCP packets to this
};

struct EmulationOptions {
  unsigned lan_port = 0;
  unsigned wan_port = 1;
  std::vector<PortInfo> ports;  // by port index: MACs (for the frames) and speeds (line rate)
  TimingOptions timing;
  bool inject_same_side = false;  // the scenario says same-side traffic goes through the router
  // The router's own addresses: a conversation with one of them goes to the router, whatever
  // the sides (it may answer itself, or forward it on through a DNAT).
  std::vector<IpKey> router_addresses;
  bool causality = true;          // capture mode; per-port mode: only in the rate modes
  // Capture artefacts (capture mode): recompute wrong IPv4/TCP/UDP/ICMP checksums before
  // anything else touches the packet, and cut TCP packets above the port's MTU into segments.
  bool fix_checksums = false;
  bool resegment = false;
};

// A per-port trace: every packet of `file` enters `port` as captured.
struct PerPortFile {
  std::filesystem::path file;
  unsigned port = 0;
};

// What the emulator tells the harness about packets it does not inject.
class EmulationListener {
 public:
  virtual ~EmulationListener() = default;
  virtual void captured() = 0;
  // Not injected: `reason` is a lower_snake name; `detail` a sentence for the first warning of
  // its kind ("" = no warning, the reason says it all).
  virtual void not_injected(std::string_view reason, const PacketTag& tag, std::string detail) = 0;
  // The file ended inside a record: a sentence saying where.
  virtual void truncated_file(std::string message) = 0;
  // Something odd about an injected packet (a timestamp going back in time).
  virtual void warn(std::string_view kind, const PacketTag& tag, std::string message) = 0;
};

class EndpointEmulator {
 public:
  // Capture mode: `index` from index_capture() of the capture, which is read again here.
  EndpointEmulator(std::shared_ptr<const CaptureIndex> index, EmulationOptions options, EmulationListener& listener);
  // Per-port mode.
  EndpointEmulator(std::vector<PerPortFile> files, EmulationOptions options, EmulationListener& listener);
  ~EndpointEmulator();

  // Starts the clock at `start_ps` and opens the capture. Throws net::InputError.
  void start(std::uint64_t start_ps);
  // Reads and decides every packet whose earliest time is not after `now_ps`. Throws
  // net::InputError for a corrupt record.
  void advance(std::uint64_t now_ps);
  // The earliest time something is due (an injection, or the next packet to read), or
  // nullopt if nothing will be until the router reports on a frame.
  std::optional<std::uint64_t> next_due() const;
  // Moves the earliest injection due at `now_ps` into `out`; false if none.
  bool pop_due(std::uint64_t now_ps, Injection& out);
  // Everything read and decided: nothing scheduled, nothing held.
  bool finished() const;
  // The next loop of the capture may begin (the last one has drained): call advance().
  bool wants_advance() const { return loop_ready(); }
  // At the end of the run: packets still waiting for what they answer are not injected
  // (`trigger_unresolved`).
  void flush_held();

  // What the router did with an injected frame: delivered on a port (its last bit at `at_ps`,
  // `frame` as it left), or dropped.
  void delivered(const PacketTag& tag, unsigned port, std::uint64_t at_ps, std::span<const std::uint8_t> frame);
  // `to_router`: the router's own stack took it (local delivery): it answers itself, so the
  // captured answers are not injected (`router_answers`).
  void dropped(const PacketTag& tag, bool to_router = false);

  const std::vector<std::filesystem::path>& files() const { return files_; }
  std::uint64_t held() const { return held_count_; }
  std::uint64_t readdressed() const { return readdressed_; }
  // Injected packets with Injection::ideal_hw.
  std::uint64_t ideal_hw() const { return ideal_hw_; }
  std::uint64_t first_ts_ns() const { return first_ts_ns_; }
  // Packets whose checksums --fix-checksums corrected.
  std::uint64_t checksums_fixed() const { return checksums_fixed_; }
  // Packets --resegment cut, and the frames that made beyond one per packet.
  std::uint64_t resegmented() const { return resegmented_; }
  std::uint64_t segments_added() const { return segments_added_; }

 private:
  enum class Outcome : std::uint8_t { kNone, kPending, kDelivered, kDropped, kSkipped, kToRouter };
  // The latest packet of one direction that left the conversation's queue.
  struct Leg {
    std::uint64_t packet = 0;  // 0: none yet
    std::uint64_t ts_ns = 0;
    Outcome outcome = Outcome::kNone;
    std::uint64_t at_ps = 0;   // when delivered
  };
  struct Held {
    Injection injection;
    std::uint64_t base_ps = 0;
    std::uint64_t ts_ns = 0;
    std::uint64_t trigger = 0;  // packet number it answers (0: none)
    std::uint64_t trigger_ts_ns = 0;
    InspectedPacket inspected;  // of injection.frame, for re-addressing at release
  };
  struct ConversationState {
    bool decided = false;
  bool tracked = true;  // causal books kept (capture mode, or per-port in a rate mode)
    bool same_side = false;
    Side initiator_side = Side::kLan;
    Side responder_side = Side::kWan;
    bool responder_group = false;  // multicast/broadcast destination
    bool responder_router = false;  // the responder is the router itself (or what it DNATs to)
    IpKey responder;               // the captured responder address
    std::uint64_t lag_ps = 0;
    std::array<Leg, 2> left{};
    std::array<std::uint64_t, 2> last_read{};     // packet numbers, 0 = none
    std::array<std::uint64_t, 2> last_read_ts{};  // their timestamps
    std::optional<net::FiveTuple> delivered_forward;  // the router's mapping, as it sent it
    // Where the router delivered the initiator's packets, and to which MAC: the responder
    // answers from there (a DNAT target may sit on another side than the captured responder).
    std::optional<unsigned> delivered_port;
    net::MacAddr delivered_mac;
    std::deque<Held> queue;
    // For the ideal hit rate, in capture order: directions seen, flow added, torn down.
    std::array<bool, 2> seen{};
    bool flow_added = false;
    bool torn_down = false;
  };
  struct Source;

  void open_loop(std::uint64_t now_ps);
  bool loop_ready() const;
  // Reads records until one is to be injected (it becomes the lookahead) or the capture
  // ends; the others are reported as not injected on the way.
  bool read_next();
  void decide_conversation(ConversationState& st, const Conversation& c);
  ConversationState* state(std::uint32_t loop, std::uint32_t conversation);
  void build_frame(const pcap::PcapRecord& rec, const InspectedPacket& p, unsigned port, std::vector<std::uint8_t>& out) const;
  void evaluate(ConversationState& st, Held h);
  void release(ConversationState& st, Held& h, std::uint64_t not_before_ps);
  void try_release(ConversationState& st);
  void not_injected(ConversationState* st, const PacketTag& tag, std::uint64_t ts_ns, std::string_view reason,
                    std::string detail, Outcome leg_outcome);
  void schedule(Injection inj);
  // --resegment: schedules the segments of an oversize TCP packet; false if it is not one.
  bool schedule_segments(Injection& inj);
  static bool ideal_hw(ConversationState& st, const InspectedPacket& p, Direction d);

  std::shared_ptr<const CaptureIndex> index_;
  EmulationOptions options_;
  EmulationListener& listener_;
  bool per_port_ = false;
  std::vector<PerPortFile> per_port_files_;
  std::vector<std::filesystem::path> files_;
  std::unique_ptr<Source> source_;
  std::unique_ptr<ReplayClock> clock_;
  std::uint64_t first_ts_ns_ = 0;
  std::uint32_t loop_ = 0;
  std::unique_ptr<ConversationTable> conversations_;  // this loop's
  // Per loop (only the current and the previous loop are kept), per conversation.
  std::deque<std::pair<std::uint32_t, std::vector<ConversationState>>> states_;
  // The next packet, read but not yet decided, and its earliest time.
  std::optional<Held> lookahead_;
  bool exhausted_ = false;
  bool loop_pending_ = false;  // this loop is read; the next waits for it to drain
  // Injections by (due time, order of scheduling): the same inputs give the same order.
  std::map<std::pair<std::uint64_t, std::uint64_t>, Injection> scheduled_;
  std::uint64_t seq_ = 0;
  std::uint64_t held_count_ = 0;
  std::uint64_t readdressed_ = 0;
  std::uint64_t ideal_hw_ = 0;
  std::uint64_t checksums_fixed_ = 0;
  std::uint64_t resegmented_ = 0;
  std::uint64_t segments_added_ = 0;
  std::vector<std::vector<std::uint8_t>> segments_;  // scratch for schedule_segments
};

}  // namespace flowsim::capture
