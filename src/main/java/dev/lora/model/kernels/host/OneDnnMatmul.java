package dev.lora.model.kernels.host;

import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_matmul_desc_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_RUNTIME_DIM_VAL;
import static org.bytedeco.dnnl.global.dnnl.dnnl_bf16;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_matmul_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_init_by_strides;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_append_sum;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_set_output_scales;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_set_post_ops;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_impl_info_str;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_wait;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;

/**
 * c = alpha op(a) op(b) + beta c by oneDNN's matmul primitive, on the operands as they lie: a transpose or a block of
 * columns is only a pair of strides in the memory descriptor, alpha is the primitive's output scale and beta a sum
 * post-op, so nothing is copied and c is written once. a and b are both float32 or both bfloat16, c is float32
 * (oneDNN 2.5 has no mixed-type float matmul). Building a primitive costs far more than a small product, so each is
 * built once per {@link Key} and kept; a layout or type oneDNN cannot do here is remembered as such, and the caller
 * takes another path. One lock per instance (each model has its own kernels): a primitive leaves the cache, and is
 * destroyed, only while no product runs.
 *
 * <p>The row count M changes with every padding-free batch, so a product whose op(a) and c have rows of fixed stride
 * and whose weight has at most {@value #ANY_MAX_FIXED} elements is built with M given at run time: one
 * primitive per weight and layout for the whole run. oneDNN 2.5 runs those as {@code gemm:jit}, which on AVX512_BF16
 * (a Zen 5, 2 threads) multiplied GPT-2's projections at 610-790 GFLOP/s against 550-720 for the row count's own
 * {@code brg:avx512_core_bf16} primitive (M 288 and 1024; weights from 768 x 768 to GPT-2 XL's 1600 x 6400). The LM
 * head is the exception: at 160 rows and more {@code gemm:jit} fell to 160-360 GFLOP/s where {@code brg} kept 590-660
 * (M 160-512 against GPT-2's 50257 x 768 embedding), so a weight that large gets a primitive per row count.
 * Likewise a^T b summed over the tokens (a LoRA factor's gradient, float32) takes the inner dimension at run time:
 * a primitive per token count cost ~0.4 ms to build and ~76 KB to keep for every batch length a run meets, where
 * the runtime one is built once and keeps ~9 KB (a Zen 5, the r4 factors of GPT-2 small).
 */
final class OneDnnMatmul {
    /**
     * The primitives kept, least recently used first out. The many are the LM head's, one per row count: each keeps
     * ~0.26 MB and costs 1-4 ms to build (a Zen 5), so a run meeting hundreds of row counts rebuilds a few rather
     * than keeping them all (1024 of them would hold ~270 MB).
     */
    private static final int CACHED = 64;
    /**
     * A weight (or, for a^T b, a result) of up to this many elements gets a primitive for any row count (inner
     * extent): 2^24, where GPT-2 XL's c_fc has 1.0e7 elements and GPT-2's embedding 3.9e7.
     */
    static final long ANY_MAX_FIXED = 1L << 24;
    /** {@link Key#m} or {@link Key#k} of a primitive built for any extent of that dimension. */
    static final long ANY = -1;

