// device_shim.cpp — the C ABI over the Verilated ncx_top models (the whole device on
// its UART pins), one per geometry and buffer configuration.
//
// ncx-hdl's Rust code (src/ffi/device.rs) calls these functions; nothing else does. The
// build script verilates ncx_top once per configuration (class Vncx_top_<n>_<m>[_<variant>])
// and generates ncx_top_models.h with the X-macro NCX_NCX_TOP_MODELS(X) as X(class,
// log2 N, log2 M, baud divisor, input slots, output history, rx FIFO depth, tx FIFO
// depth, SPRAM, log2 of the accumulate lanes). Each model owns its own VerilatedContext. No exception crosses the C boundary:
// ncx_device_new returns null if construction throws or the configuration was not built,
// and the other functions do not throw.
//
// The shim is the host's UART: it bit-banges a queue of bytes onto rx_i at the model's
// divisor D (8N1, back to back, each byte's start bit at a cycle the caller chose or
// right after the previous stop bit) and decodes tx_o back into bytes, each with the
// cycle its start bit began, so Rust drives the device per batch of bytes, not per cycle.
//
// Cycles: cycle n is the clock period ending with the n-th rising edge after reset is
// released (cycle 0 is the first). A pin value "in cycle n" is the value during that
// period: rx_i is set before the edge that ends cycle n; tx_o is read before it.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <utility>

#include "ncx_top_models.h"
#include "verilated.h"

namespace {

struct Device {
    virtual ~Device() = default;
    virtual void set_rx(bool level) = 0;
    virtual bool tx() const = 0;
    virtual void edge() = 0;

    uint32_t divisor = 4;
    uint64_t cycle = 0;
    // Host → device: (start cycle, byte), in order; the front one is on the line.
    std::deque<std::pair<uint64_t, uint8_t>> rx_queue;
    uint64_t line_free = 0;  // the cycle after the last queued byte's stop bit
    // Device → host: the decoder of tx_o.
    bool tx_active = false;
    uint64_t tx_start = 0;
    uint8_t tx_byte = 0;
    std::deque<std::pair<uint64_t, uint8_t>> tx_out;
    uint64_t tx_total = 0;
    uint64_t framing_errors = 0;

    // One clock cycle: drive rx_i for this cycle, read tx_o, clock edge.
    void tick() {
        bool level = true;
        while (!rx_queue.empty() && cycle >= rx_queue.front().first + 10ull * divisor) rx_queue.pop_front();
        if (!rx_queue.empty() && cycle >= rx_queue.front().first) {
            uint64_t bit = (cycle - rx_queue.front().first) / divisor;
            uint8_t byte = rx_queue.front().second;
            level = bit == 0 ? false : (bit <= 8 ? ((byte >> (bit - 1)) & 1) != 0 : true);
        }
        set_rx(level);
        bool line = tx();
        if (!tx_active) {
            if (!line) {
                tx_active = true;
                tx_start = cycle;
                tx_byte = 0;
            }
        } else {
            // Sample bit k (1..8 data, 9 stop) in the middle of its D cycles.
            uint64_t offset = cycle - tx_start;
            uint64_t half = (divisor - 1) / 2;
            if (offset >= half && (offset - half) % divisor == 0) {
                uint64_t k = (offset - half) / divisor;
                if (k >= 1 && k <= 8 && line) tx_byte |= uint8_t(1u << (k - 1));
                if (k == 9) {
                    if (line) {
                        tx_out.emplace_back(tx_start, tx_byte);
                        ++tx_total;
                    } else {
                        ++framing_errors;
                    }
                }
            }
            // The stop bit's last cycle: ready for the next start bit.
            if (offset + 1 >= 10ull * divisor) tx_active = false;
        }
        edge();
        ++cycle;
    }
};

template <class T>
struct Model final : Device {
    // Declared first so that it is destroyed last: the model refers to it.
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<T> top;

    // Held in reset for `reset_cycles` cycles from power-on, then released.
    Model(uint32_t d, uint64_t reset_cycles)
        : ctx(std::make_unique<VerilatedContext>()), top(std::make_unique<T>(ctx.get(), "top")) {
        divisor = d;
        T* t = top.get();
        t->clk_i = 0;
        t->rst_ni = 0;
        t->rx_i = 1;
        t->eval();
        for (uint64_t k = 0; k < reset_cycles; ++k) edge();
        t->rst_ni = 1;
        t->eval();
    }

    void set_rx(bool level) override {
        top->rx_i = level;
        top->eval();
    }

    bool tx() const override { return top->tx_o != 0; }

