// SPDX-License-Identifier: Apache-2.0
// The software engine: what the Linux kernel does with a packet that reaches the CPU. The
// path follows the kernel's hooks: the flowtable's netdev ingress hook (fast path), then
// ip_rcv's checks, PREROUTING (conntrack, nft chains, DNAT), the route lookup, local delivery
// (INPUT, then the router's own stack: echo replies, RST and port unreachable for closed
// ports, declared services) or ip_forward (TTL, MTU, ICMP errors), FORWARD (nft chains,
// `flow add`), POSTROUTING (nft chains, SNAT/masquerade, conntrack confirmation), the
// neighbour and the MAC rewrite. Every packet the router makes itself takes the local output
// path: conntrack at LOCAL_OUT, OUTPUT, NAT, the route, POSTROUTING, NAT. Without a ruleset
// it is a plain router (no conntrack, NAT or flowtable).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/conntrack/conntrack.hpp"
#include "engine/conntrack/ct_filter.hpp"
#include "engine/defrag/ipv4_defrag.hpp"
#include "engine/defrag/ipv6_defrag.hpp"
#include "engine/engine_config.hpp"
#include "engine/engine_stats.hpp"
#include "engine/flow_offload.hpp"
#include "engine/flowtable/flowtable.hpp"
#include "engine/ip/ip_ident.hpp"
#include "engine/local/local_stack.hpp"
#include "engine/nat/nat_core.hpp"
#include "engine/neighbour_table.hpp"
#include "engine/route_table.hpp"
#include "engine/verdict.hpp"
#include "net/frame_parser.hpp"
#include "net/ip_datagram.hpp"
#include "net/mac_addr.hpp"
#include "net/packet_buffer.hpp"

namespace flowsim::engine {

namespace nft {
struct EvalResult;
struct PacketInfo;
struct FlowtableSpec;
enum class Hook : std::uint8_t;
}  // namespace nft

class Engine {
 public:
  // Builds the tables: connected routes and local addresses from each interface's addresses,
  // then the configured routes (a route for a connected prefix replaces it, like
  // `ip route replace`) and neighbours; with a ruleset, conntrack, NAT and the flowtable of
  // the ruleset's first flowtable. Throws std::invalid_argument if a route or neighbour names
  // an interface index that does not exist, or a flowtable a device that is not an interface;
  // user input is expected to have been checked, with file and line, before it gets here
  // (testbench/scenario).
  explicit Engine(EngineConfig config);
  ~Engine();
  // Not copyable or movable: the subsystems refer to each other.
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Processes one Ethernet frame received on `ingress_ifindex` at simulated time `now`
  // (monotonic; conntrack and flowtable timeouts are absolute times on the same clock).
  // kForward: the frame has been rewritten in place and is ready to leave `egress_ifindex`.
  // On the slow path Ethernet padding is trimmed (the egress MAC pads again); the fast path,
  // like the kernel's, leaves it. TTL/hop limit is decremented with an incremental checksum
  // update, NAT applied, dst MAC = next hop's, src MAC = the egress interface's.
  // kDrop: the frame's content is unspecified (it may be partly rewritten), unless
  // `generated` is set: then it holds the router's answer (see verdict.hpp).
  // Does not allocate in steady state: a new connection or flow allocates its entries, and
  // a buffer the first time it must grow (for an ICMP error larger than the frame).
  // Throws std::out_of_range if `ingress_ifindex` is not an interface (a harness bug).
  // Not thread-safe: one engine serves one CPU.
  Verdict process(net::PacketBuffer& frame, unsigned ingress_ifindex, std::chrono::nanoseconds now);
  // With a ruleset (conntrack), fragments are reassembled first (nf_defrag_ipv4/ipv6): all
  // but the one completing a datagram are kStolen; the datagram goes on with that one's
  // verdict. A forwarded IPv4 packet larger than the egress MTU without DF, and every
  // reassembled one (IPv4 or IPv6), leaves in fragments (ip_fragment, ip6_fragment): the frame holds the first and
  // extra_frames() the `Verdict::extra_frames` others, in order, valid until the next call.
  std::span<const net::PacketBuffer> extra_frames() const { return {extra_.data(), extra_count_}; }
  // IPv4 and IPv6 reassembly together.
  defrag::DefragStats defrag_stats() const;