    private final OneDnn dnnl;
    private final Map<Key, Optional<Built>> built = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Optional<Built>> eldest) {
            if (size() <= CACHED) return false;
            eldest.getValue().ifPresent(b -> dnnl_primitive_destroy(b.primitive()));
            return true;
        }
    };
    private final long anyMaxFixed;
    private int primitivesBuilt;

    OneDnnMatmul(OneDnn dnnl) {
        this(dnnl, ANY_MAX_FIXED);
    }

    /** With another bound on the weights whose primitive takes any row count (tests). */
    OneDnnMatmul(OneDnn dnnl, long anyMaxFixed) {
        this.dnnl = dnnl;
        this.anyMaxFixed = anyMaxFixed;
    }

    /**
     * One product's shape, strides (of op(a) [m, k], op(b) [k, n] and c [m, n], rows then columns), operand type
     * and scaling: what a primitive is built for. m is {@link #ANY} for a primitive that takes the row count at run
     * time, k for one that takes the inner dimension at run time (a weight gradient's sum over tokens).
     */
    record Key(long m, long n, long k, long aRow, long aCol, long bRow, long bCol, long cRow, long cCol, boolean bf16,
               float alpha, float beta) {
        static Key of(double alpha, INDArray a, boolean transA, INDArray b, boolean transB, double beta, INDArray c,
                      long anyMaxFixed) {
            long m = c.size(0), n = c.size(1), k = transA ? a.size(0) : a.size(1);
            long[] sa = strides(a, transA, m, k), sb = strides(b, transB, k, n), sc = strides(c, false, m, n);
            // Rows of a and c as stored: their strides do not depend on m, so one primitive serves every m.
            boolean anyRows = !transA && a.stride(1) == 1 && c.stride(1) == 1 && k * n <= anyMaxFixed;
            // a^T b with a and b stored as rows over k: no stride depends on k, so one primitive serves every k.
            boolean anyInner = transA && !transB && a.stride(1) == 1 && b.stride(1) == 1 && m * n <= anyMaxFixed;
            return new Key(anyRows ? ANY : m, n, anyInner ? ANY : k, sa[0], sa[1], sb[0], sb[1], sc[0], sc[1],
                    a.dataType() == DataType.BFLOAT16, (float) alpha, (float) beta);
        }

        /** op(x)'s strides as [rows, cols]; a dimension of extent 1 gets the stride a dense row-major array gives it. */
        private static long[] strides(INDArray x, boolean trans, long rows, long cols) {
            long r = trans ? x.stride(1) : x.stride(0), c = trans ? x.stride(0) : x.stride(1);
            return new long[]{rows == 1 ? Math.max(1, cols * Math.max(1, c)) : r, cols == 1 ? 1 : c};
        }

        /** A dimension as oneDNN takes it when the primitive is built: runtime or fixed. */
        static long built(long dim) {
            return dim == ANY ? DNNL_RUNTIME_DIM_VAL : dim;
        }
    }

    /** A primitive and the implementation oneDNN chose for it ("brg:avx512_core_bf16", "gemm:jit"). */
    record Built(dnnl_primitive primitive, String impl) {
    }

    /** Whether a and b are float32, or both bfloat16, into float32 c: the types this class multiplies. */
    static boolean types(INDArray a, INDArray b, INDArray c) {
        return c.dataType() == DataType.FLOAT && a.dataType() == b.dataType()
                && (a.dataType() == DataType.FLOAT || a.dataType() == DataType.BFLOAT16);
    }

    /** Computes the product and returns true, or returns false (nothing written) when oneDNN has no primitive for it. */
    synchronized boolean gemm(double alpha, INDArray a, boolean transA, INDArray b, boolean transB, double beta, INDArray c) {
        if (!types(a, b, c)) throw new IllegalArgumentException("oneDNN matmul takes float32 or bfloat16 operands into"
                + " float32, got " + a.dataType() + " x " + b.dataType() + " -> " + c.dataType());
        Key key = Key.of(alpha, a, transA, b, transB, beta, c, anyMaxFixed);
        Optional<Built> p = primitive(key);
        if (p.isEmpty()) return false;
        HostLoops.onHost(a);
        HostLoops.onHost(b);
        HostLoops.onHost(c);
        int type = key.bf16() ? dnnl_bf16 : dnnl_f32;
        long m = c.size(0), k = transA ? a.size(0) : a.size(1);
        dnnl_memory ma = memory(desc(m, k, key.aRow(), key.aCol(), type), a);
        dnnl_memory mb = memory(desc(k, key.n(), key.bRow(), key.bCol(), type), b);
        dnnl_memory mc = memory(desc(m, key.n(), key.cRow(), key.cCol(), dnnl_f32), c);
        try {
            dnnl_exec_arg_t args = new dnnl_exec_arg_t(3);
            args.position(0).arg(DNNL_ARG_SRC).memory(ma);
            args.position(1).arg(DNNL_ARG_WEIGHTS).memory(mb);
            args.position(2).arg(DNNL_ARG_DST).memory(mc);
            OneDnn.check(dnnl_primitive_execute(p.get().primitive(), dnnl.stream(), 3, args.position(0)), "matmul");
            OneDnn.check(dnnl_stream_wait(dnnl.stream()), "stream wait");
        } finally {
            dnnl_memory_destroy(ma);
            dnnl_memory_destroy(mb);
            dnnl_memory_destroy(mc);
        }
        HostLoops.written(c);
        return true;
    }

    /**
     * The implementations of a small dense bfloat16 product built for any row count (the projections') and for one
     * row count (the LM head's), as "any rows / fixed rows", or empty when this CPU has none (below AVX-512).
     */
    synchronized Optional<String> bf16Impl() {
        Optional<Built> any = primitive(new Key(ANY, 32, 32, 32, 1, 32, 1, 32, 1, true, 1f, 0f));
        Optional<Built> fixed = primitive(new Key(32, 32, 32, 32, 1, 32, 1, 32, 1, true, 1f, 0f));
        return any.isEmpty() || fixed.isEmpty() ? Optional.empty()
                : Optional.of(any.get().impl() + " (any row count) / " + fixed.get().impl() + " (one row count)");
    }

    /** How many primitives this instance has built (each key's first product builds one; later ones reuse it). */
    synchronized int primitivesBuilt() {
        return primitivesBuilt;
    }

    private Optional<Built> primitive(Key key) {
        Optional<Built> p = built.get(key);
        if (p == null) {
            p = build(key);
            built.put(key, p);
        }
        return p;
    }

    private Optional<Built> build(Key key) {
        int type = key.bf16() ? dnnl_bf16 : dnnl_f32;
        dnnl_matmul_desc_t op = new dnnl_matmul_desc_t();
        long m = Key.built(key.m()), k = Key.built(key.k());
        OneDnn.check(dnnl_matmul_desc_init(op, desc(m, k, key.aRow(), key.aCol(), type),
                desc(k, key.n(), key.bRow(), key.bCol(), type), null,
                desc(m, key.n(), key.cRow(), key.cCol(), dnnl_f32)), "matmul descriptor");
        dnnl_primitive_attr attr = new dnnl_primitive_attr();
        OneDnn.check(dnnl_primitive_attr_create(attr), "attributes");
        dnnl_post_ops post = null;
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        try {
            if (key.alpha() != 1f) {
                OneDnn.check(dnnl_primitive_attr_set_output_scales(attr, 1, 0, new float[]{key.alpha()}), "output scale");
            }
            if (key.beta() != 0f) {
                post = new dnnl_post_ops();
                OneDnn.check(dnnl_post_ops_create(post), "post-ops");
                OneDnn.check(dnnl_post_ops_append_sum(post, key.beta()), "sum post-op");
                OneDnn.check(dnnl_primitive_attr_set_post_ops(attr, post), "post-ops");
            }
            // Unimplemented (no kernel for this ISA, type or layout) is an answer, not an error.
            if (dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(op), attr, dnnl.engine, null) != dnnl_success) {
                return Optional.empty();
            }
            PointerPointer<BytePointer> impl = new PointerPointer<>(1);
            OneDnn.check(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, impl), "implementation query");
            String name = impl.getString(0);
            dnnl_primitive primitive = new dnnl_primitive();
            OneDnn.check(dnnl_primitive_create(primitive, pd), "primitive");
            primitivesBuilt++;
            return Optional.of(new Built(primitive, name));
        } finally {
            if (!pd.isNull()) dnnl_primitive_desc_destroy(pd);
            if (post != null) dnnl_post_ops_destroy(post);
            dnnl_primitive_attr_destroy(attr);
        }
    }

    private static dnnl_memory_desc_t desc(long rows, long cols, long rowStride, long colStride, int type) {
        dnnl_memory_desc_t md = new dnnl_memory_desc_t();
        OneDnn.check(dnnl_memory_desc_init_by_strides(md, 2, new long[]{rows, cols}, type,
                new long[]{rowStride, colStride}), "memory descriptor");
        return md;
    }

    /** x's memory from its first element: a view's data() starts at its buffer's offset, the rest is added here. */
    private dnnl_memory memory(dnnl_memory_desc_t md, INDArray x) {
        long elements = x.offset() - x.data().offset();
        BytePointer at = new BytePointer(x.data().addressPointer()).position(elements * x.dataType().width());
        dnnl_memory m = new dnnl_memory();
        OneDnn.check(dnnl_memory_create(m, md, dnnl.engine, at), "memory");
        return m;
    }
}
