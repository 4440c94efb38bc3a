// uart_shim.cpp — the C ABI over the Verilated ncx_uart_loop model.
//
// ncx-hdl's Rust code (src/ffi.rs) calls these functions; nothing else does. Each
// model owns its own VerilatedContext, so models in different threads are
// independent. No exception crosses the C boundary: ncx_uart_new returns null if
// construction throws, and the other functions do not throw.
//
// Clocking: ncx_uart_step does one clock cycle, rising edge then falling edge, so
// that inputs set before a step are sampled by that step's rising edge and outputs
// read after it are the registers it loaded. Setters evaluate the model so that a
// combinational output is current right after them.

#include <cstdint>
#include <memory>
#include <new>

#include "Vncx_uart_loop.h"
#include "verilated.h"

namespace {

struct NcxUart {
    // Declared first so that it is destroyed last: the model refers to it.
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<Vncx_uart_loop> top;
};

void cycle(NcxUart* m) {
    m->top->clk_i = 1;
    m->top->eval();
    m->top->clk_i = 0;
    m->top->eval();
    m->ctx->timeInc(1);
}

}  // namespace

extern "C" {

// A new model held in reset for two cycles and then released, with the line
// idle (rx_i high), loopback off, rx_ready_i high, nothing offered to the
// transmitter and the given divisor. Null if it could not be made.
NcxUart* ncx_uart_new(uint16_t divisor) {
    try {
        auto m = std::make_unique<NcxUart>();
        m->ctx = std::make_unique<VerilatedContext>();
        m->top = std::make_unique<Vncx_uart_loop>(m->ctx.get(), "top");
        Vncx_uart_loop* t = m->top.get();
        t->clk_i = 0;
        t->rst_ni = 0;
        t->divisor_i = divisor;
        t->loopback_i = 0;
        t->rx_i = 1;
        t->rx_ready_i = 1;
        t->tx_data_i = 0;
        t->tx_valid_i = 0;
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

void ncx_uart_free(NcxUart* m) { delete m; }

void ncx_uart_step(NcxUart* m, uint64_t cycles) {
    for (uint64_t i = 0; i < cycles; ++i) cycle(m);
}

void ncx_uart_set_reset(NcxUart* m, uint8_t asserted) {
    m->top->rst_ni = asserted ? 0 : 1;
    m->top->eval();
}

void ncx_uart_set_divisor(NcxUart* m, uint16_t divisor) {
    m->top->divisor_i = divisor;
    m->top->eval();
}

void ncx_uart_set_loopback(NcxUart* m, uint8_t on) {
    m->top->loopback_i = on ? 1 : 0;
    m->top->eval();
}

void ncx_uart_set_rx(NcxUart* m, uint8_t level) {
    m->top->rx_i = level ? 1 : 0;
    m->top->eval();
}

void ncx_uart_set_rx_ready(NcxUart* m, uint8_t ready) {
    m->top->rx_ready_i = ready ? 1 : 0;
    m->top->eval();
}

void ncx_uart_set_tx_data(NcxUart* m, uint8_t data, uint8_t valid) {
    m->top->tx_data_i = data;
    m->top->tx_valid_i = valid ? 1 : 0;
    m->top->eval();
}

// The outputs, packed: bit 0 tx_o, 1 tx_ready_o, 2 rx_valid_o, 3 rx_frame_error_o,
// 4 rx_overrun_error_o, bits 8..15 rx_data_o.
uint32_t ncx_uart_outputs(const NcxUart* m) {
    const Vncx_uart_loop* t = m->top.get();
    return (uint32_t(t->tx_o & 1u) << 0) | (uint32_t(t->tx_ready_o & 1u) << 1) |
           (uint32_t(t->rx_valid_o & 1u) << 2) | (uint32_t(t->rx_frame_error_o & 1u) << 3) |
           (uint32_t(t->rx_overrun_error_o & 1u) << 4) | (uint32_t(t->rx_data_o) << 8);
}

}  // extern "C"
