// SPDX-License-Identifier: Apache-2.0
// The connection tracking table (nf_conntrack_core.c): looks a packet up by the tuple of
// either direction, creates an unconfirmed entry for the first packet of a connection,
// confirms it when the packet leaves (POSTROUTING), runs the TCP/UDP/ICMP trackers, finds the
// connection an ICMP error is RELATED to, and expires entries by simulated time (lazily on
// lookup and in gc()). Also prints /proc/net/nf_conntrack.
//
// Not modelled: defragmentation (fragments are untracked), helpers and expectations, zones,
// early drop and table limits, the clash resolution of parallel CPUs.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/conntrack/connection.hpp"
#include "engine/conntrack/conntrack_timeouts.hpp"
#include "engine/conntrack/ct_status.hpp"
#include "engine/conntrack/tcp_tracker.hpp"
#include "engine/conntrack/tuple_hash.hpp"
#include "net/five_tuple.hpp"

namespace flowsim::engine::conntrack {

struct ConntrackConfig {
  ConntrackTimeouts timeouts{};
  TcpTrackerConfig tcp{};
  bool checksum = true;  // nf_conntrack_checksum: bad L4 checksums make a packet invalid
  bool acct = false;     // nf_conntrack_acct: dumps show packets= bytes=
};

// The outcome of conntrack for one packet: the entry (null when invalid or untracked), the
// packet's direction and its ctinfo. Valid until the next call of Conntrack::in().
struct CtRef {
  Connection* ct = nullptr;
  CtDir dir = CtDir::kOriginal;
  CtInfo info = CtInfo::kInvalid;

  bool confirmed() const { return ct != nullptr && (ct->status & kConfirmed); }
  bool is_new() const { return info == CtInfo::kNew; }
  bool is_related() const { return info == CtInfo::kRelated || info == CtInfo::kRelatedReply; }
};

// Where the packet enters conntrack: checksums are only verified at PREROUTING, as in the
// kernel (locally generated packets are trusted).
enum class CtHook : std::uint8_t { kPrerouting, kLocalOut };

class Conntrack {
 public:
  explicit Conntrack(ConntrackConfig config = {});
  ~Conntrack();
  Conntrack(const Conntrack&) = delete;
  Conntrack& operator=(const Conntrack&) = delete;

  // nf_conntrack_in for one IP datagram (`datagram` starts at the IP header and ends with
  // the IP total / payload length). A packet of an unknown connection gets an unconfirmed
  // entry (info kNew) that only enters the table when confirm() is called; any unconfirmed
  // entry of the previous packet is discarded first. Allocates only for a new connection
  // (and the first time a given amount of state is reached).
  CtRef in(std::span<const std::uint8_t> datagram, std::uint8_t family, CtHook hook, std::chrono::nanoseconds now);

  // __nf_conntrack_confirm: inserts the unconfirmed entry of `ref` into the table. Returns
  // false if a tuple is taken meanwhile (the kernel drops the packet then). A no-op for
  // confirmed entries.
  bool confirm(const CtRef& ref);

  // nf_conntrack_alter_reply for the unconfirmed entry (NAT bindings).
  void set_reply_tuple(Connection& unconfirmed, const net::FiveTuple& reply);

  // nf_conntrack_tuple_taken: some live entry other than `ignored` owns `t` in either
  // direction (an expired one is removed on the way).
  bool tuple_taken(const net::FiveTuple& t, const Connection* ignored, std::chrono::nanoseconds now);

  // The entry owning `t` (either direction) and its direction; expired entries are removed
  // on the way, as the kernel's lookup does.
  Connection* find(const net::FiveTuple& t, CtDir* dir, std::chrono::nanoseconds now);

  // nf_ct_kill: removes the entry from the table. It stays allocated while references (the
  // flowtable's) remain, and at least until the next in() so that the current packet may keep
  // using it.
  void kill(Connection& ct);
  // Kills every confirmed live entry `pred` selects (conntrack -D); returns how many.
  std::size_t kill_if(const std::function<bool(const Connection&)>& pred);
  void get(Connection& ct) { ++ct.refs; }
  void put(Connection& ct);

  // Removes expired entries. `offload_keepalive` applies the old kernels' conntrack GC rule
  // for IPS_OFFLOAD entries (nf_ct_offload_timeout: keep at least half a day ahead).
  void gc(std::chrono::nanoseconds now, bool offload_keepalive);

  // nf_ct_acct_update for one packet.
  void account(Connection& ct, CtDir dir, std::uint64_t bytes) const;

  // Calls `f(const Connection&)` for every SRC-mapped entry whose original source address,
  // port and protocol equal those of `orig` (the NAT bysource hash, for find_appropriate_src).
  void for_each_same_source(const net::FiveTuple& orig, const std::function<void(const Connection&)>& f) const;

  // /proc/net/nf_conntrack: one line per live entry, in creation order (the kernel prints
  // hash order, which is not reproducible).
  std::string dump(std::chrono::nanoseconds now) const;
  // One line of the dump.
  std::string dump_line(const Connection& ct, std::chrono::nanoseconds now) const;

  std::size_t size() const { return entries_.size(); }
  const ConntrackConfig& config() const { return config_; }
  // Every confirmed live entry, in creation order.
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& [id, ct] : entries_) f(*ct);
  }

  // Counters as /proc/net/stat/nf_conntrack names them.
  struct Stats {
    std::uint64_t found = 0;
    std::uint64_t invalid = 0;
    std::uint64_t insert = 0;
    std::uint64_t insert_failed = 0;
    std::uint64_t expired = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  struct TupleRef {
    Connection* ct = nullptr;
    CtDir dir = CtDir::kOriginal;
  };
  struct SourceKey {
    std::array<std::uint8_t, 16> addr{};
    std::uint16_t port = 0;
    std::uint8_t proto = 0;
    std::uint8_t family = 0;
    friend bool operator==(const SourceKey&, const SourceKey&) = default;
  };
  struct SourceKeyHash {
    std::size_t operator()(const SourceKey& k) const;
  };
  static SourceKey source_key(const net::FiveTuple& t) { return SourceKey{t.src, t.src_port, t.proto, t.family}; }

  CtRef resolve(std::span<const std::uint8_t> datagram, std::uint8_t family, CtHook hook,
                std::chrono::nanoseconds now);
  Connection& new_unconfirmed();
  void unlink(Connection& ct);
  void release_graveyard();
  bool expired(const Connection& ct, std::chrono::nanoseconds now) const { return ct.timeout <= now; }

  ConntrackConfig config_;
  std::unordered_map<net::FiveTuple, TupleRef, TupleHash> table_;
  std::map<std::uint64_t, std::unique_ptr<Connection>> entries_;  // confirmed, live, by id
  // Killed entries still referenced (by the flowtable, or by the packet being processed).
  std::map<std::uint64_t, std::unique_ptr<Connection>> graveyard_;
  std::unordered_multimap<SourceKey, Connection*, SourceKeyHash> by_source_;
  std::unique_ptr<Connection> unconfirmed_;  // reused across packets
  bool unconfirmed_live_ = false;
  std::uint64_t next_id_ = 1;
  Stats stats_;
};

}  // namespace flowsim::engine::conntrack
