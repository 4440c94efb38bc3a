// ncx_region_size — the size in bytes of a memory region (docs/protocol.md §9)
//
// CONFIG ConfigLen, W_IN N·M, W_REC N·N, E_IN N·M/8, E_REC N·N/8, NEURONS 17·N,
// STATE 9·N, TRACES M + 2N, for N = 2^NeuronsLog2 neurons and M = 2^InputsLog2 inputs.
// Combinational: a case over constants (record lengths from ncx_pkg).
module ncx_region_size #(
  parameter int NeuronsLog2 = 8,
  parameter int InputsLog2  = 8
) (
  input  logic [2:0]  region_i,
  output logic [31:0] size_o
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

  always_comb begin
    unique case (region_i)
      RConfig:  size_o = SizeConfigI[31:0];
      RWIn:     size_o = SizeWInI[31:0];
      RWRec:    size_o = SizeWRecI[31:0];
      REIn:     size_o = SizeEInI[31:0];
      RERec:    size_o = SizeERecI[31:0];
      RNeurons: size_o = SizeNeuronsI[31:0];
      RState:   size_o = SizeStateI[31:0];
      default:  size_o = SizeTracesI[31:0];  // TRACES
    endcase
  end

endmodule