  // The hardware behind the flowtable's `flags offload` (the kernel's flow block callbacks).
  // nullptr: no hardware, flows stay in software. Calls from the engine into it are
  // synchronous: REPLACE when a flow is added (and again at most once a second from fast-path
  // refreshes while it is refused), DESTROY on teardown, STATS from GC.
  void set_offload(FlowOffload* offload);

  // Timers: the flowtable GC (expiry, teardown, conntrack timeout extension, hardware STATS
  // polling) and the conntrack GC run every second of simulated time, as the kernel's
  // nf_flow_offload_work_gc does. The first run is due one second after the first call of
  // process() or run_timers(). next_timer() is the simulated time the next run is due
  // (nanoseconds::max() when there is nothing to run: no ruleset, or nothing seen yet);
  // run_timers(now) runs it if due (once, however late) and schedules the next one.
  // Conntrack entries also expire lazily on lookup, so the harness may call run_timers()
  // only as often as it likes; flows and hardware statistics, however, only advance in it.
  std::chrono::nanoseconds next_timer() const;
  void run_timers(std::chrono::nanoseconds now);

  // /proc/net/nf_conntrack at `now` (empty without a ruleset).
  std::string conntrack_dump(std::chrono::nanoseconds now) const;

  // ---- Changes to the running router (engine_control.cpp), each with the kernel's effect
  // on conntrack and on the software and hardware flowtables. Errors come back as the text
  // the command-line tool would print; the router is then unchanged.

  // `ip link set DEV down|up`. Down: routes through the device go (fib_disable_ip), flows
  // entering through it are torn down and the GC runs at once (the netdev notifier's
  // nf_flow_table_cleanup). Up: its connected and configured routes come back (as netifd
  // re-adds them).
  void set_link(unsigned ifindex, bool up, std::chrono::nanoseconds now);
  bool link_up(unsigned ifindex) const { return link_up_.at(ifindex); }
  // `conntrack -D [filters]` / `conntrack -F`: the entries die; the flowtable GC tears their
  // flows down at its next pass (within a second), as in the kernel. Returns how many.
  std::size_t delete_conntrack(const conntrack::CtFilter& filter, std::chrono::nanoseconds now);
  // `ip route add|replace|change|del`. Flows whose cached route no longer matches the table
  // are torn down and destroyed in hardware at once, so that no flow keeps forwarding to a
  // next hop the routing table no longer uses (nf_flow_dst_check does this lazily for the
  // software path; a hardware flow would otherwise never be checked).
  enum class RouteOp : std::uint8_t { kAdd, kReplace, kChange, kDelete };
  std::optional<std::string> change_route(RouteOp op, const RouteConfig& route, std::chrono::nanoseconds now);
  // `ip neigh replace IP lladdr MAC dev DEV` / `ip neigh del IP dev DEV`: flows whose cached
  // next-hop MAC (what the hardware rewrites with) is no longer right are torn down and
  // destroyed in hardware at once; the software fast path looks neighbours up per packet.
  void set_neighbour(const NeighbourConfig& neighbour, std::chrono::nanoseconds now);
  std::optional<std::string> delete_neighbour(const NeighbourConfig& neighbour, std::chrono::nanoseconds now);
  // `nft -f FILE` with a complete ruleset (`flush ruleset` first, as fw4 writes it): the old
  // flowtable is freed (its flows torn down, hardware entries destroyed), the new ruleset
  // and its flowtable take over with zero counters; conntrack entries and NAT bindings stay.
  void replace_ruleset(std::shared_ptr<nft::Ruleset> ruleset, std::chrono::nanoseconds now);
  // `nft delete flowtable ... { devices = { DEV } ; }` (or the device unregistered): its
  // ingress hook goes, flows entering through it are torn down and destroyed at once, and
  // flows through it can no longer be offloaded to hardware.
  std::optional<std::string> remove_flowtable_device(unsigned ifindex, std::chrono::nanoseconds now);

