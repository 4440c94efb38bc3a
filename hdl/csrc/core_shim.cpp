// core_shim.cpp — the C ABI over the Verilated ncx_core models, one per geometry.
//
// ncx-hdl's Rust code (src/ffi/core.rs) calls these functions; nothing else does. The
// build script verilates ncx_core once per supported geometry (class Vncx_core_<n>_<m>)
// and generates ncx_core_models.h, which includes them and lists them in the X-macro
// NCX_NCX_CORE_MODELS(X) as X(class, log2 N, log2 M, log2 P) (P accumulate lanes).
// ncx_core_new picks the model of the requested geometry and lanes. Each model owns its own VerilatedContext. No exception crosses
// the C boundary: ncx_core_new returns null if construction throws or the geometry was
// not built, and the other functions do not throw.
//
// Clocking: one tick is one clock cycle, rising edge then falling edge; inputs set
// before a tick are sampled by its rising edge, outputs read after it are the registers
// it loaded. Cycle 0 is the first cycle after reset is released; after k ticks the
// model is in cycle k (ncx_core_status reports k). The bulk functions below drive the
// pins for a whole operation and leave every request input low when they return.

#include <cstddef>
#include <cstdint>
#include <memory>

#include "ncx_core_models.h"
#include "verilated.h"

extern "C" {

// One trace-port event, as the RTL reports it (fields as in hdl/rtl/ncx_core.sv).
struct NcxTraceEvent {
    uint64_t cycle;
    uint32_t timestep;
    uint32_t v;  // 24-bit two's complement in the low bits
    uint32_t i;  // 24-bit two's complement in the low bits
    uint16_t neuron;
    uint16_t pre;
    uint16_t spikes;
    uint8_t kind;
    uint8_t matrix;
    uint8_t spike;
    uint8_t refractory;
    uint8_t old_weight;
    uint8_t new_weight;
};

// The control outputs and the shim's cycle count.
struct NcxCoreStatus {
    uint64_t cycle;
    uint32_t timestep;
    uint32_t overruns;
    uint32_t spikes[32];  // spikes_o, bit n of the 1024 = neuron n
    uint8_t busy;
    uint8_t done;
};

}  // extern "C"

namespace {

// What every geometry's model offers, so that the C functions need no template.
struct Core {
    virtual ~Core() = default;
    virtual void tick() = 0;
    virtual void bus(bool req, bool we, uint8_t region, uint32_t offset, uint8_t data) = 0;
    virtual uint8_t rdata() const = 0;
    virtual void inputs(bool clear, bool set, uint16_t index) = 0;
    virtual void control(bool start, bool reset_state) = 0;
    virtual bool busy() const = 0;
    virtual bool trace(NcxTraceEvent* out) const = 0;
    virtual void status(NcxCoreStatus* out) const = 0;
    uint64_t cycle = 0;
};

template <class T>
struct Model final : Core {
    // Declared first so that it is destroyed last: the model refers to it.
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<T> top;

    Model() : ctx(std::make_unique<VerilatedContext>()), top(std::make_unique<T>(ctx.get(), "top")) {
        T* t = top.get();
        t->clk_i = 0;
        t->rst_ni = 0;
        bus(false, false, 0, 0, 0);
        inputs(false, false, 0);
        control(false, false);
        t->eval();
        edge();
        edge();
        t->rst_ni = 1;
        t->eval();
    }

    void edge() {
        top->clk_i = 1;
        top->eval();
        top->clk_i = 0;
        top->eval();
        ctx->timeInc(1);
    }

    void tick() override {
        edge();
        ++cycle;
    }

    void bus(bool req, bool we, uint8_t region, uint32_t offset, uint8_t data) override {
        top->bus_req_i = req;
        top->bus_we_i = we;
        top->bus_region_i = region;
        top->bus_offset_i = offset;
        top->bus_wdata_i = data;
    }

    uint8_t rdata() const override { return top->bus_rdata_o; }

    void inputs(bool clear, bool set, uint16_t index) override {
        top->in_clear_i = clear;
        top->in_set_i = set;
        top->in_index_i = index;
    }

    void control(bool start, bool reset_state) override {
        top->start_i = start;
        top->reset_state_i = reset_state;
    }

    bool busy() const override { return top->busy_o; }

    bool trace(NcxTraceEvent* e) const override {
        const T* t = top.get();
        if (!t->trace_valid_o) return false;
        e->cycle = t->trace_cycle_o;
        e->timestep = t->trace_timestep_o;
        e->v = t->trace_v_o;
        e->i = t->trace_i_o;
        e->neuron = t->trace_neuron_o;
        e->pre = t->trace_pre_o;
        e->spikes = t->trace_spikes_o;
        e->kind = t->trace_kind_o;
        e->matrix = t->trace_matrix_o;
        e->spike = t->trace_spike_o;
        e->refractory = t->trace_r_o;
        e->old_weight = t->trace_old_o;
        e->new_weight = t->trace_new_o;
        return true;
    }

