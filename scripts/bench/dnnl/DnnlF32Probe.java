import org.bytedeco.dnnl.*;
import org.bytedeco.javacpp.*;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * oneDNN's float32 matmul against ND4J's gemm (OpenBLAS) on our products' shapes, in one JVM, alternating, best of
 * --reps each: issue #21 asks to use oneDNN for float32 too wherever it is faster. Operands are row-major [M,K] x
 * [K,N] into [M,N] (weights as Conv1D holds them); GFLOP/s = 2MKN / time.
 */
public class DnnlF32Probe {
    static void ok(int status, String what) {
        if (status != dnnl_success) throw new IllegalStateException(what + ": oneDNN status " + status);
    }

    static dnnl_memory_desc_t md(long r, long c) {
        dnnl_memory_desc_t m = new dnnl_memory_desc_t();
        ok(dnnl_memory_desc_init_by_strides(m, 2, new long[]{r, c}, dnnl_f32, new long[]{c, 1}), "memory desc");
        return m;
    }

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int[][] shapes = {{1024, 768, 3072}, {1024, 3072, 768}, {288, 768, 2304}, {288, 768, 768}, {288, 3072, 768},
                {288, 768, 3072}, {100, 768, 50257}, {10, 768, 50257}, {10, 768, 2304}};
        dnnl_engine engine = new dnnl_engine();
        ok(dnnl_engine_create(engine, dnnl_cpu, 0), "engine");
        dnnl_stream stream = new dnnl_stream();
        ok(dnnl_stream_create(stream, engine, dnnl_stream_default_flags), "stream");
        System.out.println("| M x K x N | OpenBLAS (ND4J gemm) GFLOP/s | oneDNN f32 matmul GFLOP/s | oneDNN impl |");
        System.out.println("|---|---|---|---|");
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            dnnl_matmul_desc_t desc = new dnnl_matmul_desc_t();
            ok(dnnl_matmul_desc_init(desc, md(m, k), md(k, n), null, md(m, n)), "matmul desc");
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            ok(dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(desc), null, engine, null), "primitive desc");
            PointerPointer<BytePointer> impl = new PointerPointer<>(1);
            ok(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, impl), "impl query");
            dnnl_primitive prim = new dnnl_primitive();
            ok(dnnl_primitive_create(prim, pd), "primitive");
            INDArray a = Nd4j.rand(DataType.FLOAT, m, k), b = Nd4j.rand(DataType.FLOAT, k, n), c = Nd4j.zeros(DataType.FLOAT, m, n);
            INDArray c2 = Nd4j.zeros(DataType.FLOAT, m, n);
            // oneDNN reads and writes ND4J's own buffers, so both run on the same memory.
            dnnl_memory ma = new dnnl_memory(), mb = new dnnl_memory(), mc = new dnnl_memory();
            ok(dnnl_memory_create(ma, md(m, k), engine, a.data().pointer()), "memory");
            ok(dnnl_memory_create(mb, md(k, n), engine, b.data().pointer()), "memory");
            ok(dnnl_memory_create(mc, md(m, n), engine, c2.data().pointer()), "memory");
            dnnl_exec_arg_t exec = new dnnl_exec_arg_t(3);
            exec.position(0).arg(DNNL_ARG_SRC).memory(ma);
            exec.position(1).arg(DNNL_ARG_WEIGHTS).memory(mb);
            exec.position(2).arg(DNNL_ARG_DST).memory(mc);
            exec.position(0);
            double blas = Double.MAX_VALUE, dnnl = Double.MAX_VALUE;
            for (int i = 0; i < reps + 2; i++) {
                long t0 = System.nanoTime();
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
                long t1 = System.nanoTime();
                ok(dnnl_primitive_execute(prim, stream, 3, exec), "execute");
                ok(dnnl_stream_wait(stream), "wait");
                long t2 = System.nanoTime();
                if (i >= 2) { blas = Math.min(blas, (t1 - t0) / 1e9); dnnl = Math.min(dnnl, (t2 - t1) / 1e9); }
            }
            double maxDiff = c.sub(c2).amaxNumber().doubleValue();
            double flop = 2.0 * m * k * n / 1e9;
            System.out.printf("| %d x %d x %d | %.0f | %.0f | %s (max |diff| %.1e) |%n", m, k, n, flop / blas, flop / dnnl,
                    impl.getString(0), maxDiff);
        }
        System.out.println("effective ISA 0x" + Integer.toHexString(dnnl_get_effective_cpu_isa()));
    }
}