    void edge() override {
        top->clk_i = 1;
        top->eval();
        top->clk_i = 0;
        top->eval();
        ctx->timeInc(1);
    }
};

// Cycles in reset from power-on: 2, and with Spram = 1 first the core's power-on clear
// of its SPRAMs, 2^(log2 max(N·M, N·N) + 1) cycles (ncx_core_mem), as the board's
// power-on reset covers it.
uint64_t reset_cycles(uint32_t neurons_log2, uint32_t inputs_log2, uint32_t spram) {
    uint32_t w_bits = neurons_log2 + (inputs_log2 > neurons_log2 ? inputs_log2 : neurons_log2);
    return 2 + (spram != 0 ? uint64_t(1) << (w_bits + 1) : 0);
}

Device* make(uint32_t neurons_log2, uint32_t inputs_log2, uint32_t slots, uint32_t history,
             uint32_t lanes_log2) {
#define NCX_MAKE(Class, N, M, D, S, H, RX, TX, SP, L)                                 \
    if (neurons_log2 == (N) && inputs_log2 == (M) && slots == (S) && history == (H) && \
        lanes_log2 == (L))                                                            \
        return new Model<Class>(D, reset_cycles(N, M, SP));
    NCX_NCX_TOP_MODELS(NCX_MAKE)
#undef NCX_MAKE
    return nullptr;
}

}  // namespace

extern "C" {

// The configurations built, as (log2 N, log2 M, divisor, input slots, output history,
// log2 of the accumulate lanes) in out[6k .. 6k+6] for k < count; returns how many there
// are (writes at most `capacity` of them).
size_t ncx_device_geometries(uint32_t* out, size_t capacity) {
    size_t count = 0;
#define NCX_LIST(Class, N, M, D, S, H, RX, TX, SP, L) \
    if (count < capacity) {                           \
        out[6 * count] = (N);                         \
        out[6 * count + 1] = (M);                     \
        out[6 * count + 2] = (D);                     \
        out[6 * count + 3] = (S);                     \
        out[6 * count + 4] = (H);                     \
        out[6 * count + 5] = (L);                     \
    }                                                 \
    ++count;
    NCX_NCX_TOP_MODELS(NCX_LIST)
#undef NCX_LIST
    return count;
}

// A device of 2^neurons_log2 neurons and 2^inputs_log2 inputs with `slots` input slots,
// `history` kept output frames and 2^lanes_log2 accumulate lanes, just out of reset (held in reset for two cycles, or
// with SPRAM for its power-on clear and two, then released; now in cycle 0, both lines
// idle). Null if that configuration was not built or
// construction failed.
Device* ncx_device_new(uint32_t neurons_log2, uint32_t inputs_log2, uint32_t slots, uint32_t history,
                       uint32_t lanes_log2) {
    try {
        return make(neurons_log2, inputs_log2, slots, history, lanes_log2);
    } catch (...) {
        return nullptr;
    }
}

void ncx_device_free(Device* m) { delete m; }

uint32_t ncx_device_divisor(const Device* m) { return m->divisor; }

uint64_t ncx_device_cycle(const Device* m) { return m->cycle; }

// Queue `len` bytes for the host to send, back to back: the first start bit begins at
// max(cycle, the end of the previous queued byte's stop bit, the current cycle).
void ncx_device_send(Device* m, uint64_t cycle, const uint8_t* bytes, size_t len) {
    uint64_t start = cycle;
    if (start < m->line_free) start = m->line_free;
    if (start < m->cycle) start = m->cycle;
    for (size_t k = 0; k < len; ++k) {
        m->rx_queue.emplace_back(start, bytes[k]);
        start += 10ull * m->divisor;
    }
    if (len > 0) m->line_free = start;
}

// Run until `cycles` cycles have passed or, if `until_total` is nonzero, until the
// device has sent that many bytes in total since it was made (the byte's stop bit
// sampled). Returns the cycles run.
uint64_t ncx_device_run(Device* m, uint64_t cycles, uint64_t until_total) {
    uint64_t k = 0;
    for (; k < cycles; ++k) {
        if (until_total != 0 && m->tx_total >= until_total) break;
        m->tick();
    }
    return k;
}

// Bytes still to be put on the host's line (queued, or on the line now).
size_t ncx_device_rx_pending(const Device* m) { return m->rx_queue.size(); }

// Bytes the device sent, in total since it was made; and stop bits that were low.
uint64_t ncx_device_tx_total(const Device* m) { return m->tx_total; }
uint64_t ncx_device_tx_framing_errors(const Device* m) { return m->framing_errors; }

// Move up to `capacity` sent bytes, oldest first, into bytes[] with the cycle each one's
// start bit began in cycles[]; returns how many.
size_t ncx_device_take(Device* m, uint8_t* bytes, uint64_t* cycles, size_t capacity) {
    size_t n = 0;
    while (n < capacity && !m->tx_out.empty()) {
        cycles[n] = m->tx_out.front().first;
        bytes[n] = m->tx_out.front().second;
        m->tx_out.pop_front();
        ++n;
    }
    return n;
}

}  // extern "C"
