// frame_shim.cpp — the C ABI over the Verilated ncx_frame_loop model.
//
// ncx-hdl's Rust code (src/ffi/frame.rs) calls these functions; nothing else does. Each
// model owns its own VerilatedContext, so models in different threads are independent.
// No exception crosses the C boundary: ncx_frame_new returns null if construction
// throws, and the other functions do not throw.
//
// Clocking: ncx_frame_step does one clock cycle, rising edge then falling edge, so that
// inputs set before a step are sampled by that step's rising edge and outputs read
// after it are the registers it loaded. Setters evaluate the model so that the
// combinational outputs (the FIFO's pass-through, the encoder's payload address) are
// current right after them.

#include <cstdint>
#include <memory>
#include <new>

#include "Vncx_frame_loop.h"
#include "verilated.h"

namespace {

struct NcxFrame {
    // Declared first so that it is destroyed last: the model refers to it.
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<Vncx_frame_loop> top;
};

void cycle(NcxFrame* m) {
    m->top->clk_i = 1;
    m->top->eval();
    m->top->clk_i = 0;
    m->top->eval();
    m->ctx->timeInc(1);
}

}  // namespace

extern "C" {

// The outputs of ncx_frame_loop in the current cycle (src/ffi/frame.rs has the same
// layout, #[repr(C)]).
struct NcxFrameOutputs {
    uint32_t frame_crc;
    uint32_t err_offset;
    uint32_t counters[6];  // frames, header errors, CRC errors, frame bytes, discarded, seen
    uint16_t frame_len;
    uint16_t err_len;
    uint16_t fifo_count;
    uint8_t frame_opcode;
    uint8_t frame_seq;
    uint8_t rx_pay_rdata;
    uint8_t err_kind;
    uint8_t out_data;
    // bit 0 in_ready, 1 fifo_overflow, 2 rx_ready, 3 frame_valid, 4 err_valid,
    // 5 tx_idle, 6 out_valid, 7 rx_valid
    uint8_t flags;
};

// A new model held in reset for two cycles and then released, with every input 0
// (nothing offered, no ack, out_ready low). Null if it could not be made.
NcxFrame* ncx_frame_new() {
    try {
        auto m = std::make_unique<NcxFrame>();
        m->ctx = std::make_unique<VerilatedContext>();
        m->top = std::make_unique<Vncx_frame_loop>(m->ctx.get(), "top");
        Vncx_frame_loop* t = m->top.get();
        t->clk_i = 0;
        t->rst_ni = 0;
        t->in_data_i = 0;
        t->in_valid_i = 0;
        t->frame_ack_i = 0;
        t->rx_pay_addr_i = 0;
        t->txram_we_i = 0;
        t->txram_addr_i = 0;
        t->txram_data_i = 0;
        t->tx_start_i = 0;
        t->tx_opcode_i = 0;
        t->tx_seq_i = 0;
        t->tx_len_i = 0;
        t->out_ready_i = 0;
        t->eval();
        cycle(m.get());
        cycle(m.get());
        t->rst_ni = 1;
        t->eval();
        return m.release();
    } catch (...) {
        return nullptr;
    }
}

void ncx_frame_free(NcxFrame* m) { delete m; }

void ncx_frame_step(NcxFrame* m, uint64_t cycles) {
    for (uint64_t i = 0; i < cycles; ++i) cycle(m);
}

void ncx_frame_set_reset(NcxFrame* m, uint8_t asserted) {
    m->top->rst_ni = asserted ? 0 : 1;
    m->top->eval();
}

void ncx_frame_set_in(NcxFrame* m, uint8_t data, uint8_t valid) {
    m->top->in_data_i = data;
    m->top->in_valid_i = valid ? 1 : 0;
    m->top->eval();
}

void ncx_frame_set_ack(NcxFrame* m, uint8_t ack) {
    m->top->frame_ack_i = ack ? 1 : 0;
    m->top->eval();
}

void ncx_frame_set_rx_pay_addr(NcxFrame* m, uint16_t addr) {
    m->top->rx_pay_addr_i = addr;
    m->top->eval();
}

void ncx_frame_set_txram(NcxFrame* m, uint8_t we, uint16_t addr, uint8_t data) {
    m->top->txram_we_i = we ? 1 : 0;
    m->top->txram_addr_i = addr;
    m->top->txram_data_i = data;
    m->top->eval();
}

void ncx_frame_set_tx_start(NcxFrame* m, uint8_t start, uint8_t opcode, uint8_t seq, uint16_t len) {
    m->top->tx_start_i = start ? 1 : 0;
    m->top->tx_opcode_i = opcode;
    m->top->tx_seq_i = seq;
    m->top->tx_len_i = len;
    m->top->eval();
}

void ncx_frame_set_out_ready(NcxFrame* m, uint8_t ready) {
    m->top->out_ready_i = ready ? 1 : 0;
    m->top->eval();
}

void ncx_frame_outputs(const NcxFrame* m, NcxFrameOutputs* o) {
    const Vncx_frame_loop* t = m->top.get();
    o->frame_crc = t->frame_crc_o;
    o->err_offset = t->err_offset_o;
    o->counters[0] = t->cnt_frames_o;
    o->counters[1] = t->cnt_header_errors_o;
    o->counters[2] = t->cnt_crc_errors_o;
    o->counters[3] = t->cnt_frame_bytes_o;
    o->counters[4] = t->cnt_discarded_o;
    o->counters[5] = t->cnt_seen_o;
    o->frame_len = t->frame_len_o;
    o->err_len = t->err_len_o;
    o->fifo_count = t->fifo_count_o;
    o->frame_opcode = t->frame_opcode_o;
    o->frame_seq = t->frame_seq_o;
    o->rx_pay_rdata = t->rx_pay_rdata_o;
    o->err_kind = t->err_kind_o;
    o->out_data = t->out_data_o;
    o->flags = uint8_t((t->in_ready_o & 1u) << 0 | (t->fifo_overflow_o & 1u) << 1 | (t->rx_ready_o & 1u) << 2 |
                       (t->frame_valid_o & 1u) << 3 | (t->err_valid_o & 1u) << 4 | (t->tx_idle_o & 1u) << 5 |
                       (t->out_valid_o & 1u) << 6 | (t->rx_valid_o & 1u) << 7);
}

}  // extern "C"
