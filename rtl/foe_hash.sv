// SPDX-License-Identifier: Apache-2.0
// FOE hash unit: MediaTek's flow-table hash (shared/spec/hardware.md §1.3) as a two-stage
// pipeline, one input per cycle, FoeHashLatency (2) cycles from valid_i to valid_o. The seed is
// already in hv1_i. The C++ reference is net/foe_hash.hpp; model/rtl_twin checks the two are
// bit-identical, and both pass the shared vectors of rtl/spec/flowsim_hw.yaml.
//
//   stage 1: h1 = rotl8((hv1 & hv2) | (~hv1 & hv3)) ^ hv1 ^ hv2 ^ hv3
//   stage 2: hash = h1 ^ (h1 >> 16)

`default_nettype none

module foe_hash
  import flowsim_hw_pkg::*;
(
  input  wire logic        clk_i,
  input  wire logic        rst_ni,

  input  wire logic        valid_i,
  input  wire logic [31:0] hv1_i,
  input  wire logic [31:0] hv2_i,
  input  wire logic [31:0] hv3_i,

  output      logic        valid_o,
  output      logic [31:0] hash_o
);

  // The pipeline below has exactly two register stages; the spec's latency must say so.
  if (FoeHashLatency != 2) begin : gen_latency_check
    $error("foe_hash has 2 pipeline stages but flowsim_hw_pkg::FoeHashLatency is %0d",
           FoeHashLatency);
  end

  // Stage 1: bit-select, rotate, fold in the inputs.
  logic [31:0] sel;
  logic [31:0] h1_d, h1_q;
  logic        valid1_q;

  assign sel  = (hv1_i & hv2_i) | (~hv1_i & hv3_i);
  assign h1_d = {sel[23:0], sel[31:24]} ^ hv1_i ^ hv2_i ^ hv3_i;

  // Stage 2: fold the upper half down.
  logic [31:0] hash_d, hash_q;
  logic        valid2_q;

  assign hash_d = h1_q ^ {16'h0000, h1_q[31:16]};

  // Data registers load only on a valid beat, so an idle pipeline does not toggle.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid1_q <= 1'b0;
      valid2_q <= 1'b0;
      h1_q     <= '0;
      hash_q   <= '0;
    end else begin
      valid1_q <= valid_i;
      valid2_q <= valid1_q;
      if (valid_i) begin
        h1_q <= h1_d;
      end
      if (valid1_q) begin
        hash_q <= hash_d;
      end
    end
  end

  assign valid_o = valid2_q;
  assign hash_o  = hash_q;

endmodule

`default_nettype wire
