package dev.lora.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Causal multi-head self-attention: fused c_attn (q, k, v), softmax(q k^T / sqrt(d)) v per head,
 * then c_proj. Rows are tokens, [B*T, C], b-major; heads work on [B, H, T, D].
 */
public final class Attention {
    private final Linear cAttn;
    private final Linear cProj;
    private final int nHead;
    private INDArray q, k, v, p;

    public Attention(Linear cAttn, Linear cProj, int nHead) {
        this.cAttn = cAttn;
        this.cProj = cProj;
        this.nHead = nHead;
    }

    public INDArray forward(INDArray x, int batch, int time, boolean keep) {
        INDArray[] heads = heads(cAttn.forward(x, keep), batch, time);
        INDArray probs = Gemm.batched(heads[0], false, heads[1], true);
        CausalSoftmax.forward(probs, 1.0 / Math.sqrt(heads[0].size(3)));
        INDArray merged = attendValues(probs, heads[2], batch, time);
        if (keep) {
            q = heads[0];
            k = heads[1];
            v = heads[2];
            p = probs;
        }
        return cProj.forward(merged, keep);
    }

    /**
     * Attends the new tokens {@code x} to themselves and to the cached keys/values of earlier slots;
     * {@code mask} is the cache's additive mask for these tokens, [B, H, time * slots] (see
     * {@link KvCache#attentionMask}), shared by all layers.
     */
    public INDArray forwardCached(INDArray x, int batch, int time, KvCache.Layer cache, INDArray mask) {
        INDArray[] heads = heads(cAttn.forward(x, false), batch, time);
        cache.append(heads[1], heads[2]);
        INDArray keys = cache.keys();
        INDArray scores = Gemm.batched(heads[0], false, keys, true).muli(1.0 / Math.sqrt(heads[0].size(3)));
        long[] shape = scores.shape();
        INDArray masked = scores.reshape(mask.shape()).addi(mask).reshape(shape[0] * shape[1] * shape[2], shape[3]);
        INDArray probs = Transforms.softmax(masked, false).reshape(shape);
        return cProj.forward(attendValues(probs, cache.values(), batch, time), false);
    }

    public INDArray backward(INDArray dOut) {
        INDArray dRows = Loops.dense(cProj.backward(dOut));
        long b = q.size(0), h = q.size(1), t = q.size(2), d = q.size(3);
        INDArray dy = dRows.reshape(b, t, h, d).permute(0, 2, 1, 3);
        // [B*T, 3C] is [B, T, 3, H, D]: each head gradient is written straight to its place.
        INDArray dQkv = Nd4j.createUninitialized(dRows.dataType(), new long[]{b, t, 3, h, d}, 'c');
        INDArray byPart = dQkv.permute(2, 0, 3, 1, 4);
        Gemm.batchedInto(p, true, dy, false, byPart.get(NDArrayIndex.point(2)));
        INDArray ds = Gemm.batched(dy, false, v, true);
        CausalSoftmax.backward(ds, p, 1.0 / Math.sqrt(d));
        Gemm.batchedInto(ds, false, k, false, byPart.get(NDArrayIndex.point(0)));
        Gemm.batchedInto(ds, true, q, false, byPart.get(NDArrayIndex.point(1)));
        q = k = v = p = null;
        return cAttn.backward(dQkv.reshape(b * t, 3 * h * d));
    }

    /**
     * [B*T, 3C] seen as q, k, v, each [B, H, T, D]: views of [B, T, 3, H, D], not copies; the products read
     * them through their strides.
     */
    private INDArray[] heads(INDArray qkv, int batch, int time) {
        long c = qkv.size(1) / 3;
        INDArray parts = Loops.dense(qkv).reshape(batch, time, 3, nHead, c / nHead).permute(2, 0, 3, 1, 4);
        return new INDArray[]{parts.get(NDArrayIndex.point(0)), parts.get(NDArrayIndex.point(1)),
                parts.get(NDArrayIndex.point(2))};
    }

    /** probs . values, written as merged heads [B*T, H*D] (through a [B, H, T, D] view of [B, T, H, D]). */
    private INDArray attendValues(INDArray probs, INDArray values, int batch, int time) {
        long h = values.size(1), d = values.size(3);
        INDArray merged = Nd4j.createUninitialized(probs.dataType(), new long[]{batch, time, h, d}, 'c');
        Gemm.batchedInto(probs, false, values, false, merged.permute(0, 2, 1, 3));
        return merged.reshape((long) batch * time, h * d);
    }
}
