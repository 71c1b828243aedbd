// SPDX-License-Identifier: Apache-2.0
// FOE flow-table lookup with its SRAM: SramBanks single-port banks of whole 128-byte entries
// (entry i in bank i % SramBanks, row i / SramBanks), so the ways of a bucket (index bucket *
// ways + way, ways 1, 2 or 4) are read in parallel. The C++ twin is
// model/rtl_twin/lookup_cpp.cpp; model/rtl_twin checks the two are bit-identical.
//
// A request (a lookup, or an entry-window operation) is taken when ready_o is high and keeps
// the table for LookupIi (3) cycles:
//   cycle 0: the request is registered;
//   cycle 1: every bank reads the bucket's row (registered SRAM output: a 2-cycle read);
//   cycle 2: the ways are compared (state, IB1.UDP, the type's family, the key words, MATCH:
//            ingress port, VLAN, PPPoE) and the decision is taken: the first matching way is
//            hit; a miss may learn an UNBIND entry into the first INVALID way (TB_CFG.BIND_MODE
//            learn); the write-back (timestamp, UNBIND packet count, BIND -> FIN on a TCP
//            FIN/RST, or the learnt entry) is registered;
//   cycle 3 (the next request's cycle 0): the write-back is written, so the next request, read
//            in its cycle 1, sees it.
// The configuration inputs are registers: a change takes effect in the next cycle.
// A lookup's result leaves LookupLatency (7) cycles after its request: the four stages after
// the decision stand for the hit way's action beat and the hand-off of hardware.md §4.2. An
// entry operation's result (op_done_o, op_data_o) is there 3 cycles after its request.
// clear_i zeroes the rows in use, one per cycle, with ready_o low meanwhile.
//
// Entries are 32 little-endian words, word w in bits [32*w +: 32]; the key is entry words 1..9.

