// ncx_pkg: the numbers the NCX-1 RTL shares with the Rust model (crate ncx-model).
//
// Generated from firmware-model/src/spec.rs, firmware-model/src/device/codes.rs,
// firmware-model/src/wire/frame.rs and firmware-model/src/wire/layout.rs by
// ncx_model::rtl_pkg::render() -- do not edit. Regenerate with
//   NCX_BLESS=1 cargo test -p ncx-model --test rtl_pkg
// `cargo test` fails while this file and render() differ (hdl/README.md).
//
// Use the items qualified (ncx_pkg::VWidth): yosys 0.23 has no `import`.

package ncx_pkg;

  ///////////////////////////////////////////////////////////////
  // Stored fields (docs/semantics.md section 2, spec::FIELDS) //
  ///////////////////////////////////////////////////////////////

  // <Name>Width is the field's width in bits, <Name>Signed whether it is two's
  // complement, <name>_t its type.
  localparam int WeightWidth          = 8;     // weight: -128..127
  localparam bit WeightSigned         = 1'b1;
  localparam int VWidth               = 24;    // v: -8388608..8388607
  localparam bit VSigned              = 1'b1;
  localparam int IWidth               = 24;    // i: -8388608..8388607
  localparam bit ISigned              = 1'b1;
  localparam int AccWidth             = 20;    // acc: -524288..524287
  localparam bit AccSigned            = 1'b1;
  localparam int ThresholdWidth       = 24;    // threshold: -8388608..8388607
  localparam bit ThresholdSigned      = 1'b1;
  localparam int ResetWidth           = 24;    // reset: -8388608..8388607
  localparam bit ResetSigned          = 1'b1;
  localparam int BiasWidth            = 24;    // bias: -8388608..8388607
  localparam bit BiasSigned           = 1'b1;
  localparam int DecayWidth           = 12;    // decay: 0..4095
  localparam bit DecaySigned          = 1'b0;
  localparam int RefractoryWidth      = 8;     // refractory: 0..255
  localparam bit RefractorySigned     = 1'b0;
  localparam int TraceWidth           = 8;     // trace: 0..255
  localparam bit TraceSigned          = 1'b0;
  localparam int WeightShiftWidth     = 4;     // weight_shift: 0..15
  localparam bit WeightShiftSigned    = 1'b0;
  localparam int StdpAmplitudeWidth   = 8;     // stdp_amplitude: 0..255
  localparam bit StdpAmplitudeSigned  = 1'b0;
  localparam int StdpShiftWidth       = 4;     // stdp_shift: 0..15
  localparam bit StdpShiftSigned      = 1'b0;
  localparam int TraceIncrementWidth  = 8;     // trace_increment: 0..255
  localparam bit TraceIncrementSigned = 1'b0;
  localparam int PeriodWidth          = 32;    // period: 0..4294967295
  localparam bit PeriodSigned         = 1'b0;

  typedef logic signed [7:0] weight_t;
  typedef logic signed [23:0] v_t;
  typedef logic signed [23:0] i_t;
  typedef logic signed [19:0] acc_t;
  typedef logic signed [23:0] threshold_t;
  typedef logic signed [23:0] reset_t;
  typedef logic signed [23:0] bias_t;
  typedef logic [11:0] decay_t;
  typedef logic [7:0] refractory_t;
  typedef logic [7:0] trace_t;
  typedef logic [3:0] weight_shift_t;
  typedef logic [7:0] stdp_amplitude_t;
  typedef logic [3:0] stdp_shift_t;
  typedef logic [7:0] trace_increment_t;
  typedef logic [31:0] period_t;

  ///////////////////////////////////////
  // Arithmetic and geometry (spec.rs) //
  ///////////////////////////////////////

  localparam int DecayOne        = 4096;  // x decays as x * (DecayOne - delta) / DecayOne
  localparam int GeometryMinLog2 = 4;     // fewest neurons or inputs: 2**GeometryMinLog2
  localparam int GeometryMaxLog2 = 10;    // most neurons or inputs: 2**GeometryMaxLog2

  //////////////////////////////////////////////////
  // Cycle schedule (docs/semantics.md section 6) //
  //////////////////////////////////////////////////

  localparam int FetchCycles     = 1;  // the FETCH phase
  localparam int SlotSetupCycles = 2;  // set-up of every slot and of the TRACE phase
  localparam int NeuronLatency   = 3;  // neuron n is written in cycle NeuronLatency + n
  localparam int DoneCycles      = 1;  // the DONE phase
  localparam int MaxLanesLog2    = 3;  // accumulate lanes: 2**LanesLog2 <= min(N, 2**MaxLanesLog2)

  ////////////////////////////////////////////////
  // Frames (docs/protocol.md sections 2 and 5) //
  ////////////////////////////////////////////////

  localparam logic [7:0] Sync0      = 8'hA5;  // sync byte 0
  localparam logic [7:0] Sync1      = 8'h5A;  // sync byte 1
  localparam int         HeaderLen  = 7;      // sync, opcode, seq, len (2) and the header CRC
  localparam int         TrailerLen = 4;      // the frame CRC
  localparam int         MaxPayload = 1024;   // bytes a receiver buffers
  localparam int         MaxFrame   = 1035;   // HeaderLen + MaxPayload + TrailerLen

  //////////////////////////////////////////////////////////////////////////////
  // CRCs (docs/protocol.md section 2; Check is the CRC of ASCII "123456789") //
  //////////////////////////////////////////////////////////////////////////////

  // HeaderCrc: CRC-8/SMBUS over opcode, seq and len
  localparam int         HeaderCrcWidth  = 8;      // bits
  localparam logic [7:0] HeaderCrcPoly   = 8'h07;  // polynomial, MSB-first form
  localparam logic [7:0] HeaderCrcInit   = 8'h00;  // register at the start
  localparam bit         HeaderCrcRefIn  = 1'b0;   // bytes enter LSB first
  localparam bit         HeaderCrcRefOut = 1'b0;   // result is bit-reversed
  localparam logic [7:0] HeaderCrcXorOut = 8'h00;  // XORed into the result
  localparam logic [7:0] HeaderCrcCheck  = 8'hF4;  // CRC of "123456789"

  // FrameCrc: CRC-32/ISO-HDLC over opcode through payload; sent little-endian
  localparam int          FrameCrcWidth        = 32;            // bits
  localparam logic [31:0] FrameCrcPoly         = 32'h04C11DB7;  // polynomial, MSB-first form
  localparam logic [31:0] FrameCrcPolyReversed = 32'hEDB88320;  // polynomial, LSB-first form
  localparam logic [31:0] FrameCrcInit         = 32'hFFFFFFFF;  // register at the start
  localparam bit          FrameCrcRefIn        = 1'b1;          // bytes enter LSB first
  localparam bit          FrameCrcRefOut       = 1'b1;          // result is bit-reversed
  localparam logic [31:0] FrameCrcXorOut       = 32'hFFFFFFFF;  // XORed into the result
  localparam logic [31:0] FrameCrcCheck        = 32'hCBF43926;  // CRC of "123456789"

  ///////////////////////////////////////////////////////
  // Command layer (docs/protocol.md sections 7 to 10) //
  ///////////////////////////////////////////////////////

  localparam logic [7:0] ProtocolMajor = 8'h01;  // HELLO: protocol version, major
  localparam logic [7:0] ProtocolMinor = 8'h00;  // HELLO: protocol version, minor
  localparam logic [7:0] ReplyBit      = 8'h80;  // reply opcode = command opcode | ReplyBit
  localparam logic [7:0] OutputOpcode  = 8'hC0;  // the opcode of an output frame

  localparam logic [31:0] FeatureStdp   = 32'h00000001;  // HELLO features: STDP
  localparam logic [31:0] FeaturePacing = 32'h00000002;  // HELLO features: paced timesteps

  localparam int FeatureLanesShift = 8;  // HELLO features bits 8..11: LanesLog2

  localparam int MaxProbes       = 16;    // neurons one PROBE may name
  localparam int MaxWrite        = 1019;  // data bytes one WRITE carries
  localparam int MaxRead         = 1023;  // bytes one READ returns
  localparam int MaxInputs       = 509;   // input indices one INPUT carries
  localparam int ConfigLen       = 18;    // bytes of the CONFIG record
  localparam int NeuronRecordLen = 17;    // bytes of one NEURONS record
  localparam int StateRecordLen  = 9;     // bytes of one STATE record

  // Command opcodes (docs/protocol.md section 8).
  typedef enum logic [7:0] {
    OpcodeHello  = 8'h01,  // HELLO
    OpcodeReset  = 8'h02,  // RESET
    OpcodeWrite  = 8'h03,  // WRITE
    OpcodeRead   = 8'h04,  // READ
    OpcodeCrc    = 8'h05,  // CRC
    OpcodeRun    = 8'h06,  // RUN
    OpcodeStop   = 8'h07,  // STOP
    OpcodeInput  = 8'h08,  // INPUT
    OpcodeProbe  = 8'h09,  // PROBE
    OpcodeStatus = 8'h0A,  // STATUS
    OpcodeResend = 8'h0B   // RESEND
  } opcode_e;

  // Reply status codes, the first byte of every reply (docs/protocol.md section 7).
  typedef enum logic [7:0] {
    StatusOk            = 8'h00,  // OK
    StatusUnknownOpcode = 8'h01,  // UNKNOWN_OPCODE
    StatusBadLength     = 8'h02,  // BAD_LENGTH
    StatusBadRegion     = 8'h03,  // BAD_REGION
    StatusBadRange      = 8'h04,  // BAD_RANGE
    StatusBadValue      = 8'h05,  // BAD_VALUE
    StatusBusy          = 8'h06,  // BUSY
    StatusNotRunning    = 8'h07,  // NOT_RUNNING
    StatusNoCredit      = 8'h08,  // NO_CREDIT
    StatusBadTimestep   = 8'h09   // BAD_TIMESTEP
  } status_e;

  // Memory regions of WRITE, READ and CRC (docs/protocol.md section 9).
  typedef enum logic [7:0] {
    RegionConfig     = 8'h00,  // CONFIG
    RegionWeightsIn  = 8'h01,  // W_IN
    RegionWeightsRec = 8'h02,  // W_REC
    RegionEnableIn   = 8'h03,  // E_IN
    RegionEnableRec  = 8'h04,  // E_REC
    RegionNeurons    = 8'h05,  // NEURONS
    RegionState      = 8'h06,  // STATE
    RegionTraces     = 8'h07   // TRACES
  } region_e;

endpackage : ncx_pkg
