// SPDX-License-Identifier: Apache-2.0
// FOE header parser / key extractor: classifies a frame from its first ParserWindowBytes and
// its length, as a four-stage pipeline taking one frame per cycle (ParserLatency = 4 cycles
// from valid_i to valid_o, ParserIi = 1). The C++ twin is model/rtl_twin/parser_cpp.cpp
// (net::parse_frame and the exception rules); model/rtl_twin checks the two are bit-identical.
//
// hdr_i holds byte i of the frame in bits [8*i +: 8] (bytes at or beyond len_i are 0), so a
// frame's bytes copy into it unchanged on a little-endian host. Multi-byte fields are
// big-endian in the frame.
//
//   stage 1, L2: Ethernet II, up to two 802.1Q/802.1ad tags, a PPPoE session header
//     0      6      12    14       18       22          l2_end      +2    +4     +6    +8
//     | dmac | smac | type | tag1 TCI,type | tag2 TCI,type | PPPoE: ver/type,code | sid | len | ppp |
//   stage 2, L3 at l3_off (14 + 4 * tags + 8 * PPPoE, at most 30):
//     IPv4: ver/IHL, tos, total length, id, flags/fragment offset, TTL, protocol, csum, src, dst
//     IPv6: ver/tc/flow, payload length, next header, hop limit, src (16), dst (16)
//     and the first 20 bytes of L4 at l4_off (l3_off + 4 * IHL or l3_off + 40, at most 90)
//   stage 3, L4: TCP: sport, dport, seq, ack, data offset, flags; UDP: sport, dport, length, csum
//   stage 4: the exception with the highest precedence (parse_error, ppe_bypass,
//     option_header, ipv4_frag, ipv6_ext_header, not_tcp_udp) or the lookup key.
//
// Offsets and field access are foe_header_pkg's (shared with the rewrite unit). A field's bounds are checked against the frame length, and L4 against the end of the IP
// packet, exactly where the C++ twin checks them, so that a truncated or inconsistent header
// gives the same answer in both.

