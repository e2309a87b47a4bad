package dev.lora.model.kernels.host;

import dev.lora.model.kernels.Dense;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * Fused loops over the memory of dense ND4J arrays, for the elementwise and per-row work that ND4J would do
 * as several passes (one native op per arithmetic step, each reading and writing the whole tensor). The loops
 * run in Java on the arrays' own buffers, split across the common fork-join pool. Arrays are made on the
 * calling thread before a loop starts, never inside a loop body: ND4J workspaces belong to the thread.
 * Only the host kernels reach array memory, through here.
 */
final class HostLoops {
    /** Below this many elements a loop runs on the calling thread only. */
    private static final int PARALLEL_MIN = 1 << 15;

    interface Range {
        void run(int from, int to);
    }

    private HostLoops() {
    }

    /** Runs body over [0, n) in contiguous pieces, in parallel when n is large enough to pay for it. */
    static void forRange(long n, Range body) {
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("loop of " + n + " elements is too long");
        int size = (int) n;
        int parts = size < PARALLEL_MIN ? 1 : Math.max(1, Runtime.getRuntime().availableProcessors()) * 4;
        if (parts == 1) {
            body.run(0, size);
            return;
        }
        IntStream.range(0, parts).parallel().forEach(p -> body.run((int) ((long) size * p / parts),
                (int) ((long) size * (p + 1) / parts)));
    }

    /** Runs body over rows [0, rows), in parallel when rows * width is large. */
    static void forRows(long rows, long width, Range body) {
        if (rows * width < PARALLEL_MIN) {
            body.run(0, (int) rows);
            return;
        }
        int parts = (int) Math.min(rows, Math.max(1, Runtime.getRuntime().availableProcessors()) * 4L);
        IntStream.range(0, parts).parallel().forEach(p -> body.run((int) (rows * p / parts), (int) (rows * (p + 1) / parts)));
    }

    /**
     * y[i, :] += v for every row, in place (y dense row-major): one Java pass, where a native broadcast op
     * costs more to launch than the work itself on the few rows of a decoding step.
     */
    static void addRowVector(INDArray y, INDArray v) {
        int rows = (int) y.size(0), width = (int) y.size(1);
        Dense.require(y);
        if (Dense.isDouble(y)) {
            DoubleBuffer yb = doubles(y);
            double[] add = Dense.of(v).data().asDouble();
            forRows(rows, width, (from, to) -> {
                for (int i = from; i < to; i++) for (int j = 0; j < width; j++) yb.put(i * width + j, yb.get(i * width + j) + add[j]);
            });
        } else {
            FloatBuffer yb = floats(y);
            float[] add = Dense.of(v).data().asFloat();
            forRows(rows, width, (from, to) -> {
                float[] row = new float[width];
                for (int i = from; i < to; i++) {
                    yb.get(i * width, row, 0, width);
                    for (int j = 0; j < width; j++) row[j] += add[j];
                    yb.put(i * width, row, 0, width);
                }
            });
        }
        written(y);
    }

    /**
     * dst[rows[i], :] += src[i, :] in order, on the calling thread: a few hundred rows, where ND4J's scatter-add took
     * 5% of a bfloat16 training step on real E2E batches.
     */
    static void addRows(INDArray dst, int[] rows, INDArray src) {
        Dense.require(dst);
        INDArray from = Dense.of(src);
        int width = (int) dst.size(1);
        if (from.size(0) != rows.length || from.size(1) != width) {
            throw new IllegalArgumentException("rows " + from.shapeInfoToString() + " for " + rows.length + " rows of width " + width);
        }
        Doubles d = asDoubles(dst), s = asDoubles(from);
        double[] a = new double[width], b = new double[width];
        for (int i = 0; i < rows.length; i++) {
            // Each sum is of two values of the arrays' type, so rounding it back to float32 is float32's own addition.
            d.load(rows[i] * width, a, width);
            s.load(i * width, b, width);
            for (int j = 0; j < width; j++) a[j] += b[j];
            d.store(rows[i] * width, a, width);
        }
        written(dst);
    }

    /** Reads and writes runs of a dense float32 or float64 array as doubles, so one kernel serves both. */
    interface Doubles {
        void load(int offset, double[] dst, int n);

        void store(int offset, double[] src, int n);
    }

    static Doubles asDoubles(INDArray dense) {
        Dense.requireFloating(dense);
        onHost(dense);
        if (Dense.isDouble(dense)) {
            DoubleBuffer b = doubles(dense);
            return new Doubles() {
                public void load(int offset, double[] dst, int n) {
                    b.get(offset, dst, 0, n);
                }

                public void store(int offset, double[] src, int n) {
                    b.put(offset, src, 0, n);
                }
            };
        }
        FloatBuffer b = floats(dense);
        return new Doubles() {
            public void load(int offset, double[] dst, int n) {
                for (int i = 0; i < n; i++) dst[i] = b.get(offset + i);
            }

            public void store(int offset, double[] src, int n) {
                for (int i = 0; i < n; i++) b.put(offset + i, (float) src[i]);
            }
        };
    }

    static FloatBuffer floats(INDArray dense) {
        onHost(dense);
        return dense.data().asNioFloat();
    }

    static DoubleBuffer doubles(INDArray dense) {
        onHost(dense);
        return dense.data().asNioDouble();
    }

    /**
     * The loops work on host memory. On the CPU backend that is the only copy and this does nothing; elsewhere it
     * would sync the host copy (the host kernels refuse any other backend, see Kernels#named).
     */
    static void onHost(INDArray a) {
        Nd4j.getAffinityManager().ensureLocation(a, AffinityManager.Location.HOST);
    }

    /** Call after a loop has written these arrays. */
    static void written(INDArray... arrays) {
        for (INDArray a : arrays) Nd4j.getAffinityManager().tagLocation(a, AffinityManager.Location.HOST);
    }

    /**
     * A matrix's rows as double[] (float32 values widened, which is exact), in one pass over its buffer: ND4J's
     * castTo(DOUBLE).toDoubleMatrix() took 17.8 ms for 28 rows of GPT-2's 50,257 logits, per decoding step.
     */
    static double[][] toDoubleRows(INDArray matrix, double[][] out) {
        INDArray m = Dense.of(matrix);
        int rows = (int) m.size(0), cols = (int) m.size(1);
        if (Dense.isDouble(m)) {
            DoubleBuffer b = doubles(m);
            for (int r = 0; r < rows; r++) b.get(r * cols, out[r], 0, cols);
            return out;
        }
        FloatBuffer b = floats(m);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            b.get(r * cols, row, 0, cols);
            double[] o = out[r];
            for (int c = 0; c < cols; c++) o[c] = row[c];
        }
        return out;
    }
}
