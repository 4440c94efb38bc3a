// ncx_ctrl_reply — the bytes of a reply payload, by index
//
// The REPLY step of ncx_ctrl writes a reply payload (status byte first) into its slot one
// byte a cycle; byte index_i comes from one of three sources: a short reply (the
// controller's register, short_i, low byte first), HELLO's constant reply (its 60 data
// bytes: protocol version, geometry, the field widths and signedness of ncx_pkg,
// clock, baud divisor, build id, features, buffer sizes; docs/protocol.md §8) or
// STATUS's (its 35 data bytes, status_i, which do not change while the command runs:
// the core is idle and the decoder holds the frame). A timestep reply (time_i) is a
// short one whose bytes 1..4 are the core's timestep, STATUS's bytes 2..5. STATUS's
// bytes are also given one on, status_byte_o = STATUS data byte index_i (the timestep's
// byte index_i - 1 for index_i in 1..4), for the INPUT timestep check of LOAD.
// Combinational.
module ncx_ctrl_reply #(
  parameter int          NeuronsLog2   = 8,
  parameter int          InputsLog2    = 8,
  parameter logic [31:0] ClockHz       = 32'd100000000,
  parameter logic [31:0] BaudDivisor   = 32'd100,
  parameter logic [63:0] BuildId       = 64'd0,
  parameter int          InputSlots    = 16,
  parameter int          OutputHistory = 16,
  parameter int          LanesLog2     = 0   // HELLO features bits 8..11
) (
  input  logic           hello_i,   // HELLO's reply
  input  logic           status_i,  // STATUS's reply
  input  logic           time_i,    // a short reply with the timestep in bytes 1..4
  input  logic [5:0]     index_i,
  input  logic [7:0]     short_i,   // a short reply's byte index_i
  input  logic [279:0]   status_data_i,
  output logic [7:0]     byte_o,
  output logic [7:0]     status_byte_o
);

  localparam int          NI  = 2 ** NeuronsLog2;
  localparam int          MI  = 2 ** InputsLog2;
  localparam logic [15:0] N16 = NI[15:0];
  localparam logic [15:0] M16 = MI[15:0];

  // Each stored field's width and signedness, a byte each, in spec.rs order (weight
  // first, in bits 15:0).
  localparam logic [239:0] Widths = {
    7'd0, ncx_pkg::PeriodSigned, 8'(ncx_pkg::PeriodWidth),
    7'd0, ncx_pkg::TraceIncrementSigned, 8'(ncx_pkg::TraceIncrementWidth),
    7'd0, ncx_pkg::StdpShiftSigned, 8'(ncx_pkg::StdpShiftWidth),
    7'd0, ncx_pkg::StdpAmplitudeSigned, 8'(ncx_pkg::StdpAmplitudeWidth),
    7'd0, ncx_pkg::WeightShiftSigned, 8'(ncx_pkg::WeightShiftWidth),
    7'd0, ncx_pkg::TraceSigned, 8'(ncx_pkg::TraceWidth),
    7'd0, ncx_pkg::RefractorySigned, 8'(ncx_pkg::RefractoryWidth),
    7'd0, ncx_pkg::DecaySigned, 8'(ncx_pkg::DecayWidth),
    7'd0, ncx_pkg::BiasSigned, 8'(ncx_pkg::BiasWidth),
    7'd0, ncx_pkg::ResetSigned, 8'(ncx_pkg::ResetWidth),
    7'd0, ncx_pkg::ThresholdSigned, 8'(ncx_pkg::ThresholdWidth),
    7'd0, ncx_pkg::AccSigned, 8'(ncx_pkg::AccWidth),
    7'd0, ncx_pkg::ISigned, 8'(ncx_pkg::IWidth),
    7'd0, ncx_pkg::VSigned, 8'(ncx_pkg::VWidth),
    7'd0, ncx_pkg::WeightSigned, 8'(ncx_pkg::WeightWidth)
  };
  localparam int          MaxPayloadI = ncx_pkg::MaxPayload;
  localparam logic [15:0] MaxPayload  = MaxPayloadI[15:0];
  localparam logic [7:0]  SlotsByte   = InputSlots[7:0];
  localparam logic [7:0]  HistByte    = OutputHistory[7:0];
  localparam logic [31:0] Lanes       = LanesLog2;
  localparam logic [31:0] Features    = ncx_pkg::FeatureStdp | ncx_pkg::FeaturePacing
                                      | (Lanes << ncx_pkg::FeatureLanesShift);
  localparam logic [479:0] HelloData = {
    HistByte, SlotsByte, MaxPayload, Features,
    BuildId, BaudDivisor, ClockHz, Widths, M16, N16, ncx_pkg::ProtocolMinor,
    ncx_pkg::ProtocolMajor
  };
  localparam logic [7:0]   StOk       = 8'(ncx_pkg::StatusOk);
  localparam logic [511:0] HelloReply = {24'd0, HelloData, StOk};  // padded to 64 bytes

  logic [511:0] status_reply;
  logic [5:0]   sidx;
  logic         time_byte;  // bytes 1..4 of a timestep reply
  logic [7:0]   hello_byte;
  assign status_reply  = {224'd0, status_data_i, StOk};
  assign sidx          = index_i + {5'd0, !status_i};
  assign time_byte     = time_i && (index_i != 6'd0) && (index_i <= 6'd4);
  assign hello_byte    = HelloReply[index_i*8 +: 8];
  assign status_byte_o = status_reply[sidx*8 +: 8];
  assign byte_o        = hello_i                 ? hello_byte    :
                         (status_i || time_byte) ? status_byte_o : short_i;

endmodule
