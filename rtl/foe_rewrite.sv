// SPDX-License-Identifier: Apache-2.0
// FOE rewrite unit (action block): what a hit on a BIND entry does to the frame, as a four-stage
// pipeline taking one frame per cycle (RewriteLatency = 4, RewriteIi = 1). The C++ twin is
// model/rtl_twin/rewrite_cpp.cpp; model/rtl_twin checks the two are bit-identical.
//
//   stage 1: the exceptions, in order: DEST_PORT is no Ethernet port (hit_bind_force_cpu),
//            VLAN_LAYER > 2 (hit_bind_vlan_violation), TTL <= 1 with TTL_DEC (hit_ttl_1), L3
//            length above the entry's MTU or the port's PORT_MTU (exceed_mtu); the L3 packet
//            is cut out of the window, which pops the ingress VLAN tags / PPPoE header.
//   stage 2: source NAT (IPv4 HNAPT): port, then address, IPv4 and L4 checksums updated.
//   stage 3: destination NAT likewise, then the TTL / hop-limit decrement.
//   stage 4: the new L2 header in front: MACs, VLAN1/VLAN2 tags, PPPoE session, EtherType.
//
// Checksums are updated incrementally as Linux does (RFC 1624 eqn. 3 with csum_fold; UDP only
// when its checksum is not 0, a result of 0 sent as 0xffff; the TTL decrement adds 0x0100 and
// stores 0xffff as 0), never recomputed, so the output keeps the input's representation.
//
// hdr_i holds the frame's first 128 bytes (byte i at [8*i +: 8]); hdr_o the rewritten ones, 128
// - pop_o + push_o of them: the frame's bytes from 128 on follow unchanged. The frame is the
// parse of the parser (IPv4 without options, so L4 is 20 bytes into IPv4; IPv6 is not NATed).
//
//   hdr_o:  0      6      12                                  12+4v       14+4v (+8 with PPPoE)
//           | dmac | smac | 8100 VLAN1 | 8100 VLAN2 (v tags) | EtherType | 11 00 sid len ppp | IP...

