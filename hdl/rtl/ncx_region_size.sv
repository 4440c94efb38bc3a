// ncx_region_size — the size in bytes of a memory region (docs/protocol.md §9)
//
// CONFIG ConfigLen, W_IN N·M, W_REC N·N, E_IN N·M/8, E_REC N·N/8, NEURONS 17·N,
// STATE 9·N, TRACES M + 2N, for N = 2^NeuronsLog2 neurons and M = 2^InputsLog2 inputs,
// and the offset of the region's last byte (the size − 1, for a counter that walks the
// region: a constant too, not an adder after the selection). Combinational: a case over
// constants (record lengths from ncx_pkg).
module ncx_region_size #(
  parameter int NeuronsLog2 = 8,
  parameter int InputsLog2  = 8
) (
  input  logic [2:0]  region_i,
  output logic [31:0] size_o,
  output logic [31:0] last_o
);

  localparam int N = 2 ** NeuronsLog2;
  localparam int M = 2 ** InputsLog2;

  localparam int SizeConfigI  = ncx_pkg::ConfigLen;
  localparam int SizeWInI     = N * M;
  localparam int SizeWRecI    = N * N;
  localparam int SizeEInI     = N * M / 8;
  localparam int SizeERecI    = N * N / 8;
  localparam int SizeNeuronsI = ncx_pkg::NeuronRecordLen * N;
  localparam int SizeStateI   = ncx_pkg::StateRecordLen * N;
  localparam int SizeTracesI  = M + 2 * N;

  // The region numbers (ncx_pkg::region_e) in the port's 3 bits.
  localparam logic [2:0] RConfig  = 3'(ncx_pkg::RegionConfig);
  localparam logic [2:0] RWIn     = 3'(ncx_pkg::RegionWeightsIn);
  localparam logic [2:0] RWRec    = 3'(ncx_pkg::RegionWeightsRec);
  localparam logic [2:0] REIn     = 3'(ncx_pkg::RegionEnableIn);
  localparam logic [2:0] RERec    = 3'(ncx_pkg::RegionEnableRec);
  localparam logic [2:0] RNeurons = 3'(ncx_pkg::RegionNeurons);
  localparam logic [2:0] RState   = 3'(ncx_pkg::RegionState);

  localparam int SizeConfigIM1  = SizeConfigI - 1;
  localparam int SizeWInIM1     = SizeWInI - 1;
  localparam int SizeWRecIM1    = SizeWRecI - 1;
  localparam int SizeEInIM1     = SizeEInI - 1;
  localparam int SizeERecIM1    = SizeERecI - 1;
  localparam int SizeNeuronsIM1 = SizeNeuronsI - 1;
  localparam int SizeStateIM1   = SizeStateI - 1;
  localparam int SizeTracesIM1  = SizeTracesI - 1;

  always_comb begin
    unique case (region_i)
      RConfig: begin
        size_o = SizeConfigI[31:0];
        last_o = SizeConfigIM1[31:0];
      end
      RWIn: begin
        size_o = SizeWInI[31:0];
        last_o = SizeWInIM1[31:0];
      end
      RWRec: begin
        size_o = SizeWRecI[31:0];
        last_o = SizeWRecIM1[31:0];
      end
      REIn: begin
        size_o = SizeEInI[31:0];
        last_o = SizeEInIM1[31:0];
      end
      RERec: begin
        size_o = SizeERecI[31:0];
        last_o = SizeERecIM1[31:0];
      end
      RNeurons: begin
        size_o = SizeNeuronsI[31:0];
        last_o = SizeNeuronsIM1[31:0];
      end
      RState: begin
        size_o = SizeStateI[31:0];
        last_o = SizeStateIM1[31:0];
      end
      default: begin  // TRACES
        size_o = SizeTracesI[31:0];
        last_o = SizeTracesIM1[31:0];
      end
    endcase
  end

endmodule
