// SPDX-License-Identifier: Apache-2.0
#include "engine/conntrack/tcp_tracker.hpp"

#include <array>

#include "net/byte_order.hpp"
#include "net/tcp_header.hpp"

namespace flowsim::engine::conntrack {
namespace {

using namespace net::tcp_flag;

// enum tcp_bit_set: which row of the transition table a segment selects.
enum TcpIndex : std::uint8_t { kSynSet, kSynAckSet, kFinSet, kAckSet, kRstSet, kNoneSet };

// Table cells: a TcpState value, or one of these two.
constexpr std::uint8_t sIV = static_cast<std::uint8_t>(TcpState::kCount);  // invalid
constexpr std::uint8_t sIG = sIV + 1;                                       // ignore
constexpr std::uint8_t sNO = 0, sSS = 1, sSR = 2, sES = 3, sFW = 4, sCW = 5, sLA = 6, sTW = 7, sCL = 8, sS2 = 9;

// tcp_conntracks[dir][index][old state], v6.1 (see the kernel file for the reasoning behind
// every cell).
constexpr std::uint8_t kTransitions[2][6][10] = {
    {
        // ORIGINAL     sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2
        /* syn    */ {sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2},
        /* synack */ {sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR},
        /* fin    */ {sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV},
        /* ack    */ {sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV},
        /* rst    */ {sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL},
        /* none   */ {sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV},
    },
    {
        // REPLY        sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2
        /* syn    */ {sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2},
        /* synack */ {sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR},
        /* fin    */ {sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV},
        /* ack    */ {sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG},
        /* rst    */ {sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL},
        /* none   */ {sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV},
    },
};

// Valid combinations of FIN/SYN/RST/ACK/URG; PSH, ECE and CWR are always allowed.
constexpr std::array<bool, 64> kValidFlags = [] {
  std::array<bool, 64> v{};
  const unsigned valid[] = {kSyn, kSyn | kUrg, kSyn | kAck, kRst, kRst | kAck, kFin | kAck, kFin | kAck | kUrg,
                            kAck, kAck | kUrg};
  for (unsigned f : valid) v[f] = true;
  return v;
}();

constexpr unsigned kMaxAckWinConst = 66000;
constexpr std::uint8_t kMaxWscale = 14;

// Sequence-number comparison modulo 2^32 (include/net/tcp.h before/after).
constexpr bool before(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) < 0; }
constexpr bool after(std::uint32_t a, std::uint32_t b) { return before(b, a); }

TcpIndex index_of_segment(std::uint8_t flags) {
  if (flags & kRst) return kRstSet;
  if (flags & kSyn) return (flags & kAck) ? kSynAckSet : kSynSet;
  if (flags & kFin) return kFinSet;
  if (flags & kAck) return kAckSet;
  return kNoneSet;
}

std::uint32_t segment_end(const TcpSegment& seg) {
  return seg.seq + seg.payload_length + ((seg.flags & kSyn) ? 1 : 0) + ((seg.flags & kFin) ? 1 : 0);
}

std::uint32_t max_ack_window(const TcpPeer& sender) {
  return sender.td_maxwin > kMaxAckWinConst ? sender.td_maxwin : kMaxAckWinConst;
}

// tcp_options: window scale and SACK-permitted from a SYN.
void parse_options(std::span<const std::uint8_t> opts, TcpPeer& state) {
  if (opts.empty()) return;
  state.td_scale = 0;
  state.flags &= kTcpBeLiberal;
  std::size_t i = 0;
  std::size_t length = opts.size();
  while (length > 0) {
    const std::uint8_t opcode = opts[i++];
    if (opcode == 0) return;  // EOL
    if (opcode == 1) {        // NOP
      --length;
      continue;
    }
    if (length < 2) return;
    const std::uint8_t opsize = opts[i++];
    if (opsize < 2 || opsize > length) return;
    if (opcode == 4 && opsize == 2) {
      state.flags |= kTcpSackPerm;
    } else if (opcode == 3 && opsize == 3) {
      state.td_scale = opts[i] > kMaxWscale ? kMaxWscale : opts[i];
      state.flags |= kTcpWindowScale;
    }
    i += opsize - 2;
    length -= opsize;
  }
}

// tcp_sack: the highest right edge of the SACK blocks, if any beyond `sack`.
void parse_sack(std::span<const std::uint8_t> opts, std::uint32_t& sack) {
  std::size_t length = opts.size();
  if (length == 0) return;
  // Fast path for the timestamp-only option.
  if (length == 12 && opts[0] == 1 && opts[1] == 1 && opts[2] == 8 && opts[3] == 10) return;
  std::size_t i = 0;
  while (length > 0) {
    const std::uint8_t opcode = opts[i++];
    if (opcode == 0) return;
    if (opcode == 1) {
      --length;
      continue;
    }
    if (length < 2) return;
    const std::uint8_t opsize = opts[i++];
    if (opsize < 2 || opsize > length) return;
    if (opcode == 5 && opsize >= 2 + 8 && (opsize - 2) % 8 == 0) {
      for (std::size_t b = 0; b < static_cast<std::size_t>(opsize - 2); b += 8) {
        const std::uint32_t right = net::load_be32(&opts[i + b + 4]);
        if (after(right, sack)) sack = right;
      }
      return;
    }
    i += opsize - 2;
    length -= opsize;
  }
}

void init_sender(TcpPeer& sender, TcpPeer& receiver, const TcpSegment& seg, std::uint32_t end, std::uint32_t win,
                 CtDir dir) {
  sender.td_end = sender.td_maxend = end;
  sender.td_maxwin = win == 0 ? 1 : win;
  parse_options(seg.options, sender);
  // RFC 1323: both sides must send the option to enable scaling in either direction.
  if (dir == CtDir::kReply && !((sender.flags & kTcpWindowScale) && (receiver.flags & kTcpWindowScale))) {
    sender.td_scale = 0;
    receiver.td_scale = 0;
  }
}

void reset_peer(TcpPeer& p) {
  p.td_end = p.td_maxend = p.td_maxwin = p.td_maxack = 0;
  p.td_scale = 0;
  p.flags &= kTcpBeLiberal;
}

enum class WindowResult { kAccept, kIgnore, kInvalid };

// nf_tcp_log_invalid's verdict: a liberal sender turns every complaint into "accept".
WindowResult complain(const TcpPeer& sender, const TcpTrackerConfig& config, WindowResult r) {
  if ((sender.flags & kTcpBeLiberal) || config.be_liberal) return WindowResult::kAccept;
  return r;
}

WindowResult in_window(Connection& ct, CtDir dir, TcpIndex index, const TcpSegment& seg,
                       const TcpTrackerConfig& config) {
  TcpTrack& state = ct.tcp;
  TcpPeer& sender = state.seen[index_of(dir)];
  TcpPeer& receiver = state.seen[index_of(opposite(dir))];
  std::uint32_t seq = seg.seq;
  std::uint32_t ack = seg.ack;
  std::uint32_t sack = seg.ack;
  const std::uint16_t win_raw = seg.window;
  std::uint32_t win = win_raw;
  std::uint32_t end = segment_end(seg);
  const bool syn = seg.flags & kSyn;
  const bool has_ack = seg.flags & kAck;

  if (receiver.flags & kTcpSackPerm) parse_sack(seg.options, sack);

  if (sender.td_maxwin == 0) {
    if (syn) {
      init_sender(sender, receiver, seg, end, win, dir);
      if (!has_ack) return WindowResult::kAccept;  // simultaneous open
    } else {
      // Mid-stream: the history is lost; take what the packet says.
      sender.td_end = end;
      const std::uint32_t swin = win << sender.td_scale;
      sender.td_maxwin = swin == 0 ? 1 : swin;
      sender.td_maxend = end + sender.td_maxwin;
      if (receiver.td_maxwin == 0) {
        receiver.td_end = receiver.td_maxend = sack;
      } else if (sack == receiver.td_end + 1) {
        ++receiver.td_end;  // likely a reply to a keepalive
      }
    }
  } else if (syn && after(end, sender.td_end) &&
             (state.state == TcpState::kSynSent || state.state == TcpState::kSynRecv)) {
    // A reinitialised peer retransmits its SYN with a new sequence number.
    init_sender(sender, receiver, seg, end, win, dir);
    if (dir == CtDir::kReply && !has_ack) return WindowResult::kAccept;
  }

  if (!has_ack) {
    ack = sack = receiver.td_end;
  } else if ((seg.flags & (kAck | kRst)) == (kAck | kRst) && ack == 0) {
    ack = sack = receiver.td_end;  // broken stacks set ACK with a zero ack in RSTs
  }

  if ((seg.flags & kRst) && seq == 0 && state.state == TcpState::kSynSent) seq = end = sender.td_end;

  const bool seq_ok = before(seq, sender.td_maxend + 1);
  if (!seq_ok) {
    const std::uint32_t overshot = end - sender.td_maxend + 1;
    const bool ack_ok = after(sack, receiver.td_end - max_ack_window(sender) - 1);
    const bool in_recv_win = receiver.td_maxwin != 0 && after(end, sender.td_end - receiver.td_maxwin - 1);
    if (in_recv_win && ack_ok && overshot <= receiver.td_maxwin && before(sack, receiver.td_end + 1)) {
      sender.td_end = end;
      sender.flags |= kTcpDataUnacknowledged;
      return complain(sender, config, WindowResult::kIgnore);
    }
    return complain(sender, config, WindowResult::kInvalid);
  }
  if (!before(sack, receiver.td_end + 1)) return complain(sender, config, WindowResult::kInvalid);
  const bool in_recv_win = receiver.td_maxwin == 0 || after(end, sender.td_end - receiver.td_maxwin - 1);
  if (!in_recv_win) return complain(sender, config, WindowResult::kIgnore);
  if (!after(sack, receiver.td_end - max_ack_window(sender) - 1)) {
    return complain(sender, config, WindowResult::kIgnore);
  }

  if (!syn) win <<= sender.td_scale;
  const std::uint32_t swin = win + (sack - ack);
  if (sender.td_maxwin < swin) sender.td_maxwin = swin;
  if (after(end, sender.td_end)) {
    sender.td_end = end;
    sender.flags |= kTcpDataUnacknowledged;
  }
  if (has_ack) {
    if (!(sender.flags & kTcpMaxackSet)) {
      sender.td_maxack = ack;
      sender.flags |= kTcpMaxackSet;
    } else if (after(ack, sender.td_maxack)) {
      sender.td_maxack = ack;
    }
  }
  if (receiver.td_maxwin != 0 && after(end, sender.td_maxend)) receiver.td_maxwin += end - sender.td_maxend;
  if (after(sack + win, receiver.td_maxend - 1)) {
    receiver.td_maxend = sack + win;
    if (win == 0) ++receiver.td_maxend;
  }
  if (ack == receiver.td_end) receiver.flags &= ~kTcpDataUnacknowledged;

  if (index == kAckSet) {
    const auto d = static_cast<std::uint8_t>(dir);
    if (state.last_dir == d && state.last_seq == seq && state.last_ack == ack && state.last_end == end &&
        state.last_win == win_raw) {
      ++state.retrans;
    } else {
      state.last_dir = d;
      state.last_seq = seq;
      state.last_ack = ack;
      state.last_end = end;
      state.last_win = win_raw;
      state.retrans = 0;
    }
  }
  return WindowResult::kAccept;
}

bool tcp_established(const Connection& ct) {
  return ct.tcp.state == TcpState::kEstablished && (ct.status & kAssured);
}

// nf_tcp_handle_invalid: an out-of-window FIN/RST answering the peer's FIN/RST shortens the
// timeout of an assured entry, so that dead connections do not linger for days.
void handle_invalid(Connection& ct, CtDir dir, TcpIndex index, std::chrono::nanoseconds now,
                    const ConntrackTimeouts& timeouts) {
  if (!(ct.status & kAssured) || (ct.status & kFixedTimeout)) return;
  if (index != kRstSet && index != kFinSet) return;
  if (ct.tcp.last_dir != static_cast<std::uint8_t>(dir) &&
      (ct.tcp.last_index == kFinSet || ct.tcp.last_index == kRstSet)) {
    const std::chrono::nanoseconds expires = ct.timeout - now;
    if (expires < std::chrono::seconds(120)) return;
    const std::chrono::nanoseconds unack = timeouts.tcp[kTcpTimeoutUnack];
    if (expires > unack) ct.timeout = now + unack;
  } else {
    ct.tcp.last_index = index;
    ct.tcp.last_dir = static_cast<std::uint8_t>(dir);
  }
}

bool can_early_drop(TcpState s) {
  return s == TcpState::kFinWait || s == TcpState::kLastAck || s == TcpState::kTimeWait || s == TcpState::kClose ||
         s == TcpState::kCloseWait;
}

}  // namespace

