// ncx_ctrl_records — checks a WRITE's record bytes as they stream past
//
// The VALIDATE pass of ncx_ctrl: a WRITE to CONFIG, NEURONS or STATE is checked whole
// before any byte is written. The controller feeds the data bytes one a cycle with
// their index within the record (j_i, which restarts after last_o's index) and the
// byte before (prev_i); bad_o says the byte breaks a rule of the record's layout
// (firmware-model/src/wire/layout.rs): CONFIG's 4-bit fields (weight_shift, stdp_shift,
// the decays' high bytes) above 15, its flags above 1, w_max below w_min; NEURONS' and
// STATE's sign-extension bytes of the 24-bit fields not the sign of the byte before,
// NEURONS' decays' high bytes above 15. Combinational.
module ncx_ctrl_records (
  input  logic [2:0] region_i,  // CONFIG (0), NEURONS (5) or STATE (6)
  input  logic [4:0] j_i,       // the byte within the record
  input  logic [7:0] byte_i,
  input  logic [7:0] prev_i,    // the record's byte before
  output logic       bad_o,
  output logic [4:0] last_o     // the record's last byte index
);

  localparam logic [2:0] RConfig   = 3'(ncx_pkg::RegionConfig);
  localparam logic [2:0] RNeurons  = 3'(ncx_pkg::RegionNeurons);
  localparam logic [2:0] RState    = 3'(ncx_pkg::RegionState);
  localparam int         ConfigI   = ncx_pkg::ConfigLen;
  localparam int         NeuronI   = ncx_pkg::NeuronRecordLen;
  localparam int         StateI    = ncx_pkg::StateRecordLen;
  localparam logic [4:0] ConfigEnd = 5'(ConfigI - 1);
  localparam logic [4:0] NeuronEnd = 5'(NeuronI - 1);
  localparam logic [4:0] StateEnd  = 5'(StateI - 1);

  logic [3:0] byte_hi;
  logic       prev_sign, byte_le1;
  assign byte_hi   = byte_i[7:4];
  assign prev_sign = prev_i[7];
  assign byte_le1  = byte_i[7:1] == 7'd0;

  always_comb begin
    bad_o = 1'b0;
    unique case (region_i)
      RConfig: begin
        unique case (j_i)
          5'd4, 5'd8:    bad_o = byte_hi != 4'd0;  // > 15
          5'd5, 5'd11:   bad_o = !byte_le1;
          5'd10:         bad_o = $signed(byte_i) < $signed(prev_i);
          5'd13, 5'd15:  bad_o = byte_hi != 4'd0;
          default:       bad_o = 1'b0;
        endcase
      end
      RNeurons: begin
        unique case (j_i)
          5'd3, 5'd7, 5'd11: bad_o = byte_i != {8{prev_sign}};
          5'd13, 5'd15:      bad_o = byte_hi != 4'd0;
          default:           bad_o = 1'b0;
        endcase
      end
      RState: begin
        unique case (j_i)
          5'd3, 5'd7: bad_o = byte_i != {8{prev_sign}};
          default:    bad_o = 1'b0;
        endcase
      end
      default: bad_o = 1'b0;
    endcase
  end

  always_comb begin
    unique case (region_i)
      RConfig:  last_o = ConfigEnd;
      RNeurons: last_o = NeuronEnd;
      default:  last_o = StateEnd;
    endcase
  end

endmodule
