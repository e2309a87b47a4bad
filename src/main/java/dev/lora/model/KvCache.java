package dev.lora.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Keys and values of every layer for the positions decoded so far, [B, H, capacity, D] each. */
public final class KvCache {
    private final Layer[] layers;

    KvCache(int nLayer, int batch, int nHead, int capacity, int headDim, DataType type) {
        layers = new Layer[nLayer];
        for (int i = 0; i < nLayer; i++) layers[i] = new Layer(batch, nHead, capacity, headDim, type);
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

    /** Keeps batch rows {@code rows} (in that order, repeats allowed): beam search's re-ranking of hypotheses. */
    public void reorder(int[] rows) {
        for (Layer l : layers) l.reorder(rows);
    }

    static final class Layer {
        private INDArray k;
        private INDArray v;
        private int length;

        Layer(int batch, int nHead, int capacity, int headDim, DataType type) {
            k = Nd4j.zeros(type, batch, nHead, capacity, headDim);
            v = Nd4j.zeros(type, batch, nHead, capacity, headDim);
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

        private void reorder(int[] rows) {
            k = pick(k, rows);
            v = pick(v, rows);
        }

        private static INDArray pick(INDArray a, int[] rows) {
            long[] shape = a.shape();
            INDArray flat = a.reshape(shape[0], a.length() / shape[0]);
            shape[0] = rows.length;
            return Nd4j.pullRows(flat, 1, rows).reshape(shape);
        }
    }
}
