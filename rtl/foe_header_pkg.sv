// SPDX-License-Identifier: Apache-2.0
// The frame headers as the datapath sees them, shared by the parser (which finds the fields)
// and the rewrite unit (which changes them): where the L3 header starts after the Ethernet
// header, VLAN tags and PPPoE, the byte offsets of the IPv4, IPv6, TCP and UDP fields the
// blocks read or write, and the byte order of big-endian fields in a vector whose byte i is at
// [8*i +: 8] (as a frame's bytes copy into it on a little-endian host).

`default_nettype none

package foe_header_pkg;

  // Shared vocabulary: no block uses every constant.
  /* verilator lint_off UNUSEDPARAM */

  // ---- L2: Ethernet II, up to two 802.1Q/802.1ad tags, a PPPoE session --------------------
  localparam int unsigned EthHeaderBytes = 14;
  localparam int unsigned EthTypeAt = 12;  // after the MACs
  localparam int unsigned VlanTagBytes = 4;
  localparam int unsigned MaxVlanTags = 2;
  localparam int unsigned PppoeBytes = 8;  // the session header and the PPP protocol
  // The longest L2 header: two tags and PPPoE.
  localparam int unsigned MaxL3Offset = EthHeaderBytes + MaxVlanTags * VlanTagBytes + PppoeBytes;

  // The EtherType (or the first tag's TPID, for `vlans` = 0) follows the MACs and the tags.
  function automatic logic [4:0] ether_type_at(logic [1:0] vlans);
    return 5'(EthTypeAt) + {1'b0, vlans, 2'b00};
  endfunction

  // The L3 header's offset in a frame with `vlans` tags, behind a PPPoE session or not.
  function automatic logic [4:0] l3_offset(logic [1:0] vlans, logic pppoe);
    return ether_type_at(vlans) + 5'd2 + (pppoe ? 5'(PppoeBytes) : 5'd0);
  endfunction

  // ---- L3 and L4: what the blocks look at of the L3 packet ---------------------------------
  // The IPv6 header, or an IPv4 header without options and the 20 bytes after it: the L4
  // ports and the TCP or UDP checksum.
  localparam int unsigned L3HeadBytes = 40;
  typedef logic [8*L3HeadBytes-1:0] l3_head_t;
  // What the rewrite unit reads of a frame: the longest L2 header and L3HeadBytes, in whole
  // 32-bit words.
  localparam int unsigned RewriteWindowBytes = 72;

  localparam int unsigned Ip4TotalLength = 2;
  localparam int unsigned Ip4FlagsFragment = 6;
  localparam int unsigned Ip4Ttl = 8;
  localparam int unsigned Ip4Protocol = 9;
  localparam int unsigned Ip4Check = 10;
  localparam int unsigned Ip4Src = 12;
  localparam int unsigned Ip4Dst = 16;
  localparam int unsigned Ip4MinHeaderBytes = 20;

  localparam int unsigned Ip6PayloadLength = 4;
  localparam int unsigned Ip6NextHeader = 6;
  localparam int unsigned Ip6HopLimit = 7;
  localparam int unsigned Ip6Src = 8;
  localparam int unsigned Ip6Dst = 24;
  localparam int unsigned Ip6HeaderBytes = 40;

  // In the L4 header.
  localparam int unsigned L4Sport = 0;
  localparam int unsigned L4Dport = 2;
  localparam int unsigned UdpCheck = 6;
  localparam int unsigned TcpDataOffset = 12;
  localparam int unsigned TcpFlags = 13;
  localparam int unsigned TcpCheck = 16;
  localparam int unsigned UdpHeaderBytes = 8;
  localparam int unsigned TcpMinHeaderBytes = 20;

  /* verilator lint_on UNUSEDPARAM */

  // A big-endian field's value from its bytes in a vector (byte i at [8*i +: 8]), and back:
  // the byte swap is its own inverse. The callers select the bytes with a constant part-select
  // (vec[8*at +: 16]), so no wide vector is passed by value (a Verilated model would copy and
  // clear it on every evaluation).
  function automatic logic [15:0] wire16(logic [15:0] v);
    return {v[7:0], v[15:8]};
  endfunction
  function automatic logic [31:0] wire32(logic [31:0] v);
    return {wire16(v[15:0]), wire16(v[31:16])};
  endfunction

endpackage

`default_nettype wire
