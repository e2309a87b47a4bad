package dev.lora.model;

import dev.lora.model.kernels.Kernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Keys and values of every layer for the positions decoded so far, [B, H, capacity, D] each.
 *
 * <p>Rows may be left-padded so prompts of different lengths share one cache: row b's first
 * {@code leftPad[b]} slots hold padding that no real token attends to, and its real tokens take
 * positions 0, 1, ... from slot {@code leftPad[b]} on. Left padding keeps every row's next token in
 * the same slot, so decoding appends one column for all rows at once.
 */
public final class KvCache {
    private final Layer[] layers;
    private int[] leftPad;
    /** A vacated store that the next reordered tensor is copied into (see {@link Layer}). */
    private INDArray spare;
    private final Kernels kernels;

    KvCache(int nLayer, int[] leftPad, int nHead, int capacity, int headDim, DataType type, Kernels kernels) {
        this.leftPad = leftPad.clone();
        this.kernels = kernels;
        layers = new Layer[nLayer];
        for (int i = 0; i < nLayer; i++) layers[i] = new Layer(leftPad.length, nHead, capacity, headDim, type);
    }

    Layer layer(int i) {
        return layers[i];
    }

    /** Number of positions already cached (the position of the next token). */
    public int length() {
        return layers[0].length;
    }

    public int batch() {
        return (int) layers[0].k.size(0);
    }

    /** Number of padding slots before row {@code row}'s first real token. */
    public int leftPad(int row) {
        return leftPad[row];
    }

    /**
     * Keeps batch rows {@code rows} (in that order, repeats allowed; rows left out are dropped): beam
     * search's re-ranking of hypotheses. Each kept row keeps its padding.
     */
    public void reorder(int[] rows) {
        for (Layer l : layers) spare = l.reorder(rows, spare, kernels);
        int[] pads = new int[rows.length];
        for (int i = 0; i < rows.length; i++) pads[i] = leftPad[rows[i]];
        leftPad = pads;
    }

    /** The smallest padding of any row: the row whose tokens reach the highest position. */
    int minLeftPad() {
        int min = Integer.MAX_VALUE;
        for (int p : leftPad) min = Math.min(min, p);
        return min;
    }

    /**
     * The additive attention mask for {@code time} new tokens after the cached slots, tiled over
     * {@code nHead} heads: [B, H, time * (length + time)], 0 where a query may look, -inf elsewhere. A real
     * token sees the real tokens of its row up to itself. A padding slot sees only itself: it needs
     * some finite score, else its softmax row is NaN, and NaN keys and values would reach the real
     * tokens of later layers through 0 * NaN.
     */
    INDArray attentionMask(int time, int nHead, DataType type) {
        int batch = leftPad.length, start = length(), cols = start + time, block = time * cols;
        double[] m = new double[batch * nHead * block];
        for (int b = 0; b < batch; b++) {
            int base = b * nHead * block;
            for (int r = 0; r < time; r++) {
                int query = start + r;
                for (int j = 0; j < cols; j++) {
                    boolean visible = j == query || (j < query && j >= leftPad[b] && query >= leftPad[b]);
                    if (!visible) m[base + r * cols + j] = Double.NEGATIVE_INFINITY;
                }
            }
            for (int h = 1; h < nHead; h++) System.arraycopy(m, base, m, base + h * block, block);
        }
        return Nd4j.createFromArray(m).castTo(type).reshape(batch, nHead, block);
    }

    /**
     * One layer's keys and values, [B, H, capacity, D] each: the first B rows of a store that may hold more
     * rows. Reordering copies a tensor into a spare store and leaves the tensor's old store as the spare for the
     * next one: beam search reorders every step, and allocating a fresh cache each time cost more than the step's
     * forward pass. All of a cache's stores have one shape, so one spare serves every layer: the cache holds one
     * store more than its tensors, not twice as many (GPT-2, 10 contexts of 10 beams: 0.8 GB instead of 1.6 GB).
     */
    static final class Layer {
        private INDArray kStore;
        private INDArray vStore;
        private INDArray k;
        private INDArray v;
        private int length;

        Layer(int batch, int nHead, int capacity, int headDim, DataType type) {
            k = kStore = Nd4j.zeros(type, batch, nHead, capacity, headDim);
            v = vStore = Nd4j.zeros(type, batch, nHead, capacity, headDim);
        }

        int length() {
            return length;
        }

        void append(INDArray newK, INDArray newV) {
            long n = newK.size(2);
            if (length + n > k.size(2)) {
                throw new IllegalStateException("key/value cache full: " + (length + n) + " > " + k.size(2) + " positions");
            }
            INDArrayIndex[] at = {NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(length, length + n), NDArrayIndex.all()};
            k.get(at).assign(newK);
            v.get(at).assign(newV);
            length += (int) n;
        }

        INDArray keys() {
            return k.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, length), NDArrayIndex.all());
        }

        INDArray values() {
            return v.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, length), NDArrayIndex.all());
        }

        /** Reorders keys and values through {@code spare} (null: none yet); returns the store left spare. */
        private INDArray reorder(int[] rows, INDArray spare, Kernels kernels) {
            INDArray newK = copyRows(k, rows, spare, kernels);
            spare = swapOut(spare, newK, kStore);
            kStore = newK;
            k = leadingRows(kStore, rows.length);
            INDArray newV = copyRows(v, rows, spare, kernels);
            spare = swapOut(spare, newV, vStore);
            vStore = newV;
            v = leadingRows(vStore, rows.length);
            return spare;
        }

        /** The next spare: the store just vacated; a spare that was too small to be used is freed now, not at a GC. */
        private static INDArray swapOut(INDArray spare, INDArray used, INDArray vacated) {
            if (spare != null && spare != used && spare.closeable()) spare.close();
            return vacated;
        }

        /**
         * A store whose first rows are rows {@code rows} of {@code from}: {@code spare} when it has room, else a
         * new one. The kernels need copy only the {@code length} filled slots; the rest keeps stale values that
         * {@link #append} overwrites before anything reads them.
         */
        private INDArray copyRows(INDArray from, int[] rows, INDArray spare, Kernels kernels) {
            long[] shape = from.shape().clone();
            shape[0] = rows.length;
            long width = from.dataType().width();
            boolean reuse = spare != null && spare.size(0) >= rows.length;
            long bytes = Math.max(from.data().length(), reuse ? spare.length() : from.length() / from.size(0) * rows.length) * width;
            if (bytes > Integer.MAX_VALUE) {
                // Beyond what one NIO buffer addresses: gather whole rows with ND4J instead.
                INDArray flat = from.reshape(from.size(0), from.length() / from.size(0));
                return Nd4j.pullRows(flat, 1, rows).reshape(shape);
            }
            INDArray store = reuse ? spare : Nd4j.createUninitialized(from.dataType(), shape, 'c');
            kernels.copyCacheRows(from, rows, length, store);
            return store;
        }

        private static INDArray leadingRows(INDArray store, int rows) {
            if (store.size(0) == rows) return store;
            return store.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
        }
    }
}