  const EngineStats& stats() const { return stats_; }
  std::size_t interface_count() const { return interfaces_.size(); }
  const RouteTable& routes() const { return routes_; }
  const NeighbourTable& neighbours() const { return neighbours_; }
  // nullptr without a ruleset / without a flowtable.
  const conntrack::Conntrack* conntrack() const { return conntrack_.get(); }
  const flowtable::Flowtable* flowtable() const { return flowtable_.get(); }
  // The flowtable's counters over the whole run, including flowtables a ruleset reload freed.
  flowtable::Flowtable::Stats flowtable_stats() const {
    flowtable::Flowtable::Stats s = retired_flowtable_stats_;
    if (flowtable_) s += flowtable_->stats();
    return s;
  }
  nft::Ruleset* ruleset() const { return ruleset_.get(); }

 private:
  struct Interface {
    std::string name;
    net::MacAddr mac;
    std::uint32_t mtu = 1500;
    std::vector<net::Ipv4Prefix> ipv4;
    std::vector<net::Ipv6Prefix> ipv6;
    net::Ipv6Addr link_local;  // fe80::/64 + EUI-64, as addrconf gives every Ethernet device
  };
  // One packet on the slow path: where its headers are and what conntrack made of it.
  struct SlowPacket {
    net::PacketBuffer& frame;
    net::ParsedFrame parsed;
    unsigned iif = 0;
    std::chrono::nanoseconds now{0};
    conntrack::CtRef ct;
    std::uint8_t family = 4;
    std::uint8_t l4proto = 0;  // after IPv6 extension headers
    std::size_t l4_offset = 0;  // from the IP header
    bool local = false;         // generated by the router: no input interface
    const defrag::Reassembled* reassembled = nullptr;  // IPCB/IP6CB's frag_max_size & co. after nf_defrag
    std::uint32_t mark = 0;     // skb->mark: set by `meta mark set`, seen by later hooks
  };

