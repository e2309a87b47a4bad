package dev.lora.model.kernels.host;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.dnnl.dnnl_version_t;

import java.util.Optional;

import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_engine_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_get_effective_cpu_isa;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_default_flags;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;
import static org.bytedeco.dnnl.global.dnnl.dnnl_version;

/**
 * oneDNN's CPU engine (bytedeco's build of oneDNN 2.5.2, OpenMP threads) and one stream per calling thread, as
 * oneDNN asks of threads that execute primitives at once. Which instruction set oneDNN dispatches to is its own
 * choice: AVX512_BF16 and AMX where the CPU has them (2.5 dispatches AMX by default and asks Linux for the tile
 * state itself, so nothing is set here; {@code DNNL_MAX_CPU_ISA} could only lower it), bfloat16 emulated on plain
 * AVX-512, and no bfloat16 matmul at all below AVX-512.
 */
final class OneDnn {
    final dnnl_engine engine;
    private final ThreadLocal<dnnl_stream> streams;

    private OneDnn(dnnl_engine engine) {
        this.engine = engine;
        this.streams = ThreadLocal.withInitial(() -> {
            dnnl_stream s = new dnnl_stream();
            check(dnnl_stream_create(s, engine, dnnl_stream_default_flags), "stream");
            return s;
        });
    }

    /** The engine, or empty with the reason when oneDNN's native library does not load (the CUDA build has none). */
    static Result open() {
        try {
            dnnl_engine engine = new dnnl_engine();
            check(dnnl_engine_create(engine, dnnl_cpu, 0), "CPU engine");
            return new Result(Optional.of(new OneDnn(engine)), "");
        } catch (LinkageError | IllegalStateException e) {
            return new Result(Optional.empty(), "oneDNN does not load here (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")");
        }
    }

    record Result(Optional<OneDnn> engine, String whyNot) {
    }

    dnnl_stream stream() {
        return streams.get();
    }

    /** "2.5.2". */
    static String version() {
        dnnl_version_t v = dnnl_version();
        return v.major() + "." + v.minor() + "." + v.patch();
    }

    /** The instruction set oneDNN dispatches to on this CPU, by oneDNN's name for it. */
    static String isa() {
        return isaName(dnnl_get_effective_cpu_isa());
    }

    /** oneDNN 2.5's dnnl_cpu_isa_t values (dnnl_types.h), by the names its verbose mode prints. */
    static String isaName(int isa) {
        return switch (isa) {
            case 0x1 -> "sse41";
            case 0x3 -> "avx";
            case 0x7 -> "avx2";
            case 0x407 -> "avx2_vnni";
            case 0xf -> "avx512_mic";
            case 0x1f -> "avx512_mic_4ops";
            case 0x27 -> "avx512_core";
            case 0x67 -> "avx512_core_vnni";
            case 0xe7 -> "avx512_core_bf16";
            case 0x3e7 -> "avx512_core_amx";
            default -> "isa 0x" + Integer.toHexString(isa);
        };
    }

    static void check(int status, String what) {
        if (status != dnnl_success) throw new IllegalStateException("oneDNN " + what + " failed: status " + status);
    }
}