`default_nettype none

module foe_rewrite
  import flowsim_hw_pkg::*;
(
  input  wire logic          clk_i,
  input  wire logic          rst_ni,

  input  wire logic          valid_i,
  input  wire logic [1023:0] hdr_i,
  // The BIND entry, word w in bits [32*w +: 32] (FOE_ENTRY / FOE_IPV4 / FOE_IPV6).
  input  wire logic [1023:0] entry_i,
  // From the parser.
  input  wire logic          ipv6_i,
  input  wire logic          udp_i,
  input  wire logic [7:0]    ttl_i,
  input  wire logic [7:0]    l3_offset_i,
  input  wire logic [15:0]   l3_length_i,
  // Configuration: Ethernet ports present and PORT_MTU of each (port p in [32*p +: 32]).
  input  wire logic [3:0]    ports_i,
  input  wire logic [255:0]  port_mtu_i,

  output      logic          valid_o,
  output      logic          forward_o,
  output      logic [4:0]    reason_o,
  output      logic [3:0]    dest_port_o,
  output      logic [1151:0] hdr_o,
  output      logic [4:0]    pop_o,
  output      logic [4:0]    push_o
);

  if (RewriteLatency != 4) begin : gen_latency_check
    $error("foe_rewrite has 4 pipeline stages but flowsim_hw_pkg::RewriteLatency is %0d", RewriteLatency);
  end
  if (RewriteIi != 1) begin : gen_ii_check
    $error("foe_rewrite takes a frame per cycle but flowsim_hw_pkg::RewriteIi is %0d", RewriteIi);
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

  // ---- Big-endian fields of the first 40 bytes of the L3 packet ------------------------------
  function automatic logic [15:0] get16(logic [319:0] h, int unsigned at);
    return {h[8*at +: 8], h[8*(at+1) +: 8]};
  endfunction
  function automatic logic [31:0] get32(logic [319:0] h, int unsigned at);
    return {h[8*at +: 8], h[8*(at+1) +: 8], h[8*(at+2) +: 8], h[8*(at+3) +: 8]};
  endfunction
  function automatic logic [319:0] put16(logic [319:0] h, int unsigned at, logic [15:0] v);
    logic [319:0] o;
    o = h;
    o[8*at +: 8] = v[15:8];
    o[8*(at+1) +: 8] = v[7:0];
    return o;
  endfunction
  function automatic logic [319:0] put32(logic [319:0] h, int unsigned at, logic [31:0] v);
    return put16(put16(h, at, v[31:16]), at + 2, v[15:0]);
  endfunction

  // Byte offsets in the L3 packet: IPv4 TTL, checksum, addresses; L4 ports and checksums.
  localparam int unsigned Ip4Ttl = 8;
  localparam int unsigned Ip4Check = 10;
  localparam int unsigned Ip4Src = 12;
  localparam int unsigned Ip4Dst = 16;
  localparam int unsigned Ip6HopLimit = 7;
  localparam int unsigned L4Sport = 20;
  localparam int unsigned L4Dport = 22;
  localparam int unsigned UdpCheck = 26;
  localparam int unsigned TcpCheck = 36;

  // ---- Stage 1: exceptions and the L3 packet ------------------------------------------------
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

  logic          s1_valid;
  logic          s1_punt;
  logic [4:0]    s1_reason;
  logic [3:0]    s1_dest;
  logic [1023:0] s1_l3;  // the frame from its L3 header on
  logic [4:0]    s1_pop;
  logic          s1_ipv6, s1_udp, s1_ttl_dec, s1_pppoe;
  logic [1:0]    s1_vlans;
  logic          s1_snat, s1_dnat;
  logic [31:0]   s1_new_sip, s1_new_dip;
  logic [15:0]   s1_new_sport, s1_new_dport;
  logic [47:0]   s1_dmac, s1_smac;
  logic [31:0]   s1_vlan;
  logic [15:0]   s1_sid;
  logic [15:0]   s1_l3_length;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s1_valid <= 1'b0;
    end else begin
      s1_valid <= valid_i;
    end
  end

  // A side is rewritten as a pair when either of its fields changes (Linux NF_FLOW_SNAT/DNAT).
  always_ff @(posedge clk_i) begin
    if (valid_i) begin
      s1_punt      <= punt;
      s1_reason    <= reason;
      s1_dest      <= dest;
      s1_l3        <= hdr_i >> {l3_offset_i, 3'b000};
      s1_pop       <= l3_offset_i[4:0] - 5'd14;
      s1_ipv6      <= ipv6_i;
      s1_udp       <= udp_i;
      s1_ttl_dec   <= e.ib1.ttl_dec;
      s1_pppoe     <= e.ib1.pppoe;
      s1_vlans     <= e.ib1.vlan_layer;
      s1_snat      <= hnapt && (e4.new_sip != e4.orig_sip || e4.new_ports.sport != e4.orig_ports.sport);
      s1_dnat      <= hnapt && (e4.new_dip != e4.orig_dip || e4.new_ports.dport != e4.orig_ports.dport);
      s1_new_sip   <= e4.new_sip;
      s1_new_dip   <= e4.new_dip;
      s1_new_sport <= e4.new_ports.sport;
      s1_new_dport <= e4.new_ports.dport;
      s1_dmac      <= {e.dmac_hi, e.dmac_lo.dmac_lo};
      s1_smac      <= {e.smac_hi, e.smac_lo.smac_lo};
      s1_vlan      <= e.vlan;
      s1_sid       <= e.pppoe.pppoe_sid;
      s1_l3_length <= l3_length_i;
    end
  end

  // ---- Stages 2 and 3: NAT steps and TTL on the first 40 bytes of the L3 packet -------------
  // One NAT step: port at l4_at, address at ip_at, then both checksums.
  function automatic logic [319:0] nat_step(logic [319:0] h, logic udp, int unsigned l4_at, logic [15:0] port,
                                            int unsigned ip_at, logic [31:0] addr);
    logic [319:0] o;
    logic [15:0]  l4c;
    logic [15:0]  ipc;
    int unsigned  check_at;
    check_at = udp ? UdpCheck : TcpCheck;
    o = h;
    l4c = get16(o, check_at);
    l4c = l4_update(udp, l4c, csum_replace2(l4c, get16(o, l4_at), port));
    o = put16(o, l4_at, port);
    ipc = csum_replace4(get16(o, Ip4Check), get32(o, ip_at), addr);
    l4c = l4_update(udp, l4c, csum_replace4(l4c, get32(o, ip_at), addr));
    o = put32(o, ip_at, addr);
    o = put16(o, Ip4Check, ipc);
    return put16(o, check_at, l4c);
  endfunction

  logic [319:0] snat_head;
  assign snat_head = s1_snat ? nat_step(s1_l3[319:0], s1_udp, L4Sport, s1_new_sport, Ip4Src, s1_new_sip)
                             : s1_l3[319:0];

  logic          s2_valid;
  logic [1023:0] s2_l3;
  logic          s2_punt;
  logic [4:0]    s2_reason;
  logic [3:0]    s2_dest;
  logic [4:0]    s2_pop;
  logic          s2_ipv6, s2_udp, s2_ttl_dec, s2_pppoe, s2_dnat;
  logic [1:0]    s2_vlans;
  logic [31:0]   s2_new_dip;
  logic [15:0]   s2_new_dport;
  logic [47:0]   s2_dmac, s2_smac;
  logic [31:0]   s2_vlan;
  logic [15:0]   s2_sid, s2_l3_length;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s2_valid <= 1'b0;
    end else begin
      s2_valid <= s1_valid;
    end
  end

  always_ff @(posedge clk_i) begin
    if (s1_valid) begin
      s2_l3        <= {s1_l3[1023:320], snat_head};
      s2_punt      <= s1_punt;
      s2_reason    <= s1_reason;
      s2_dest      <= s1_dest;
      s2_pop       <= s1_pop;
      s2_ipv6      <= s1_ipv6;
      s2_udp       <= s1_udp;
      s2_ttl_dec   <= s1_ttl_dec;
      s2_pppoe     <= s1_pppoe;
      s2_dnat      <= s1_dnat;
      s2_vlans     <= s1_vlans;
      s2_new_dip   <= s1_new_dip;
      s2_new_dport <= s1_new_dport;
      s2_dmac      <= s1_dmac;
      s2_smac      <= s1_smac;
      s2_vlan      <= s1_vlan;
      s2_sid       <= s1_sid;
      s2_l3_length <= s1_l3_length;
    end
  end

  logic [319:0] dnat_head, ttl_head;
  logic [15:0]  ttl_check, ttl_folded;
  logic [16:0]  ttl_sum;
  assign dnat_head = s2_dnat ? nat_step(s2_l3[319:0], s2_udp, L4Dport, s2_new_dport, Ip4Dst, s2_new_dip)
                             : s2_l3[319:0];
  // ip_decrease_ttl: checksum + 0x0100 with end-around carry; 0xffff is stored as 0.
  assign ttl_sum = {1'b0, get16(dnat_head, Ip4Check)} + 17'h00100;
  assign ttl_folded = ttl_sum[15:0] + {15'd0, ttl_sum[16]};
  assign ttl_check = ttl_folded == 16'hffff ? 16'h0000 : ttl_folded;
  always_comb begin
    ttl_head = dnat_head;
    if (s2_ttl_dec) begin
      if (s2_ipv6) begin
        ttl_head[8*Ip6HopLimit +: 8] = dnat_head[8*Ip6HopLimit +: 8] - 8'd1;
      end else begin
        ttl_head[8*Ip4Ttl +: 8] = dnat_head[8*Ip4Ttl +: 8] - 8'd1;
        ttl_head = put16(ttl_head, Ip4Check, ttl_check);
      end
    end
  end

  logic          s3_valid;
  logic [1023:0] s3_l3;
  logic          s3_punt;
  logic [4:0]    s3_reason;
  logic [3:0]    s3_dest;
  logic [4:0]    s3_pop;
  logic          s3_ipv6, s3_pppoe;
  logic [1:0]    s3_vlans;
  logic [47:0]   s3_dmac, s3_smac;
  logic [31:0]   s3_vlan;
  logic [15:0]   s3_sid, s3_l3_length;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s3_valid <= 1'b0;
    end else begin
      s3_valid <= s2_valid;
    end
  end

  always_ff @(posedge clk_i) begin
    if (s2_valid) begin
      s3_l3        <= {s2_l3[1023:320], ttl_head};
      s3_punt      <= s2_punt;
      s3_reason    <= s2_reason;
      s3_dest      <= s2_dest;
      s3_pop       <= s2_pop;
      s3_ipv6      <= s2_ipv6;
      s3_pppoe     <= s2_pppoe;
      s3_vlans     <= s2_vlans;
      s3_dmac      <= s2_dmac;
      s3_smac      <= s2_smac;
      s3_vlan      <= s2_vlan;
      s3_sid       <= s2_sid;
      s3_l3_length <= s2_l3_length;
    end
  end

  // ---- Stage 4: the new L2 header in front of the L3 packet ---------------------------------
  logic [239:0] l2;      // at most 30 bytes: MACs, two tags, EtherType, PPPoE
  logic [4:0]   l2_len;  // 14 + 4 * tags + 8 * PPPoE
  logic [4:0]   push;
  logic [15:0]  ip_type;
  logic [4:0]   tags_end;
  logic [15:0]  pppoe_len;
  assign pppoe_len = s3_l3_length + 16'd2;  // L3 packet and the PPP protocol field
  assign ip_type = s3_ipv6 ? 16'h86dd : 16'h0800;
  assign push = {1'b0, s3_vlans, 2'b00} + (s3_pppoe ? 5'd8 : 5'd0);
  assign l2_len = 5'd14 + push;
  assign tags_end = 5'd12 + {1'b0, s3_vlans, 2'b00};

  always_comb begin
    l2 = '0;
    for (int i = 0; i < 6; i++) begin
      l2[8*i +: 8] = s3_dmac[8*(5-i) +: 8];
      l2[8*(6+i) +: 8] = s3_smac[8*(5-i) +: 8];
    end
    if (s3_vlans != 2'd0) begin
      l2[8*12 +: 32] = {s3_vlan[7:0], s3_vlan[15:8], 16'h0081};  // 8100, VLAN1 (outer)
    end
    if (s3_vlans == 2'd2) begin
      l2[8*16 +: 32] = {s3_vlan[23:16], s3_vlan[31:24], 16'h0081};  // 8100, VLAN2 (inner)
    end
    if (s3_pppoe) begin
      // 8864, version 1 type 1, code 0, session, length (L3 + PPP protocol), PPP protocol.
      l2[{tags_end, 3'b000} +: 80] = {s3_ipv6 ? 16'h5700 : 16'h2100,
                                      pppoe_len[7:0], pppoe_len[15:8],
                                      s3_sid[7:0], s3_sid[15:8], 16'h0011, 16'h6488};
    end else begin
      l2[{tags_end, 3'b000} +: 16] = {ip_type[7:0], ip_type[15:8]};
    end
  end

  logic s4_valid;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s4_valid <= 1'b0;
    end else begin
      s4_valid <= s3_valid;
    end
  end

  // A punted frame is not rewritten: hdr_o, pop_o and push_o are 0 for it.
  always_ff @(posedge clk_i) begin
    if (s3_valid) begin
      forward_o   <= !s3_punt;
      reason_o    <= s3_reason;
      dest_port_o <= s3_punt ? 4'd0 : s3_dest;
      pop_o       <= s3_punt ? 5'd0 : s3_pop;
      push_o      <= s3_punt ? 5'd0 : push;
      hdr_o       <= s3_punt ? 1152'd0 : ({128'd0, s3_l3} << {l2_len, 3'b000}) | {912'd0, l2};
    end
  end

  assign valid_o = s4_valid;

endmodule

`default_nettype wire
