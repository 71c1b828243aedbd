// SPDX-License-Identifier: Apache-2.0
// FOE rewrite unit (action block): what a hit on a BIND entry does to the frame, as a four-stage
// pipeline taking one frame per cycle (RewriteLatency = 4, RewriteIi = 1). The C++ twin is
// model/rtl_twin/rewrite_cpp.cpp; model/rtl_twin checks the two are bit-identical.
//
//   stage 1: the exceptions, in order: DEST_PORT is no Ethernet port (hit_bind_force_cpu),
//            VLAN_LAYER > 2 (hit_bind_vlan_violation), TTL <= 1 with TTL_DEC (hit_ttl_1), L3
//            length above the entry's MTU or the port's PORT_MTU (exceed_mtu); the L3 packet
//            is cut out of the window, which pops the ingress VLAN tags / PPPoE header.
//   stage 2: the fields NAT and TTL change taken apart; source NAT (IPv4 HNAPT): port, then
//            address, IPv4 and L4 checksums updated.
//   stage 3: destination NAT likewise, then the TTL / hop-limit decrement.
//   stage 4: the new L2 header in front: MACs, VLAN1/VLAN2 tags, PPPoE session, EtherType.
//
// Checksums are updated incrementally as Linux does (RFC 1624 eqn. 3 with csum_fold; UDP only
// when its checksum is not 0, a result of 0 sent as 0xffff; the TTL decrement adds 0x0100 and
// stores 0xffff as 0), never recomputed, so the output keeps the input's representation.
//
// hdr_i holds the frame's first RewriteWindowBytes (byte i at [8*i +: 8]): its L2 header and the
// first L3HeadBytes of its L3 packet, which is all the unit changes. Out come the new L2 header
// (l2_o, 14 + push_o bytes) and those L3 bytes rewritten (l3_o); the frame's L2 header (14 +
// pop_o bytes) is replaced by l2_o, its first L3 bytes by l3_o, and the rest of the frame
// follows unchanged. The frame is the parse of the parser (IPv4 without options, so L4 is 20
// bytes into IPv4; IPv6 is not NATed). Only the few fields that change travel through the NAT
// and TTL stages; the L3 bytes are put back together in stage 4.
//
//   l2_o:   0      6      12                                  12+4v       14+4v (+8 with PPPoE)
//           | dmac | smac | 8100 VLAN1 | 8100 VLAN2 (v tags) | EtherType | 11 00 sid len ppp |