    void status(NcxCoreStatus* s) const override {
        const T* t = top.get();
        s->cycle = cycle;
        s->timestep = t->timestep_o;
        s->overruns = t->overruns_o;
        for (int w = 0; w < 32; ++w) s->spikes[w] = t->spikes_o[w];
        s->busy = t->busy_o;
        s->done = t->done_o;
    }
};

Core* make(uint32_t neurons_log2, uint32_t inputs_log2, uint32_t lanes_log2) {
#define NCX_MAKE(Class, N, M, L) \
    if (neurons_log2 == (N) && inputs_log2 == (M) && lanes_log2 == (L)) return new Model<Class>();
    NCX_NCX_CORE_MODELS(NCX_MAKE)
#undef NCX_MAKE
    return nullptr;
}

}  // namespace

extern "C" {

// The builds, as (log2 N, log2 M, log2 P) triples in out[0..3*count]; returns how many
// there are (writes at most `capacity` triples).
size_t ncx_core_geometries(uint32_t* out, size_t capacity) {
    size_t count = 0;
#define NCX_LIST(Class, N, M, L)       \
    if (count < capacity) {            \
        out[3 * count] = (N);          \
        out[3 * count + 1] = (M);      \
        out[3 * count + 2] = (L);      \
    }                                  \
    ++count;
    NCX_NCX_CORE_MODELS(NCX_LIST)
#undef NCX_LIST
    return count;
}

// A core of 2^neurons_log2 neurons, 2^inputs_log2 inputs and 2^lanes_log2 accumulate
// lanes, just out of reset (held in reset for two cycles, then released; now in cycle 0,
// idle). Null if that build does not exist or construction failed.
Core* ncx_core_new(uint32_t neurons_log2, uint32_t inputs_log2, uint32_t lanes_log2) {
    try {
        return make(neurons_log2, inputs_log2, lanes_log2);
    } catch (...) {
        return nullptr;
    }
}

void ncx_core_free(Core* m) { delete m; }

// `cycles` ticks with every request input low.
void ncx_core_idle(Core* m, uint64_t cycles) {
    for (uint64_t k = 0; k < cycles; ++k) m->tick();
}

// Writes data[0..len] to `region` from byte `offset` on, one byte per tick (len ticks).
void ncx_core_write(Core* m, uint8_t region, uint32_t offset, const uint8_t* data, size_t len) {
    for (size_t k = 0; k < len; ++k) {
        m->bus(true, true, region, offset + uint32_t(k), data[k]);
        m->tick();
    }
    m->bus(false, false, 0, 0, 0);
}

// Reads len bytes of `region` from byte `offset` on into out, one request per tick (len
// ticks; the byte of the request in cycle c is taken from bus_rdata_o in cycle c+1).
void ncx_core_read(Core* m, uint8_t region, uint32_t offset, uint8_t* out, size_t len) {
    for (size_t k = 0; k < len; ++k) {
        m->bus(true, false, region, offset + uint32_t(k), 0);
        m->tick();
        out[k] = m->rdata();
    }
    m->bus(false, false, 0, 0, 0);
}

// Stages the input set of the next timestep: a clear (with the first index, if any) in
// the first tick, then one index per tick: max(1, len) ticks.
void ncx_core_stage_inputs(Core* m, const uint16_t* indices, size_t len) {
    m->inputs(true, len > 0, len > 0 ? indices[0] : 0);
    m->tick();
    for (size_t k = 1; k < len; ++k) {
        m->inputs(false, true, indices[k]);
        m->tick();
    }
    m->inputs(false, false, 0);
}

// One tick with start_i (start = 1) or reset_state_i (start = 0) high.
void ncx_core_request(Core* m, uint8_t start) {
    m->control(start != 0, start == 0);
    m->tick();
    m->control(false, false);
}

// Ticks while the core is busy, at most max_cycles, storing the trace events in
// events[0..capacity]. Returns the ticks done; *count is the number of events seen
// (more than capacity means some were not stored).
uint64_t ncx_core_run(Core* m, uint64_t max_cycles, NcxTraceEvent* events, size_t capacity, size_t* count) {
    uint64_t ticks = 0;
    size_t seen = 0;
    while (ticks < max_cycles && m->busy()) {
        m->tick();
        ++ticks;
        NcxTraceEvent e;
        if (m->trace(&e)) {
            if (seen < capacity) events[seen] = e;
            ++seen;
        }
    }
    *count = seen;
    return ticks;
}

void ncx_core_status(const Core* m, NcxCoreStatus* out) { m->status(out); }

}  // extern "C"
