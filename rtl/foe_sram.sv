// SPDX-License-Identifier: Apache-2.0
// One FOE SRAM bank: single port, one read or one write per cycle, registered read data (an
// address presented in a cycle has its data out in the next). No reset: the lookup block
// clears the rows it uses at reset, one row per cycle, as the hardware would.

`default_nettype none

module foe_sram #(
  parameter int unsigned Rows  = 8192,
  parameter int unsigned Width = 1024
) (
  input  wire logic                     clk_i,
  input  wire logic                     req_i,
  input  wire logic                     we_i,
  input  wire logic [$clog2(Rows)-1:0]  addr_i,
  input  wire logic [Width-1:0]         wdata_i,
  output      logic [Width-1:0]         rdata_o
);

  logic [Width-1:0] mem_q [Rows];
  logic [Width-1:0] rdata_q;

  always_ff @(posedge clk_i) begin
    if (req_i) begin
      if (we_i) begin
        mem_q[addr_i] <= wdata_i;
      end else begin
        rdata_q <= mem_q[addr_i];
      end
    end
  end

  assign rdata_o = rdata_q;

endmodule

`default_nettype wire