  Verdict decide(net::PacketBuffer& frame, unsigned ingress_ifindex, std::chrono::nanoseconds now);
  Verdict slow_path(SlowPacket& p);
  void attach_helper(SlowPacket& p, const nft::EvalResult& res);
  void apply_mangle(SlowPacket& p, const nft::EvalResult& res);
  nft::EvalResult raw_then_conntrack(SlowPacket& p, nft::Hook hook, std::optional<unsigned> oif);
  void clamp_mss(SlowPacket& p, const nft::EvalResult& res, unsigned egress);
  void set_dscp(SlowPacket& p, const nft::EvalResult& res);
  Verdict local_input(SlowPacket& p);
  Verdict deliver_local(SlowPacket& p);
  Verdict forward(SlowPacket& p, const Route& route);
  void transmit_on_port(net::PacketBuffer& frame, Verdict& v);
  const flowtable::EncapDevice* encap_of(unsigned ifindex) const;
  std::optional<unsigned> encap_device(unsigned port, flowtable::EncapDevice::Kind kind, std::uint16_t id) const;
  // The link-layer address to send to for next hop `ip` on `ifindex`: the neighbour's, or the
  // PPPoE peer's (a PPP link has no neighbours).
  std::optional<net::MacAddr> next_hop_mac(unsigned ifindex, const std::variant<net::Ipv4Addr, net::Ipv6Addr>& ip) const;
  Verdict defragment(SlowPacket& p);
  Verdict defragment6(SlowPacket& p);
  Verdict continue_reassembled(SlowPacket& p);
  Verdict fragment_output(SlowPacket& p, unsigned egress);
  Verdict fragment6_output(SlowPacket& p, unsigned egress);
  void record_route(SlowPacket& p, const Route& route);
  Verdict refuse(SlowPacket& p, const nft::EvalResult& result);
  Verdict answer_with_icmp(SlowPacket& p, std::uint8_t type, std::uint8_t code, std::uint32_t info,
                           DropReason reason);
  Verdict send_local(SlowPacket& p, DropReason reason, std::optional<conntrack::CtRef> attached);
  bool nat_hook(SlowPacket& p, nat::ManipType type);
  bool nat_pending(const SlowPacket& p, nat::ManipType type) const;
  void setup_nat(SlowPacket& p, const nft::EvalResult& result, nat::ManipType type, const Route* route);
  nft::PacketInfo packet_info(const SlowPacket& p, std::optional<unsigned> oif, nat::ManipType nat_manip) const;
  std::optional<conntrack::CtRef> related_to(const SlowPacket& p) const;
  local::LocalDest local_dest(const SlowPacket& p) const;
  bool is_own_unicast(const SlowPacket& p) const;
  std::optional<std::array<flowtable::FlowRoute, 2>> flow_routes(const SlowPacket& p, const Route& route) const;
  std::span<std::uint8_t> datagram(SlowPacket& p) const;
  std::optional<net::Ipv4Addr> select_source(unsigned ifindex, net::Ipv4Addr next_hop) const;
  std::optional<net::Ipv6Addr> select_source(unsigned ifindex, const net::Ipv6Addr& next_hop) const;
  std::uint32_t route_mtu(unsigned ifindex, std::uint8_t family) const;
  // The route of a destination seen on `iif`: an IPv6 link-local one is on that link only
  // (ip6_route_input's strict lookup), anything else goes by the table. nullopt: no route.
  std::optional<Route> route_input(const net::IpAddr& dst, unsigned iif) const;
  void start_timers(std::chrono::nanoseconds now);
  void add_connected_routes(unsigned ifindex);
  void rebuild_routes();
  void build_flowtable();
  // Tears down (and destroys in hardware) every flow whose cached routes or next-hop MACs no
  // longer match the tables; returns how many.
  std::size_t revalidate_flows(std::chrono::nanoseconds now);

  std::vector<Interface> interfaces_;
  // Linux keeps its own addresses and broadcast addresses in a separate `local` table that is
  // consulted before `main`; the same split keeps a user's route from hiding them.
  RouteTable local_;
  RouteTable routes_;
  NeighbourTable neighbours_;
  std::vector<RouteConfig> configured_routes_;  // as `ip route` left them, down links included
  std::vector<bool> link_up_;
  FlowOffload* offload_ = nullptr;
  flowtable::Flowtable::Stats retired_flowtable_stats_;  // of flowtables freed by reloads
  local::LocalStack local_stack_;
  EngineStats stats_;

  std::shared_ptr<nft::Ruleset> ruleset_;
  const nft::FlowtableSpec* flowtable_spec_ = nullptr;  // the ruleset's flowtable we run
  flowtable::FlowtableSemantics semantics_ = flowtable::FlowtableSemantics::kOld;
  std::unique_ptr<conntrack::Conntrack> conntrack_;
  std::unique_ptr<nat::NatCore> nat_;
  std::unique_ptr<flowtable::Flowtable> flowtable_;
  std::optional<std::chrono::nanoseconds> next_gc_;
  std::vector<std::uint8_t> scratch_;  // the router's own packets are built here
  ip::IpIdent ip_ident_;              // IDs of the router's own IPv4 packets
  std::vector<flowtable::EncapDevice> encap_devices_;  // the VLAN and PPPoE devices, by ifindex
  std::uint64_t wall_clock_start_ns_ = 0;  // EngineConfig::wall_clock_start_ns
  defrag::Ipv4Defrag defrag_;
  defrag::Ipv6Defrag defrag6_;
  defrag::Reassembled reassembled_;            // of the datagram being processed
  std::vector<std::uint8_t> defrag_scratch_;   // the reassembled datagram, then fragmentation's copy
  std::vector<net::PacketBuffer> extra_;       // fragments after the first (reused)
  std::size_t extra_count_ = 0;
};

}  // namespace flowsim::engine