`default_nettype none

module foe_rewrite
  import flowsim_hw_pkg::*;
  import foe_header_pkg::*;
(
  input  wire logic                            clk_i,
  input  wire logic                            rst_ni,

  input  wire logic                            valid_i,
  input  wire logic [8*RewriteWindowBytes-1:0] hdr_i,
  // The BIND entry, word w in bits [32*w +: 32] (FOE_ENTRY / FOE_IPV4 / FOE_IPV6).
  input  wire logic [1023:0]                   entry_i,
  // From the parser.
  input  wire logic                            ipv6_i,
  input  wire logic                            udp_i,
  input  wire logic [7:0]                      ttl_i,
  input  wire logic [7:0]                      l3_offset_i,
  input  wire logic [15:0]                     l3_length_i,
  // Configuration: Ethernet ports present and PORT_MTU of each (port p in [32*p +: 32]).
  input  wire logic [3:0]                      ports_i,
  input  wire logic [255:0]                    port_mtu_i,

  output      logic                            valid_o,
  output      logic                            forward_o,
  output      logic [4:0]                      reason_o,
  output      logic [3:0]                      dest_port_o,
  output      logic [8*MaxL3Offset-1:0]        l2_o,
  output      l3_head_t                        l3_o,
  output      logic [4:0]                      pop_o,
  output      logic [4:0]                      push_o
);

  if (RewriteLatency != 4) begin : gen_latency_check
    $error("foe_rewrite has 4 pipeline stages but flowsim_hw_pkg::RewriteLatency is %0d", RewriteLatency);
  end
  if (RewriteIi != 1) begin : gen_ii_check
    $error("foe_rewrite takes a frame per cycle but flowsim_hw_pkg::RewriteIi is %0d", RewriteIi);
  end
  // Any L3 offset of 5 bits (the parser's are at most MaxL3Offset) selects L3 bytes inside the
  // window.
  if (MaxL3Offset > 31 || 31 + L3HeadBytes > RewriteWindowBytes) begin : gen_window_check
    $error("foe_rewrite: RewriteWindowBytes %0d does not hold the L2 header and %0d L3 bytes", RewriteWindowBytes,
           L3HeadBytes);
  end

  // ---- Checksum arithmetic (net/checksum.hpp, Linux include/net/checksum.h) ----------------
  function automatic logic [15:0] csum_fold(logic [31:0] sum);
    logic [31:0] s;
    s = {16'd0, sum[15:0]} + {16'd0, sum[31:16]};
    s = {16'd0, s[15:0]} + {16'd0, s[31:16]};
    return ~s[15:0];
  endfunction

  function automatic logic [15:0] csum_fold_add(logic [15:0] check, logic [31:0] sum);
    return csum_fold(sum + {16'd0, ~check});
  endfunction

  function automatic logic [15:0] csum_replace2(logic [15:0] check, logic [15:0] from, logic [15:0] to);
    return csum_fold_add(check, {16'd0, ~from} + {16'd0, to});
  endfunction

  function automatic logic [15:0] csum_replace4(logic [15:0] check, logic [31:0] from, logic [31:0] to);
    logic [31:0] nfrom;
    nfrom = ~from;
    return csum_fold_add(check, {16'd0, nfrom[31:16]} + {16'd0, nfrom[15:0]} + {16'd0, to[31:16]} +
                                {16'd0, to[15:0]});
  endfunction

  // The L4 checksum after one NAT step: TCP always; UDP only if it is not 0 (none), and a
  // result of 0 is sent as 0xffff (CSUM_MANGLED_0).
  function automatic logic [15:0] l4_update(logic udp, logic [15:0] check, logic [15:0] updated);
    if (!udp) return updated;
    if (check == 16'd0) return check;
    return updated == 16'd0 ? 16'hffff : updated;
  endfunction

  // The fields NAT and the TTL decrement change, as values (not in the frame's byte order).
  typedef struct packed {
    logic [15:0] ip_check;  // IPv4 header checksum
    logic [15:0] l4_check;  // TCP or UDP checksum
    logic [31:0] src, dst;  // IPv4 addresses
    logic [15:0] sport, dport;
    logic [7:0]  ttl;       // IPv4 TTL or IPv6 hop limit
  } fields_t;

  // One NAT step (Linux nf_flow_snat_*/dnat_*): the port, then the address, each with the IPv4
  // and L4 checksums updated. `dnat` chooses the destination side.
  function automatic fields_t nat_step(fields_t f, logic udp, logic dnat, logic [15:0] port, logic [31:0] addr);
    fields_t o;
    logic [15:0] from_port;
    logic [31:0] from_addr;
    o = f;
    from_port = dnat ? f.dport : f.sport;
    from_addr = dnat ? f.dst : f.src;
    o.l4_check = l4_update(udp, f.l4_check, csum_replace2(f.l4_check, from_port, port));
    o.ip_check = csum_replace4(f.ip_check, from_addr, addr);
    o.l4_check = l4_update(udp, o.l4_check, csum_replace4(o.l4_check, from_addr, addr));
    if (dnat) begin
      o.dport = port;
      o.dst = addr;
    end else begin
      o.sport = port;
      o.src = addr;
    end
    return o;
  endfunction

  // What travels from stage to stage unchanged after stage 1.
  typedef struct packed {
    logic        punt;
    logic [4:0]  reason;
    logic [3:0]  dest;
    logic [4:0]  pop;
    logic        ipv6, udp, ttl_dec, pppoe;
    logic [1:0]  vlans;
    logic [47:0] dmac, smac;
    logic [31:0] vlan;
    logic [15:0] sid, l3_length;
  } carried_t;

  // ---- Stage 1: exceptions, the L3 bytes and their fields -----------------------------------
  // The entry's layouts; the rewrite reads only some of their fields.
  /* verilator lint_off UNUSEDSIGNAL */
  foe_entry_t e;
  foe_ipv4_t  e4;
  /* verilator lint_on UNUSEDSIGNAL */
  assign e = entry_i;
  assign e4 = entry_i;

  logic [3:0]  dest;
  logic [31:0] port_mtu;
  logic        hnapt;
  logic        punt;
  logic [4:0]  reason;
  assign dest = e.ib2.dest_port;
  assign port_mtu = port_mtu_i[{dest[2:0], 5'b00000} +: 32];
  assign hnapt = !ipv6_i && e.ib1.type_f == FoeEntryIb1TypeIpv4Hnapt;

  always_comb begin
    punt = 1'b1;
    reason = 5'd0;
    if (dest >= ports_i) begin
      reason = PuntHitBindForceCpu;
    end else if (e.ib1.vlan_layer > 2'd2) begin
      reason = PuntHitBindVlanViolation;
    end else if (e.ib1.ttl_dec && ttl_i <= 8'd1) begin
      reason = PuntHitTtl1;
    end else if ((e.mtu.mtu != 16'd0 && l3_length_i > e.mtu.mtu) || {16'd0, l3_length_i} > port_mtu) begin
      reason = PuntExceedMtu;
    end else begin
      punt = 1'b0;
    end
  end

  // The parser's L3 offsets are below 32 (MaxL3Offset).
  logic [4:0] l3_at;
  logic       unused_l3_offset;
  assign l3_at = l3_offset_i[4:0];
  assign unused_l3_offset = ^l3_offset_i[7:5];

  logic     s1_valid, s2_valid, s3_valid, s4_valid;
  carried_t s1, s2, s3;
  l3_head_t s1_head, s2_head, s3_head;
  fields_t  s1_fields, s2_fields, s3_fields;
  logic     s1_snat, s1_dnat, s2_dnat;
  logic [31:0] s1_new_sip, s1_new_dip, s2_new_dip;
  logic [15:0] s1_new_sport, s1_new_dport, s2_new_dport;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s1_valid <= 1'b0;
      s2_valid <= 1'b0;
      s3_valid <= 1'b0;
      s4_valid <= 1'b0;
    end else begin
      s1_valid <= valid_i;
      s2_valid <= s1_valid;
      s3_valid <= s2_valid;
      s4_valid <= s3_valid;
    end
  end

  // A side is rewritten as a pair when either of its fields changes (Linux NF_FLOW_SNAT/DNAT).
  // Data registers load only on a valid beat, so an idle pipeline does not toggle.
  always_ff @(posedge clk_i) begin
    if (valid_i) begin
      s1.punt      <= punt;
      s1.reason    <= reason;
      s1.dest      <= dest;
      s1.pop       <= l3_at - 5'(EthHeaderBytes);
      s1.ipv6      <= ipv6_i;
      s1.udp       <= udp_i;
      s1.ttl_dec   <= e.ib1.ttl_dec;
      s1.pppoe     <= e.ib1.pppoe;
      s1.vlans     <= e.ib1.vlan_layer;
      s1.dmac      <= {e.dmac_hi, e.dmac_lo.dmac_lo};
      s1.smac      <= {e.smac_hi, e.smac_lo.smac_lo};
      s1.vlan      <= e.vlan;
      s1.sid       <= e.pppoe.pppoe_sid;
      s1.l3_length <= l3_length_i;
      s1_head      <= hdr_i[{2'b00, l3_at, 3'b000} +: 8*L3HeadBytes];
      s1_snat      <= hnapt && (e4.new_sip != e4.orig_sip || e4.new_ports.sport != e4.orig_ports.sport);
      s1_dnat      <= hnapt && (e4.new_dip != e4.orig_dip || e4.new_ports.dport != e4.orig_ports.dport);
      s1_new_sip   <= e4.new_sip;
      s1_new_dip   <= e4.new_dip;
      s1_new_sport <= e4.new_ports.sport;
      s1_new_dport <= e4.new_ports.dport;
    end
  end

  // ---- Stage 2: the fields taken apart, source NAT ------------------------------------------
  assign s1_fields.ip_check = wire16(s1_head[8*Ip4Check +: 16]);
  assign s1_fields.l4_check = s1.udp ? wire16(s1_head[8*(Ip4MinHeaderBytes+UdpCheck) +: 16])
                                     : wire16(s1_head[8*(Ip4MinHeaderBytes+TcpCheck) +: 16]);
  assign s1_fields.src = wire32(s1_head[8*Ip4Src +: 32]);
  assign s1_fields.dst = wire32(s1_head[8*Ip4Dst +: 32]);
  assign s1_fields.sport = wire16(s1_head[8*(Ip4MinHeaderBytes+L4Sport) +: 16]);
  assign s1_fields.dport = wire16(s1_head[8*(Ip4MinHeaderBytes+L4Dport) +: 16]);
  assign s1_fields.ttl = s1.ipv6 ? s1_head[8*Ip6HopLimit +: 8] : s1_head[8*Ip4Ttl +: 8];

  always_ff @(posedge clk_i) begin
    if (s1_valid) begin
      s2           <= s1;
      s2_head      <= s1_head;
      s2_fields    <= s1_snat ? nat_step(s1_fields, s1.udp, 1'b0, s1_new_sport, s1_new_sip) : s1_fields;
      s2_dnat      <= s1_dnat;
      s2_new_dip   <= s1_new_dip;
      s2_new_dport <= s1_new_dport;
    end
  end

  // ---- Stage 3: destination NAT, then the TTL / hop-limit decrement --------------------------
  fields_t     dnat_fields, ttl_fields;
  logic [16:0] ttl_sum;
  logic [15:0] ttl_folded;
  assign dnat_fields = s2_dnat ? nat_step(s2_fields, s2.udp, 1'b1, s2_new_dport, s2_new_dip) : s2_fields;
  // ip_decrease_ttl: checksum + 0x0100 with end-around carry; 0xffff is stored as 0.
  assign ttl_sum = {1'b0, dnat_fields.ip_check} + 17'h00100;
  assign ttl_folded = ttl_sum[15:0] + {15'd0, ttl_sum[16]};
  always_comb begin
    ttl_fields = dnat_fields;
    if (s2.ttl_dec) begin
      ttl_fields.ttl = dnat_fields.ttl - 8'd1;
      if (!s2.ipv6) ttl_fields.ip_check = ttl_folded == 16'hffff ? 16'h0000 : ttl_folded;
    end
  end

  // The decrement is done: stage 4 does not look at TTL_DEC.
  logic unused_ttl_dec;
  assign unused_ttl_dec = s3.ttl_dec;

  always_ff @(posedge clk_i) begin
    if (s2_valid) begin
      s3        <= s2;
      s3_head   <= s2_head;
      s3_fields <= ttl_fields;
    end
  end

  // ---- Stage 4: the new L2 header and the rewritten L3 bytes --------------------------------
  logic [8*MaxL3Offset-1:0] l2;
  logic [4:0]               push;
  logic [4:0]               tags_end;
  logic [15:0]              ip_type;
  logic [15:0]              pppoe_len;
  assign pppoe_len = s3.l3_length + 16'd2;  // L3 packet and the PPP protocol field
  assign ip_type = s3.ipv6 ? 16'h86dd : 16'h0800;
  assign push = l3_offset(s3.vlans, s3.pppoe) - 5'(EthHeaderBytes);
  assign tags_end = ether_type_at(s3.vlans);

  always_comb begin
    l2 = '0;
    for (int i = 0; i < 6; i++) begin
      l2[8*i +: 8] = s3.dmac[8*(5-i) +: 8];
      l2[8*(6+i) +: 8] = s3.smac[8*(5-i) +: 8];
    end
    if (s3.vlans != 2'd0) begin
      l2[8*EthTypeAt +: 32] = {wire16(s3.vlan[15:0]), 16'h0081};  // 8100, VLAN1 (outer)
    end
    if (s3.vlans == 2'd2) begin
      l2[8*(EthTypeAt+VlanTagBytes) +: 32] = {wire16(s3.vlan[31:16]), 16'h0081};  // 8100, VLAN2 (inner)
    end
    if (s3.pppoe) begin
      // 8864, version 1 type 1, code 0, session, length (L3 + PPP protocol), PPP protocol.
      l2[{tags_end, 3'b000} +: 80] = {s3.ipv6 ? 16'h5700 : 16'h2100, wire16(pppoe_len), wire16(s3.sid), 16'h0011,
                                      16'h6488};
    end else begin
      l2[{tags_end, 3'b000} +: 16] = wire16(ip_type);
    end
  end

  // The changed fields back into the L3 bytes: the hop limit of IPv6; TTL, checksum, addresses,
  // ports and the L4 checksum of IPv4 (unchanged ones are written back as they were).
  l3_head_t l3;
  always_comb begin
    l3 = s3_head;
    if (s3.ipv6) begin
      l3[8*Ip6HopLimit +: 8] = s3_fields.ttl;
    end else begin
      l3[8*Ip4Ttl +: 8] = s3_fields.ttl;
      l3[8*Ip4Check +: 16] = wire16(s3_fields.ip_check);
      l3[8*Ip4Src +: 32] = wire32(s3_fields.src);
      l3[8*Ip4Dst +: 32] = wire32(s3_fields.dst);
      l3[8*(Ip4MinHeaderBytes+L4Sport) +: 16] = wire16(s3_fields.sport);
      l3[8*(Ip4MinHeaderBytes+L4Dport) +: 16] = wire16(s3_fields.dport);
      if (s3.udp) begin
        l3[8*(Ip4MinHeaderBytes+UdpCheck) +: 16] = wire16(s3_fields.l4_check);
      end else begin
        l3[8*(Ip4MinHeaderBytes+TcpCheck) +: 16] = wire16(s3_fields.l4_check);
      end
    end
  end

  // A punted frame is not rewritten: l2_o, l3_o, pop_o and push_o are 0 for it.
  always_ff @(posedge clk_i) begin
    if (s3_valid) begin
      forward_o   <= !s3.punt;
      reason_o    <= s3.reason;
      dest_port_o <= s3.punt ? 4'd0 : s3.dest;
      pop_o       <= s3.punt ? 5'd0 : s3.pop;
      push_o      <= s3.punt ? 5'd0 : push;
      l2_o        <= s3.punt ? '0 : l2;
      l3_o        <= s3.punt ? '0 : l3;
    end
  end

  assign valid_o = s4_valid;

endmodule

`default_nettype wire