`default_nettype none

module foe_lookup
  import flowsim_hw_pkg::*;
(
  input  wire logic          clk_i,
  input  wire logic          rst_ni,

  // Configuration: ways per bucket (1, 2 or 4), buckets - 1, TB_CFG.BIND_MODE, BIND_RATE.
  input  wire logic [2:0]    cfg_ways_i,
  input  wire logic [14:0]   cfg_bucket_mask_i,
  input  wire logic          cfg_learn_i,
  input  wire logic [15:0]   cfg_bind_rate_i,

  output      logic          ready_o,
  input  wire logic [15:0]   now_i,        // TIMESTAMP, low 16 bits

  // Lookup request.
  input  wire logic          req_valid_i,
  input  wire logic          req_ipv6_i,
  input  wire logic          req_udp_i,
  input  wire logic [287:0]  req_key_i,    // entry words 1..9
  input  wire logic [3:0]    req_port_i,
  input  wire logic [1:0]    req_vlans_i,
  input  wire logic [11:0]   req_vid_i,
  input  wire logic          req_pppoe_i,
  input  wire logic [15:0]   req_sid_i,
  input  wire logic [31:0]   req_hash_i,
  input  wire logic          req_teardown_i,  // TCP FIN, SYN or RST: punted, never learnt
  input  wire logic          req_fin_rst_i,   // FIN or RST: a BIND entry also moves to FIN

  // Entry-window operation: 1 read, 2 write (op_data_i; stamped now_i if valid with timestamp
  // 0), 3 invalidate (IB1.STATE = INVALID, the rest kept).
  input  wire logic          op_valid_i,
  input  wire logic [1:0]    op_i,
  input  wire logic [14:0]   op_index_i,
  input  wire logic [1023:0] op_data_i,

  input  wire logic          clear_i,

  // Lookup result.
  output      logic          res_valid_o,
  output      logic          res_forward_o,
  output      logic [4:0]    res_reason_o,
  output      logic [14:0]   res_index_o,
  output      logic [1:0]    res_event_o,  // 0 none, 1 learnt, 2 moved to FIN, 3 bucket full
  output      logic [1023:0] res_entry_o,  // the hit entry after write-back, when forwarded

  // Entry-window result: the entry as it was before the operation.
  output      logic          op_done_o,
  output      logic [1023:0] op_data_o,

  output      logic [15:0]   used_o        // entries that are not INVALID
);

  localparam int unsigned Rows = TableMaxEntries / SramBanks;
  localparam int unsigned RowBits = $clog2(Rows);
  localparam logic [14:0] NoIndex = 15'h7fff;

  if (LookupLatency != 7) begin : gen_latency_check
    $error("foe_lookup has 7 pipeline stages but flowsim_hw_pkg::LookupLatency is %0d", LookupLatency);
  end
  if (LookupIi != 3) begin : gen_ii_check
    $error("foe_lookup keeps the table 3 cycles per request but flowsim_hw_pkg::LookupIi is %0d", LookupIi);
  end
  if (SramBanks != 4 || TableMaxEntries != 32768) begin : gen_geometry_check
    $error("foe_lookup is built for 4 banks of 8192 rows, not %0d banks and %0d entries", SramBanks,
           TableMaxEntries);
  end

  typedef enum logic [2:0] {OpNone, OpLookup, OpRead, OpWrite, OpInvalidate} op_e;
  typedef enum logic [1:0] {EventNone, EventLearned, EventFin, EventBucketFull} event_e;

  // ---- Configuration registers --------------------------------------------------------------
  // Loaded every cycle: a change takes effect one cycle later, before any request taken with
  // it reaches its decision. Only the bucket of a request is computed from the inputs as it is
  // taken.
  logic [2:0]  cfg_ways_q;
  logic [14:0] cfg_bucket_mask_q;
  logic        cfg_learn_q;
  logic [15:0] cfg_bind_rate_q;
  always_ff @(posedge clk_i) begin
    cfg_ways_q        <= cfg_ways_i;
    cfg_bucket_mask_q <= cfg_bucket_mask_i;
    cfg_learn_q       <= cfg_learn_i;
    cfg_bind_rate_q   <= cfg_bind_rate_i;
  end

  // ---- Cycle 0: take a request --------------------------------------------------------------
  logic [1:0]  phase_q;  // 0 free, 1 reading, 2 deciding
  logic        clearing_q;
  logic [RowBits-1:0] clear_row_q;
  logic [RowBits-1:0] last_row;
  logic [14:0] base;     // first entry of the request's bucket

  // Rows in use: entries / SramBanks = (buckets * ways) / 4.
  always_comb begin
    case (cfg_ways_q)
      3'd4:    last_row = RowBits'(cfg_bucket_mask_q);
      3'd2:    last_row = RowBits'(cfg_bucket_mask_q >> 1);
      default: last_row = RowBits'(cfg_bucket_mask_q >> 2);
    endcase
    case (cfg_ways_i)
      3'd4:    base = {req_hash_i[12:0] & cfg_bucket_mask_i[12:0], 2'b00};
      3'd2:    base = {req_hash_i[13:0] & cfg_bucket_mask_i[13:0], 1'b0};
      default: base = req_hash_i[14:0] & cfg_bucket_mask_i;
    endcase
  end

  assign ready_o = phase_q == 2'd0 && !clearing_q;

  op_e          s1_op;
  logic [14:0]  s1_index;   // the bucket's first entry (lookup) or the operation's entry
  logic         s1_ipv6, s1_udp, s1_pppoe, s1_teardown, s1_fin_rst;
  logic [287:0] s1_key;
  logic [3:0]   s1_port;
  logic [1:0]   s1_vlans;
  logic [11:0]  s1_vid;
  logic [15:0]  s1_sid;
  logic [15:0]  s1_now;
  logic [1023:0] s1_data;

  logic take;
  assign take = ready_o && (req_valid_i || op_valid_i);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      phase_q     <= 2'd0;
      clearing_q  <= 1'b0;
      clear_row_q <= '0;
      s1_op       <= OpNone;
    end else begin
      if (clear_i) begin
        clearing_q  <= 1'b1;
        clear_row_q <= '0;
      end else if (clearing_q) begin
        clearing_q  <= clear_row_q != last_row;
        clear_row_q <= clear_row_q + 1'b1;
      end
      if (take) begin
        phase_q <= 2'd1;
        s1_op   <= req_valid_i ? OpLookup
                 : (op_i == 2'd1 ? OpRead : (op_i == 2'd2 ? OpWrite : (op_i == 2'd3 ? OpInvalidate : OpNone)));
      end else if (phase_q == 2'd1) begin
        phase_q <= 2'd2;
      end else if (phase_q == 2'd2) begin
        phase_q <= 2'd0;
        s1_op   <= OpNone;
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (take) begin
      s1_index    <= req_valid_i ? base : op_index_i;
      s1_ipv6     <= req_ipv6_i;
      s1_udp      <= req_udp_i;
      s1_key      <= req_key_i;
      s1_port     <= req_port_i;
      s1_vlans    <= req_vlans_i;
      s1_vid      <= req_vid_i;
      s1_pppoe    <= req_pppoe_i;
      s1_sid      <= req_sid_i;
      s1_teardown <= req_teardown_i;
      s1_fin_rst  <= req_fin_rst_i;
      s1_now      <= now_i;
      // Only a write carries data: a lookup does not copy the entry bus.
      if (op_valid_i && op_i == 2'd2) begin
        s1_data <= op_data_i;
      end
    end
  end

  // ---- The SRAM banks, and cycle 2: compare and decide ----------------------------------------
  // Only the fields the decision needs are taken from each bank's read data; whole entries are
  // moved only where one is written or handed on (below, in registers loaded on demand). Each
  // bank's read data stays its own signal (a Verilated model copies an array of them in every
  // cycle).
  logic [3:0]          bank_req, bank_we;
  logic [RowBits-1:0]  bank_addr;
  logic [1023:0]       bank_wdata;

  logic [1:0]          first_bank;
  assign first_bank = s1_index[1:0];

  foe_entry_ib1_t      bank_ib1   [4];
  logic [15:0]         bank_packets [4];
  logic [3:0]          bank_free, bank_hit;

  for (genvar b = 0; b < 4; b++) begin : gen_bank
    logic [1023:0] rdata;
    foe_sram #(.Rows(Rows), .Width(1024)) u_sram (
      .clk_i,
      .req_i  (bank_req[b]),
      .we_i   (bank_we[b]),
      .addr_i (bank_addr),
      .wdata_i(bank_wdata),
      .rdata_o(rdata)
    );

    foe_entry_ib1_t   ib1;
    /* verilator lint_off UNUSEDSIGNAL */
    foe_entry_match_t match_f;  // its reserved bits are not looked at
    /* verilator lint_on UNUSEDSIGNAL */
    logic [15:0]      sid;
    assign ib1     = rdata[32*FoeEntryIb1Word +: 32];
    assign match_f = rdata[32*FoeEntryMatchWord +: 32];
    assign sid     = rdata[32*FoeEntryInPppoeWord +: 16];
    assign bank_ib1[b]     = ib1;
    assign bank_packets[b] = rdata[32*FoeEntryUnbindWord +: 16];
    assign bank_free[b]    = ib1.state == FoeEntryIb1StateInvalid;
    // IB1.UDP, the family of IB1.TYPE (HNAPT and ROUTE are both IPv4; 3-tuple never matches),
    // the key words, then MATCH: ingress port, VLAN, PPPoE. The encapsulation is part of the
    // flow: without IN_VLAN_VALID only untagged packets match, without IN_PPPOE_VALID only
    // non-PPPoE ones.
    assign bank_hit[b] = !bank_free[b] && ib1.udp == s1_udp &&
                         (s1_ipv6 ? ib1.type_f == FoeEntryIb1TypeIpv6Route5T && rdata[32 +: 288] == s1_key
                                  : (ib1.type_f == FoeEntryIb1TypeIpv4Hnapt ||
                                     ib1.type_f == FoeEntryIb1TypeIpv4Route) &&
                                    rdata[32 +: 96] == s1_key[95:0]) &&
                         !(match_f.in_port_valid && match_f.in_port != s1_port) &&
                         !(match_f.in_vlan_valid ? (s1_vlans != 2'd1 || s1_vid != match_f.in_vlan)
                                                 : s1_vlans != 2'd0) &&
                         !(match_f.in_pppoe_valid ? (!s1_pppoe || s1_sid != sid) : s1_pppoe);
  end

  // Way w of the bucket is in bank first_bank + w. The first matching way wins; a miss learns
  // into the first free one.
  logic       hit, any_free;
  logic [1:0] hit_way, free_way;
  always_comb begin
    hit = 1'b0;
    hit_way = 2'd0;
    any_free = 1'b0;
    free_way = 2'd0;
    for (int w = 3; w >= 0; w--) begin
      if (3'(w) < cfg_ways_q) begin
        if (bank_hit[2'(first_bank + 2'(w))]) begin
          hit = 1'b1;
          hit_way = 2'(w);
        end
        if (bank_free[2'(first_bank + 2'(w))]) begin
          any_free = 1'b1;
          free_way = 2'(w);
        end
      end
    end
  end

  logic [1:0]  hit_bank;
  logic [14:0] hit_index, free_index;
  logic [1:0]  hit_state;
  logic [15:0] packets;
  assign hit_bank = first_bank + hit_way;
  assign hit_index = s1_index + {13'd0, hit_way};
  assign free_index = s1_index + {13'd0, free_way};
  assign hit_state = bank_ib1[hit_bank].state;
  assign packets = bank_packets[hit_bank] == 16'hffff ? 16'hffff : bank_packets[hit_bank] + 16'd1;

  logic         d_forward, d_write;
  logic [4:0]   d_reason;
  logic [14:0]  d_index;
  event_e       d_event;
  logic         d_count;  // the write-back counts an UNBIND packet
  logic         d_fin;    // the write-back moves BIND to FIN
  always_comb begin
    d_forward = 1'b0;
    d_write = 1'b0;
    d_reason = 5'd0;
    d_index = NoIndex;
    d_event = EventNone;
    d_count = 1'b0;
    d_fin = 1'b0;
    if (!hit) begin
      if (!cfg_learn_q) begin
        d_reason = PuntNoFlow;
      end else if (s1_teardown) begin
        // Nothing is learnt from a SYN/FIN/RST: conntrack must see the handshake first.
        d_reason = PuntTcpFinSynRst;
      end else if (!any_free) begin
        // hardware.md §4.6: no UNBIND entry; punted no_flow and counted (LEARN_FULL).
        d_reason = PuntNoFlow;
        d_event = EventBucketFull;
      end else if (free_index == NoIndex || s1_vlans > 2'd1) begin
        // 0x7fff reads as "none"; MATCH holds one VID.
        d_reason = PuntNoFlow;
      end else begin
        d_reason = cfg_bind_rate_q <= 16'd1 ? PuntHitUnbindRateReached : PuntUnHit;
        d_index = free_index;
        d_event = EventLearned;
        d_write = 1'b1;
      end
    end else begin
      d_index = hit_index;
      d_write = 1'b1;
      if (hit_state == FoeEntryIb1StateUnbind) begin
        if (s1_teardown) begin
          d_reason = PuntTcpFinSynRst;
        end else begin
          d_count = 1'b1;
          d_reason = packets >= cfg_bind_rate_q ? PuntHitUnbindRateReached : PuntHitUnbind;
        end
      end else if (hit_state == FoeEntryIb1StateFin) begin
        d_reason = PuntHitBindTcpFin;
      end else if (s1_teardown && !s1_fin_rst) begin
        // BIND: a SYN goes to software but leaves the entry bound (the other direction stays
        // in hardware, and so does this one unless software decides otherwise).
        d_reason = PuntHitBindTcpFin;
      end else if (s1_teardown) begin
        // BIND: a FIN/RST tears the flow down in software; the entry waits in FIN.
        d_fin = 1'b1;
        d_reason = PuntHitBindTcpFin;
        d_event = EventFin;
      end else begin
        d_forward = 1'b1;
      end
    end
  end

  // What the decision writes back (one entry, built in place rather than by functions, whose
  // 1024-bit locals a Verilated model would clear in every cycle):
  //  - a lookup hit: the hit entry stamped now, an UNBIND packet counted, BIND -> FIN;
  //  - a learnt UNBIND entry (IPv4 as HNAPT, MediaTek's FLOW_CFG IP4_NAPT): the key words,
  //    then IB1, MATCH, IN_PPPOE and UNBIND, the rest 0;
  //  - an entry-window write: the data, a valid entry written with timestamp 0 stamped now
  //    (aging counts idle time from IB1.TIMESTAMP); an invalidation: the entry, INVALID.
  // A forwarded hit is handed on as written back (neither counted nor moved to FIN).
  foe_entry_t decided;
  always_comb begin
    // The hit way's entry for a lookup, the operation's entry for the entry window.
    case (s1_op == OpLookup ? hit_bank : first_bank)
      2'd0:    decided = gen_bank[0].rdata;
      2'd1:    decided = gen_bank[1].rdata;
      2'd2:    decided = gen_bank[2].rdata;
      default: decided = gen_bank[3].rdata;
    endcase
    if (s1_op == OpWrite) begin
      decided = s1_data;
      if (decided.ib1.state != FoeEntryIb1StateInvalid && decided.ib1.timestamp == 16'd0) begin
        decided.ib1.timestamp = s1_now;
      end
    end else if (s1_op == OpInvalidate) begin
      decided.ib1.state = FoeEntryIb1StateInvalid;
    end else if (d_event == EventLearned) begin
      decided = '0;
      decided[32 +: 288] = s1_ipv6 ? s1_key : {192'd0, s1_key[95:0]};
      decided.ib1.udp = s1_udp;
      decided.ib1.type_f = s1_ipv6 ? FoeEntryIb1TypeIpv6Route5T : FoeEntryIb1TypeIpv4Hnapt;
      decided.ib1.state = FoeEntryIb1StateUnbind;
      decided.ib1.timestamp = s1_now;
      decided.match.in_port = s1_port;
      decided.match.in_port_valid = 1'b1;
      if (s1_vlans == 2'd1) begin
        decided.match.in_vlan = s1_vid;
        decided.match.in_vlan_valid = 1'b1;
      end
      if (s1_pppoe) begin
        decided.match.in_pppoe_valid = 1'b1;
        decided.in_pppoe.in_pppoe_sid = s1_sid;
      end
      decided.unbind.packets = 16'd1;
      decided.unbind.first_seen = s1_now;
    end else begin
      decided.ib1.timestamp = s1_now;
      if (d_count) decided.unbind.packets = packets;
      if (d_fin) decided.ib1.state = FoeEntryIb1StateFin;
    end
  end

  // Entry-window operations on the entry s1_index: its state before and after.
  logic old_valid, new_valid;
  /* verilator lint_off UNUSEDSIGNAL */
  foe_entry_ib1_t s1_data_ib1;  // only its state is looked at
  /* verilator lint_on UNUSEDSIGNAL */
  assign s1_data_ib1 = s1_data[32*FoeEntryIb1Word +: 32];
  assign old_valid = bank_ib1[first_bank].state != FoeEntryIb1StateInvalid;
  assign new_valid = s1_op == OpWrite && s1_data_ib1.state != FoeEntryIb1StateInvalid;

  logic deciding;
  assign deciding = phase_q == 2'd2;

  // ---- Cycle 3: the write-back --------------------------------------------------------------
  // The decision's write (lookup write-back, learnt entry, entry-window write or invalidation)
  // is registered and written in the next cycle, while the table takes the next request, whose
  // read (its cycle 1) comes after it. The register is zeroed when a clear starts, so the clear
  // writes zeros through the same data path.
  logic                wb_valid_q;
  logic [1:0]          wb_bank_q;
  logic [RowBits-1:0]  wb_row_q;
  logic [1023:0]       wb_data_q;
  logic                decide_write;
  assign decide_write = deciding && (s1_op == OpLookup ? d_write : (s1_op == OpWrite || s1_op == OpInvalidate));

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wb_valid_q <= 1'b0;
    end else begin
      wb_valid_q <= decide_write;
    end
  end

  always_ff @(posedge clk_i) begin
    if (clear_i) begin
      wb_data_q <= '0;
    end else if (decide_write) begin
      wb_data_q <= decided;
      if (s1_op != OpLookup) begin
        wb_bank_q <= first_bank;
        wb_row_q  <= s1_index[14:2];
      end else begin
        wb_bank_q <= d_index[1:0];
        wb_row_q  <= d_index[14:2];
      end
    end
  end

  // Bank port: clear, the read of cycle 1, or the write-back of cycle 3.
  assign bank_wdata = wb_data_q;
  always_comb begin
    bank_req = 4'd0;
    bank_we = 4'd0;
    bank_addr = s1_index[14:2];
    if (clearing_q) begin
      bank_req = 4'hf;
      bank_we = 4'hf;
      bank_addr = clear_row_q;
    end else if (wb_valid_q) begin
      bank_req[wb_bank_q] = 1'b1;
      bank_we[wb_bank_q] = 1'b1;
      bank_addr = wb_row_q;
    end else if (phase_q == 2'd1) begin
      bank_req = 4'hf;
    end
  end

  // Used entries.
  logic [15:0] used_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      used_q <= 16'd0;
    end else if (clear_i) begin
      used_q <= 16'd0;
    end else if (deciding) begin
      if (s1_op == OpLookup && d_event == EventLearned) begin
        used_q <= used_q + 16'd1;
      end else if (s1_op == OpWrite || s1_op == OpInvalidate) begin
        used_q <= used_q + {15'd0, new_valid} - {15'd0, old_valid};
      end
    end
  end
  assign used_o = used_q;

  // Entry-window result, one cycle after the decision.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      op_done_o <= 1'b0;
    end else begin
      op_done_o <= deciding && s1_op != OpLookup;
    end
  end
  always_ff @(posedge clk_i) begin
    if (deciding && s1_op == OpRead) begin
      case (first_bank)
        2'd0:    op_data_o <= gen_bank[0].rdata;
        2'd1:    op_data_o <= gen_bank[1].rdata;
        2'd2:    op_data_o <= gen_bank[2].rdata;
        default: op_data_o <= gen_bank[3].rdata;
      endcase
    end
  end

  // ---- Cycles 3..6: the result's hand-off stages --------------------------------------------
  // The result's fields move through the stages. Its entry is taken once at the decision and
  // once more two stages on: results are at least LookupIi cycles apart, so the second
  // register still holds a result's entry when it leaves, and no 1024-bit word moves in the
  // other stages.
  localparam int unsigned OutStages = 5;  // the decision's register and four more: 2 + 5 = 7
  localparam int unsigned EntryHandOff = 2;  // the stage whose entry register is the output's
  // The next decision (LookupIi cycles later) must come after the hand-off, and the next
  // hand-off after the result has left.
  if (LookupIi <= EntryHandOff || LookupIi + EntryHandOff < OutStages) begin : gen_hand_off_check
    $error("foe_lookup: results %0d cycles apart would overwrite an entry before it leaves", LookupIi);
  end
  logic [OutStages-1:0]       out_valid_q;
  logic [OutStages-1:0]       out_forward_q;
  logic [OutStages-1:0][4:0]  out_reason_q;
  logic [OutStages-1:0][14:0] out_index_q;
  logic [OutStages-1:0][1:0]  out_event_q;
  logic [1023:0]              decided_entry_q;  // loaded at the decision
  // res_entry_o is the register loaded at stage EntryHandOff.

  logic result;
  assign result = deciding && s1_op == OpLookup;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      out_valid_q <= '0;
    end else begin
      out_valid_q <= {out_valid_q[OutStages-2:0], result};
    end
  end

  // Each stage loads only when it holds a result, so an idle pipe does not toggle; the entry
  // only when the result forwards.
  always_ff @(posedge clk_i) begin
    if (result) begin
      out_forward_q[0] <= d_forward;
      out_reason_q[0]  <= d_reason;
      out_index_q[0]   <= d_index;
      out_event_q[0]   <= d_event;
      if (d_forward) begin
        decided_entry_q <= decided;
      end
    end
    if (out_valid_q[EntryHandOff-1] && out_forward_q[EntryHandOff-1]) begin
      res_entry_o <= decided_entry_q;
    end
  end
  for (genvar s = 1; s < OutStages; s++) begin : gen_out_stage
    always_ff @(posedge clk_i) begin
      if (out_valid_q[s-1]) begin
        out_forward_q[s] <= out_forward_q[s-1];
        out_reason_q[s]  <= out_reason_q[s-1];
        out_index_q[s]   <= out_index_q[s-1];
        out_event_q[s]   <= out_event_q[s-1];
      end
    end
  end

  assign res_valid_o   = out_valid_q[OutStages-1];
  assign res_forward_o = out_forward_q[OutStages-1];
  assign res_reason_o  = out_reason_q[OutStages-1];
  assign res_index_o   = out_index_q[OutStages-1];
  assign res_event_o   = out_event_q[OutStages-1];

  // The hash bits above the largest bucket mask select nothing.
  logic unused_hash;
  assign unused_hash = ^req_hash_i[31:15];

endmodule

`default_nettype wire
