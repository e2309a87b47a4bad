package dev.lora.model;

import dev.lora.model.kernels.Dense;
import dev.lora.model.kernels.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

/**
 * Causal multi-head self-attention: fused c_attn (q, k, v), softmax(q k^T / sqrt(d)) v per head,
 * then c_proj. Rows are tokens, [N, C], sequence after sequence ({@link Sequences}); heads work on
 * [n, H, L, D] views of a run of n sequences of length L. Cached decoding works on [B, H, T, D].
 */
public final class Attention {
    private final Linear cAttn;
    private final Linear cProj;
    private final int nHead;
    private final Kernels kernels;
    // What backward needs of the last kept forward: the layout, and per run q, k, v and the probabilities.
    private Sequences seqs;
    private INDArray[][] kept;

    public Attention(Linear cAttn, Linear cProj, int nHead, Kernels kernels) {
        this.cAttn = cAttn;
        this.cProj = cProj;
        this.nHead = nHead;
        this.kernels = kernels;
    }

    /**
     * Causal attention within each sequence of {@code seqs}. Consecutive sequences of one length form a run whose
     * q, k and v are [n, H, L, D] strided views of c_attn's output rows, attended with one batched product, and
     * written straight into the merged rows: no sequence is copied, and a padding-free batch spends nothing on
     * padding.
     */
    public INDArray forward(INDArray x, Sequences seqs, Pass pass) {
        boolean keep = pass.keep();
        INDArray qkv = Dense.of(cAttn.forward(x, pass));
        long c = qkv.size(1) / 3, d = c / nHead;
        INDArray merged = Nd4j.createUninitialized(qkv.dataType(), new long[]{seqs.rows(), c}, 'c');
        List<int[]> runs = seqs.runs();
        INDArray[][] kept = keep ? new INDArray[runs.size()][] : null;
        for (int r = 0; r < runs.size(); r++) {
            int n = runs.get(r)[1], length = seqs.length(runs.get(r)[0]);
            INDArray[] heads = heads(block(qkv, seqs, runs.get(r)), n, length);
            INDArray probs = kernels.batched(heads[0], false, heads[1], true);
            kernels.causalSoftmax(probs, 1.0 / Math.sqrt(d));
            kernels.batchedInto(probs, false, heads[2], false, block(merged, seqs, runs.get(r)).reshape(n, length, nHead, d).permute(0, 2, 1, 3));
            if (keep) kept[r] = new INDArray[]{heads[0], heads[1], heads[2], probs};
        }
        if (keep) {
            this.seqs = seqs;
            this.kept = kept;
        }
        return cProj.forward(merged, pass);
    }

    /**
     * Attends the new tokens {@code x} to themselves and to the cached keys/values of earlier slots;
     * {@code mask} is the cache's additive mask for these tokens, [B, H, time * slots] (see
     * {@link KvCache#attentionMask}), shared by all layers.
     */
    public INDArray forwardCached(INDArray x, int batch, int time, KvCache.Layer cache, INDArray mask) {
        INDArray[] heads = heads(Dense.of(cAttn.forward(x, Pass.INFERENCE)), batch, time);
        cache.append(heads[1], heads[2]);
        INDArray keys = cache.keys();
        INDArray scores = kernels.batched(heads[0], false, keys, true).muli(1.0 / Math.sqrt(heads[0].size(3)));
        long[] shape = scores.shape();
        INDArray masked = scores.reshape(mask.shape()).addi(mask).reshape(shape[0] * shape[1] * shape[2], shape[3]);
        kernels.softmaxRows(masked);
        INDArray probs = masked.reshape(shape);
        return cProj.forward(attendValues(probs, cache.values(), batch, time), Pass.INFERENCE);
    }

    public INDArray backward(INDArray dOut) {
        INDArray dRows = Dense.of(cProj.backward(dOut));
        long c = dRows.size(1), d = c / nHead;
        // [N, 3C] rows of a run are [n, L, 3, H, D]: each head gradient is written straight to its place.
        INDArray dQkv = Nd4j.createUninitialized(dRows.dataType(), new long[]{seqs.rows(), 3 * c}, 'c');
        List<int[]> runs = seqs.runs();
        for (int r = 0; r < runs.size(); r++) {
            int n = runs.get(r)[1], length = seqs.length(runs.get(r)[0]);
            INDArray q = kept[r][0], k = kept[r][1], v = kept[r][2], p = kept[r][3];
            INDArray dy = block(dRows, seqs, runs.get(r)).reshape(n, length, nHead, d).permute(0, 2, 1, 3);
            INDArray byPart = block(dQkv, seqs, runs.get(r)).reshape(n, length, 3, nHead, d).permute(2, 0, 3, 1, 4);
            kernels.batchedInto(p, true, dy, false, byPart.get(NDArrayIndex.point(2)));
            INDArray ds = kernels.batched(dy, false, v, true);
            kernels.causalSoftmaxBackward(ds, p, 1.0 / Math.sqrt(d));
            kernels.batchedInto(ds, false, k, false, byPart.get(NDArrayIndex.point(0)));
            kernels.batchedInto(ds, true, q, false, byPart.get(NDArrayIndex.point(1)));
        }
        kept = null;
        return cAttn.backward(dQkv);
    }

    /** The rows of a run of sequences (first, count), a contiguous row range of a dense [N, *] array: a view. */
    private static INDArray block(INDArray rows, Sequences seqs, int[] run) {
        return rows.get(NDArrayIndex.interval(seqs.offset(run[0]), seqs.offset(run[0] + run[1])), NDArrayIndex.all());
    }

    /**
     * [n*L, 3C] seen as q, k, v, each [n, H, L, D]: views of [n, L, 3, H, D], not copies; the products read
     * them through their strides.
     */
    private INDArray[] heads(INDArray qkv, int batch, int time) {
        long c = qkv.size(1) / 3;
        INDArray parts = qkv.reshape(batch, time, 3, nHead, c / nHead).permute(2, 0, 3, 1, 4);
        return new INDArray[]{parts.get(NDArrayIndex.point(0)), parts.get(NDArrayIndex.point(1)),
                parts.get(NDArrayIndex.point(2))};
    }

    /** probs . values, written as merged heads [B*T, H*D] (through a [B, H, T, D] view of [B, T, H, D]). */
    private INDArray attendValues(INDArray probs, INDArray values, int batch, int time) {
        long h = values.size(1), d = values.size(3);
        INDArray merged = Nd4j.createUninitialized(probs.dataType(), new long[]{batch, time, h, d}, 'c');
        kernels.batchedInto(probs, false, values, false, merged.permute(0, 2, 1, 3));
        return merged.reshape((long) batch * time, h * d);
    }
}