bool TcpTracker::flags_valid(std::uint8_t flags) {
  return kValidFlags[flags & static_cast<std::uint8_t>(~(kEce | kCwr | kPsh))];
}

bool TcpTracker::on_new(Connection& ct, const TcpSegment& seg, const TcpTrackerConfig& config) {
  const std::uint8_t new_state = kTransitions[0][index_of_segment(seg.flags)][sNO];
  if (new_state >= sIV) return false;
  ct.tcp = TcpTrack{};
  TcpPeer& orig = ct.tcp.seen[0];
  orig.td_end = segment_end(seg);
  orig.td_maxwin = seg.window == 0 ? 1 : seg.window;
  if (new_state == sSS) {
    orig.td_maxend = orig.td_end;
    parse_options(seg.options, orig);
  } else {
    if (!config.loose) return false;
    // Picked up mid-stream: assume SACK and be liberal, window scaling is unknown.
    orig.td_maxend = orig.td_end + orig.td_maxwin;
    ct.tcp.seen[0].flags = ct.tcp.seen[1].flags = kTcpSackPerm | kTcpBeLiberal;
  }
  ct.tcp.last_index = kNoneSet;
  return true;
}

TcpVerdict TcpTracker::on_packet(Connection& ct, CtDir dir, const TcpSegment& seg, std::chrono::nanoseconds now,
                                 const ConntrackTimeouts& timeouts, const TcpTrackerConfig& config) {
  TcpTrack& t = ct.tcp;
  const unsigned d = index_of(dir);
  TcpState old_state = t.state;
  const TcpIndex index = index_of_segment(seg.flags);
  std::uint8_t new_state = kTransitions[d][index][static_cast<std::size_t>(old_state)];
  bool skip_window = false;

  switch (new_state) {
    case sSS:
      if (old_state < TcpState::kTimeWait) break;
      // A SYN reopening a closed or aborted connection: kill the entry and start anew.
      if (((t.seen[d].flags | t.seen[1 - d].flags) & kTcpCloseInit) ||
          (t.last_dir == d && t.last_index == kRstSet)) {
        return TcpVerdict::kReopen;
      }
      [[fallthrough]];
    case sIG:
      if (index == kSynAckSet && t.last_index == kSynSet && t.last_dir != d && seg.ack == t.last_end) {
        // This SYN/ACK answers a SYN we ignored: client and server are in sync, we were not.
        old_state = TcpState::kSynSent;
        new_state = sSR;
        TcpPeer& last = t.seen[t.last_dir];
        last.td_end = t.last_end;
        last.td_maxend = t.last_end;
        last.td_maxwin = t.last_win == 0 ? 1 : t.last_win;
        last.td_scale = t.last_wscale;
        t.last_flags &= static_cast<std::uint8_t>(~kTcpExpChallengeAck);
        last.flags = t.last_flags;
        reset_peer(t.seen[d]);
        break;
      }
      t.last_index = index;
      t.last_dir = static_cast<std::uint8_t>(d);
      t.last_seq = seg.seq;
      t.last_end = segment_end(seg);
      t.last_win = seg.window;
      if (index == kSynSet && dir == CtDir::kOriginal) {
        TcpPeer seen{};
        t.last_flags = t.last_wscale = 0;
        parse_options(seg.options, seen);
        if (seen.flags & kTcpWindowScale) {
          t.last_flags |= kTcpWindowScale;
          t.last_wscale = seen.td_scale;
        }
        if (seen.flags & kTcpSackPerm) t.last_flags |= kTcpSackPerm;
        // An ACK to this SYN in LAST_ACK may be an RFC 5961 challenge ACK, not the last ACK.
        if (old_state == TcpState::kLastAck) t.last_flags |= kTcpExpChallengeAck;
      }
      if (old_state == TcpState::kSynSent && index == kAckSet && dir == CtDir::kReply) t.last_ack = seg.ack;
      return TcpVerdict::kIgnore;
    case sIV:
      return TcpVerdict::kInvalid;
    case sTW:
      if (old_state == TcpState::kLastAck && index == kAckSet && t.last_dir != d && t.last_index == kSynSet &&
          (t.last_flags & kTcpExpChallengeAck)) {
        t.last_flags &= static_cast<std::uint8_t>(~kTcpExpChallengeAck);
        return TcpVerdict::kIgnore;  // a challenge ACK: the state stays
      }
      break;
    case sS2:
      t.last_flags |= kTcpSimultaneousOpen;
      break;
    case sSR:
      if (dir == CtDir::kReply && index == kAckSet && (t.last_flags & kTcpSimultaneousOpen)) new_state = sES;
      break;
    case sCL: {
      if (index != kRstSet) break;
      if (can_early_drop(t.state)) {
        skip_window = true;
        break;
      }
      const TcpPeer& other = t.seen[1 - d];
      if ((other.flags & kTcpMaxackSet) && t.last_index != kSynSet) {
        const std::uint32_t seq = seg.seq;
        if (seq == 0 && !tcp_established(ct)) break;
        if (before(seq, other.td_maxack)) return TcpVerdict::kInvalid;  // invalid RST
        if (!tcp_established(ct) || seq == other.td_maxack) break;
        if (t.last_index == kAckSet && t.last_dir == d && seq == t.last_end) break;  // part of a train
        // The RST does not match exactly: keep the state to allow a challenge ACK.
        new_state = static_cast<std::uint8_t>(old_state);
      }
      if ((((ct.status & kSeenReply) && t.last_index == kSynSet) ||
           (!(ct.status & kAssured) && t.last_index == kAckSet)) &&
          seg.ack == t.last_end) {
        skip_window = true;  // RST answering a SYN or ACK we let through: skip window checks
        break;
      }
      if (old_state == TcpState::kSynSent && t.last_index == kAckSet && t.last_dir == 1 && seg.seq == t.last_ack) {
        skip_window = true;  // RST answering a challenge ACK we let through
      }
      break;
    }
    default:
      break;
  }

  if (!skip_window) {
    switch (in_window(ct, dir, index, seg, config)) {
      case WindowResult::kIgnore: return TcpVerdict::kIgnore;
      case WindowResult::kInvalid:
        handle_invalid(ct, dir, index, now, timeouts);
        return TcpVerdict::kInvalid;
      case WindowResult::kAccept: break;
    }
  }

  t.last_index = index;
  t.last_dir = static_cast<std::uint8_t>(d);
  const auto next = static_cast<TcpState>(new_state);
  t.state = next;
  if (old_state != next && next == TcpState::kFinWait) t.seen[d].flags |= kTcpCloseInit;

  std::chrono::nanoseconds timeout = timeouts.tcp_state(next);
  const std::chrono::nanoseconds retrans = timeouts.tcp[kTcpTimeoutRetrans];
  const std::chrono::nanoseconds unack = timeouts.tcp[kTcpTimeoutUnack];
  if (t.retrans >= config.max_retrans && timeout > retrans) {
    timeout = retrans;
  } else if (index == kRstSet) {
    timeout = timeouts.tcp_state(TcpState::kClose);
  } else if (((t.seen[0].flags | t.seen[1].flags) & kTcpDataUnacknowledged) && timeout > unack) {
    timeout = unack;
  } else if (t.last_win == 0 && timeout > retrans) {
    timeout = retrans;
  }

  if (!(ct.status & kSeenReply)) {
    // An RST as the only answer: no connection was ever established, forget it at once.
    if (seg.flags & kRst) return TcpVerdict::kAcceptAndKill;
    // A retransmitted SYN does not renew the timeout, or port reuse would keep it forever.
    if (index == kSynSet && old_state == TcpState::kSynSent) return TcpVerdict::kIgnore;
    // Picked up mid-stream without a reply: no long ESTABLISHED timeout yet.
    if (next == TcpState::kEstablished && timeout > unack) timeout = unack;
  } else if (!(ct.status & kAssured) && (old_state == TcpState::kSynRecv || old_state == TcpState::kEstablished) &&
             next == TcpState::kEstablished) {
    ct.status |= kAssured;
  }
  ct.timeout = now + timeout;
  return TcpVerdict::kAccept;
}

}  // namespace flowsim::engine::conntrack