`default_nettype none

module foe_parser
  import flowsim_hw_pkg::*;
  import foe_header_pkg::*;
(
  input  wire logic          clk_i,
  input  wire logic          rst_ni,

  input  wire logic          valid_i,
  input  wire logic [1023:0] hdr_i,
  input  wire logic [31:0]   len_i,

  output      logic          valid_o,
  output      logic          exception_o,
  output      logic [4:0]    reason_o,
  output      logic          ipv6_o,
  output      logic          udp_o,
  output      logic [7:0]    tcp_flags_o,
  output      logic [7:0]    ttl_o,
  output      logic [1:0]    vlan_count_o,
  output      logic          pppoe_o,
  output      logic [11:0]   vid_o,
  output      logic [15:0]   pppoe_sid_o,
  output      logic [7:0]    l3_offset_o,
  output      logic [7:0]    l4_offset_o,
  output      logic [15:0]   l3_length_o,
  // Flow-entry key words 1..9, word i in bits [32*i +: 32].
  output      logic [287:0]  key_o
);

  // The pipeline below has exactly four register stages and reads the whole window.
  if (ParserLatency != 4) begin : gen_latency_check
    $error("foe_parser has 4 pipeline stages but flowsim_hw_pkg::ParserLatency is %0d", ParserLatency);
  end
  if (ParserIi != 1) begin : gen_ii_check
    $error("foe_parser takes a frame per cycle but flowsim_hw_pkg::ParserIi is %0d", ParserIi);
  end
  if (ParserWindowBytes != 128) begin : gen_window_check
    $error("foe_parser reads 128 bytes but flowsim_hw_pkg::ParserWindowBytes is %0d", ParserWindowBytes);
  end

  typedef enum logic [1:0] {L3None, L3Ipv4, L3Ipv6} l3_kind_e;

  localparam logic [15:0] EthVlan = 16'h8100;
  localparam logic [15:0] EthQinQ = 16'h88a8;
  localparam logic [15:0] EthPppoeSession = 16'h8864;
  localparam logic [15:0] EthIpv4 = 16'h0800;
  localparam logic [15:0] EthIpv6 = 16'h86dd;
  localparam logic [15:0] PppIpv4 = 16'h0021;
  localparam logic [15:0] PppIpv6 = 16'h0057;

  function automatic logic is_vlan(logic [15:0] ether_type);
    return ether_type == EthVlan || ether_type == EthQinQ;
  endfunction

  // The IPv6 next headers that are extension headers (net::frame_parser's list).
  function automatic logic is_ipv6_extension(logic [7:0] nh);
    case (nh)
      8'd0, 8'd43, 8'd44, 8'd50, 8'd51, 8'd60, 8'd135, 8'd139, 8'd140: return 1'b1;
      default: return 1'b0;
    endcase
  endfunction

  // ------------------------------------------------------------------------------------------
  // Stage 1: L2.
  // ------------------------------------------------------------------------------------------
  logic [15:0] type0, type1, type2, l2_type;
  logic        tag1, tag2, l2_err;
  logic [1:0]  vlans;
  logic [4:0]  l2_end;
  logic [63:0] pppoe_hdr;
  logic        is_pppoe, pppoe_err;
  logic [15:0] ppp_proto;

  assign type0 = wire16(hdr_i[8*EthTypeAt +: 16]);
  assign type1 = wire16(hdr_i[8*(EthTypeAt+VlanTagBytes) +: 16]);
  assign type2 = wire16(hdr_i[8*(EthTypeAt+2*VlanTagBytes) +: 16]);
  assign tag1 = len_i >= 32'd14 && is_vlan(type0);
  assign tag2 = tag1 && len_i >= 32'd18 && is_vlan(type1);
  // A truncated tag, or a third one, is an error (net::ParseError kTruncatedVlan/kTooManyVlans).
  assign l2_err = len_i < 32'd14 || (tag1 && len_i < 32'd18) || (tag2 && len_i < 32'd22) ||
                  (tag2 && is_vlan(type2));
  assign vlans = tag2 ? 2'd2 : (tag1 ? 2'd1 : 2'd0);
  assign l2_type = tag2 ? type2 : (tag1 ? type1 : type0);
  assign l2_end = ether_type_at(vlans) + 5'd2;

  always_comb begin
    case (vlans)
      2'd0:    pppoe_hdr = hdr_i[8*14 +: 64];
      2'd1:    pppoe_hdr = hdr_i[8*18 +: 64];
      default: pppoe_hdr = hdr_i[8*22 +: 64];
    endcase
  end
  assign is_pppoe = !l2_err && l2_type == EthPppoeSession;
  // Version 1 and type 1 in the first byte; the 8 bytes must be in the frame.
  assign pppoe_err = is_pppoe && (len_i < {27'd0, l2_end} + 32'd8 || pppoe_hdr[7:0] != 8'h11);
  assign ppp_proto = {pppoe_hdr[55:48], pppoe_hdr[63:56]};
  // Not looked at: the PPPoE code and length.
  logic unused_pppoe;
  assign unused_pppoe = ^{pppoe_hdr[15:8], pppoe_hdr[47:32]};

  logic          s1_valid;
  logic [1023:0] s1_hdr;
  logic [31:0]   s1_len;
  logic          s1_err;
  l3_kind_e      s1_l3;
  logic [4:0]    s1_l3_off;
  logic [1:0]    s1_vlans;
  logic [11:0]   s1_vid;
  logic          s1_pppoe;
  logic [15:0]   s1_sid;

  logic [15:0] l3_type;
  assign l3_type = is_pppoe ? (ppp_proto == PppIpv4 ? EthIpv4 : (ppp_proto == PppIpv6 ? EthIpv6 : 16'h0000))
                            : l2_type;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s1_valid <= 1'b0;
    end else begin
      s1_valid <= valid_i;
    end
  end

  // Data registers load only on a valid beat, so an idle pipeline does not toggle.
  always_ff @(posedge clk_i) begin
    if (valid_i) begin
      s1_hdr    <= hdr_i;
      s1_len    <= len_i;
      s1_err    <= l2_err || pppoe_err;
      s1_l3     <= l3_type == EthIpv4 ? L3Ipv4 : (l3_type == EthIpv6 ? L3Ipv6 : L3None);
      s1_l3_off <= l3_offset(vlans, is_pppoe);
      s1_vlans  <= vlans;
      s1_vid    <= tag1 ? {hdr_i[8*14 +: 4], hdr_i[8*15 +: 8]} : 12'd0;  // TCI[11:0]
      s1_pppoe  <= is_pppoe;
      s1_sid    <= {pppoe_hdr[23:16], pppoe_hdr[31:24]};
    end
  end

  // ------------------------------------------------------------------------------------------
  // Stage 2: L3 at s1_l3_off.
  // ------------------------------------------------------------------------------------------
  l3_head_t     ip;  // 40 bytes from the IP header on
  logic [31:0]  l3_off32;
  assign ip = s1_hdr[{2'b00, s1_l3_off, 3'b000} +: 320];
  assign l3_off32 = {27'd0, s1_l3_off};
  // Not looked at: IPv4 TOS / IPv6 traffic class.
  logic unused_ip;
  assign unused_ip = ^ip[15:8];

  logic [3:0]  ihl;
  logic [5:0]  ihl_bytes;
  logic [15:0] v4_total;
  logic        v4_err;
  logic [15:0] v4_frag;
  assign ihl = ip[3:0];
  assign ihl_bytes = {ihl, 2'b00};
  assign v4_total = wire16(ip[8*Ip4TotalLength +: 16]);
  assign v4_frag = wire16(ip[8*Ip4FlagsFragment +: 16]);
  // Not looked at: the reserved bit and DF.
  logic unused_v4_flags;
  assign unused_v4_flags = ^v4_frag[15:14];
  // net::Ipv4Header::at and parse_frame: 20 bytes, version 4, IHL >= 5, the header and the
  // total length inside the frame, total length >= header length.
  assign v4_err = s1_len < l3_off32 + Ip4MinHeaderBytes || ip[7:4] != 4'd4 || ihl < 4'd5 ||
                  s1_len < l3_off32 + {26'd0, ihl_bytes} || v4_total < {10'd0, ihl_bytes} ||
                  s1_len < l3_off32 + {16'd0, v4_total};

  logic [15:0] v6_payload, v6_length;
  logic        v6_err;
  assign v6_payload = wire16(ip[8*Ip6PayloadLength +: 16]);
  assign v6_length = 16'(Ip6HeaderBytes) + v6_payload;  // wraps as the C++ twin's uint16_t does
  assign v6_err = s1_len < l3_off32 + Ip6HeaderBytes || ip[7:4] != 4'd6 ||
                  s1_len < l3_off32 + Ip6HeaderBytes + {16'd0, v6_payload};

  // Where L4 starts, and its first 20 bytes (stage 3 looks at them).
  logic [6:0]   l4_off;  // at most 30 + 60
  logic [159:0] l4_bytes;
  assign l4_off = {2'd0, s1_l3_off} + (s1_l3 == L3Ipv6 ? 7'(Ip6HeaderBytes) : {1'd0, ihl_bytes});
  assign l4_bytes = s1_hdr[{l4_off, 3'b000} +: 160];

  logic          s2_valid;
  logic [159:0]  s2_l4;  // 20 bytes from the L4 header on
  logic          s2_err;
  l3_kind_e      s2_l3;
  logic          s2_options, s2_frag, s2_ext;
  logic [7:0]    s2_ttl, s2_proto;
  logic [7:0]    s2_l3_off;
  logic [6:0]    s2_l4_off;  // at most 30 + 60
  logic [15:0]   s2_l3_len;
  logic [16:0]   s2_l4_end;  // end of the IP packet: L4 must fit before it
  logic [127:0]  s2_src, s2_dst;  // address words, most significant in [127:96]
  logic [1:0]    s2_vlans;
  logic [11:0]   s2_vid;
  logic          s2_pppoe;
  logic [15:0]   s2_sid;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s2_valid <= 1'b0;
    end else begin
      s2_valid <= s1_valid;
    end
  end

  always_ff @(posedge clk_i) begin
    if (s1_valid) begin
      s2_l4     <= l4_bytes;
      s2_l4_off <= l4_off;
      s2_l3     <= s1_l3;
      s2_l3_off <= {3'd0, s1_l3_off};
      s2_vlans  <= s1_vlans;
      s2_vid    <= s1_vid;
      s2_pppoe  <= s1_pppoe;
      s2_sid    <= s1_sid;
      s2_err    <= s1_err || (s1_l3 == L3Ipv4 && v4_err) || (s1_l3 == L3Ipv6 && v6_err);
      if (s1_l3 == L3Ipv6) begin
        s2_options <= 1'b0;
        s2_frag    <= 1'b0;
        s2_ext     <= is_ipv6_extension(ip[8*Ip6NextHeader +: 8]);
        s2_ttl     <= ip[8*Ip6HopLimit +: 8];
        s2_proto   <= ip[8*Ip6NextHeader +: 8];
        s2_l3_len  <= v6_length;
        s2_l4_end  <= {12'd0, s1_l3_off} + {1'b0, v6_length};
        s2_src     <= {wire32(ip[8*Ip6Src +: 32]), wire32(ip[8*(Ip6Src+4) +: 32]),
                       wire32(ip[8*(Ip6Src+8) +: 32]), wire32(ip[8*(Ip6Src+12) +: 32])};
        s2_dst     <= {wire32(ip[8*Ip6Dst +: 32]), wire32(ip[8*(Ip6Dst+4) +: 32]),
                       wire32(ip[8*(Ip6Dst+8) +: 32]), wire32(ip[8*(Ip6Dst+12) +: 32])};
      end else begin
        s2_options <= ihl > 4'd5;
        s2_frag    <= v4_frag[13] || v4_frag[12:0] != 13'd0;  // MF or a fragment offset
        s2_ext     <= 1'b0;
        s2_ttl     <= ip[8*Ip4Ttl +: 8];
        s2_proto   <= ip[8*Ip4Protocol +: 8];
        s2_l3_len  <= v4_total;
        s2_l4_end  <= {12'd0, s1_l3_off} + {1'b0, v4_total};
        s2_src     <= {wire32(ip[8*Ip4Src +: 32]), 96'd0};
        s2_dst     <= {wire32(ip[8*Ip4Dst +: 32]), 96'd0};
      end
    end
  end

  // ------------------------------------------------------------------------------------------
  // Stage 3: L4 at s2_l4_off, inside the IP packet.
  // ------------------------------------------------------------------------------------------
  logic [159:0] l4;  // 20 bytes from the L4 header on
  logic [16:0]  l4_off17;
  logic [5:0]   tcp_doff;
  logic         tcp_ok, udp_ok;
  assign l4 = s2_l4;
  assign l4_off17 = {10'd0, s2_l4_off};
  assign tcp_doff = {l4[8*TcpDataOffset+4 +: 4], 2'b00};
  // Not looked at: sequence and acknowledgement numbers, the rest of the TCP header.
  logic unused_l4;
  assign unused_l4 = ^{l4[99:32], l4[159:112]};
  // net::TcpHeader::at: 20 bytes, data offset >= 20 and inside; net::UdpHeader::at: 8 bytes.
  assign tcp_ok = s2_proto == 8'd6 && l4_off17 + 17'(TcpMinHeaderBytes) <= s2_l4_end &&
                  tcp_doff >= 6'(TcpMinHeaderBytes) &&
                  l4_off17 + {11'd0, tcp_doff} <= s2_l4_end;
  assign udp_ok = s2_proto == 8'd17 && l4_off17 + 17'(UdpHeaderBytes) <= s2_l4_end;

  logic          s3_valid;
  logic          s3_err;
  l3_kind_e      s3_l3;
  logic          s3_options, s3_frag, s3_ext, s3_l4_ok, s3_udp;
  logic [7:0]    s3_flags, s3_ttl;
  logic [31:0]   s3_ports;
  logic [7:0]    s3_l3_off;
  logic [6:0]    s3_l4_off;
  logic [15:0]   s3_l3_len;
  logic [127:0]  s3_src, s3_dst;
  logic [1:0]    s3_vlans;
  logic [11:0]   s3_vid;
  logic          s3_pppoe;
  logic [15:0]   s3_sid;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s3_valid <= 1'b0;
    end else begin
      s3_valid <= s2_valid;
    end
  end

  always_ff @(posedge clk_i) begin
    if (s2_valid) begin
      s3_err     <= s2_err;
      s3_l3      <= s2_l3;
      s3_options <= s2_options;
      s3_frag    <= s2_frag;
      s3_ext     <= s2_ext;
      s3_l4_ok   <= tcp_ok || udp_ok;
      s3_udp     <= s2_proto == 8'd17;
      s3_flags   <= s2_proto == 8'd6 ? l4[8*TcpFlags +: 8] : 8'd0;
      s3_ports   <= {l4[7:0], l4[15:8], l4[23:16], l4[31:24]};
      s3_ttl     <= s2_ttl;
      s3_l3_off  <= s2_l3_off;
      s3_l4_off  <= s2_l4_off;
      s3_l3_len  <= s2_l3_len;
      s3_src     <= s2_src;
      s3_dst     <= s2_dst;
      s3_vlans   <= s2_vlans;
      s3_vid     <= s2_vid;
      s3_pppoe   <= s2_pppoe;
      s3_sid     <= s2_sid;
    end
  end

  // ------------------------------------------------------------------------------------------
  // Stage 4: classification, in the precedence of the C++ twin.
  // ------------------------------------------------------------------------------------------
  logic       exc;
  logic [4:0] reason;
  always_comb begin
    exc = 1'b1;
    reason = 5'd0;
    if (s3_err) begin
      reason = PuntParseError;
    end else if (s3_l3 == L3None) begin
      reason = PuntPpeBypass;
    end else if (s3_options) begin
      reason = PuntOptionHeader;
    end else if (s3_frag) begin
      reason = PuntIpv4Frag;
    end else if (s3_ext) begin
      reason = PuntIpv6ExtHeader;
    end else if (!s3_l4_ok) begin
      reason = PuntNotTcpUdp;
    end else begin
      exc = 1'b0;
    end
  end

  logic [287:0] key;
  always_comb begin
    if (s3_l3 == L3Ipv6) begin
      key = {s3_ports, s3_dst[31:0], s3_dst[63:32], s3_dst[95:64], s3_dst[127:96],
             s3_src[31:0], s3_src[63:32], s3_src[95:64], s3_src[127:96]};
    end else begin
      key = {192'd0, s3_ports, s3_dst[127:96], s3_src[127:96]};
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

  // A punted frame carries only its reason: every other field is 0.
  always_ff @(posedge clk_i) begin
    if (s3_valid) begin
      exception_o  <= exc;
      reason_o     <= reason;
      ipv6_o       <= !exc && s3_l3 == L3Ipv6;
      udp_o        <= !exc && s3_udp;
      tcp_flags_o  <= exc ? 8'd0 : s3_flags;
      ttl_o        <= exc ? 8'd0 : s3_ttl;
      vlan_count_o <= exc ? 2'd0 : s3_vlans;
      pppoe_o      <= !exc && s3_pppoe;
      vid_o        <= exc ? 12'd0 : s3_vid;
      pppoe_sid_o  <= exc || !s3_pppoe ? 16'd0 : s3_sid;
      l3_offset_o  <= exc ? 8'd0 : s3_l3_off;
      l4_offset_o  <= exc ? 8'd0 : {1'b0, s3_l4_off};
      l3_length_o  <= exc ? 16'd0 : s3_l3_len;
      key_o        <= exc ? 288'd0 : key;
    end
  end

  assign valid_o = s4_valid;

endmodule

`default_nettype wire
