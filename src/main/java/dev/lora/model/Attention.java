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
        INDArray[] heads = splitHeads(cAttn.forward(x, keep), batch, time);
        INDArray probs = Gemm.batched(heads[0], false, heads[1], true);
        CausalSoftmax.forward(probs, 1.0 / Math.sqrt(heads[0].size(3)));
        INDArray y = Gemm.batched(probs, false, heads[2], false);
        if (keep) {
            q = heads[0];
            k = heads[1];
            v = heads[2];
            p = probs;
        }
        return cProj.forward(mergeHeads(y), keep);
    }

    /**
     * Attends the new tokens {@code x} to themselves and to the cached keys/values of earlier slots;
     * {@code mask} is the cache's additive mask for these tokens, [B, H, time * slots] (see
     * {@link KvCache#attentionMask}), shared by all layers.
     */
    public INDArray forwardCached(INDArray x, int batch, int time, KvCache.Layer cache, INDArray mask) {
        INDArray[] heads = splitHeads(cAttn.forward(x, false), batch, time);
        cache.append(heads[1], heads[2]);
        INDArray keys = cache.keys();
        INDArray scores = Gemm.batched(heads[0], false, keys, true).muli(1.0 / Math.sqrt(heads[0].size(3)));
        long[] shape = scores.shape();
        INDArray masked = scores.reshape(mask.shape()).addi(mask).reshape(shape[0] * shape[1] * shape[2], shape[3]);
        INDArray probs = Transforms.softmax(masked, false).reshape(shape);
        return cProj.forward(mergeHeads(Gemm.batched(probs, false, cache.values(), false)), false);
    }

    public INDArray backward(INDArray dOut) {
        INDArray dy = splitOne(cProj.backward(dOut));
        INDArray dv = Gemm.batched(p, true, dy, false);
        INDArray ds = Gemm.batched(dy, false, v, true);
        CausalSoftmax.backward(ds, p, 1.0 / Math.sqrt(q.size(3)));
        INDArray dq = Gemm.batched(ds, false, k, false);
        INDArray dk = Gemm.batched(ds, true, q, false);
        long b = q.size(0), h = q.size(1), t = q.size(2), d = q.size(3);
        q = k = v = p = null;
        // [B*T, 3C] is [B, T, 3, H, D]; each head gradient goes straight to its place, one copy each.
        INDArray dQkv = Nd4j.createUninitialized(dq.dataType(), new long[]{b, t, 3, h, d}, 'c');
        INDArray byPart = dQkv.permute(2, 0, 3, 1, 4);
        byPart.get(NDArrayIndex.point(0)).assign(dq);
        byPart.get(NDArrayIndex.point(1)).assign(dk);
        byPart.get(NDArrayIndex.point(2)).assign(dv);
        return cAttn.backward(dQkv.reshape(b * t, 3 * h * d));
    }

    /** [B*T, 3C] to q, k, v each [B, H, T, D]: one copy of the whole [3, B, H, T, D]; each part a dense view. */
    private INDArray[] splitHeads(INDArray qkv, int batch, int time) {
        long c = qkv.size(1) / 3;
        INDArray parts = Loops.dense(qkv).reshape(batch, time, 3, nHead, c / nHead).permute(2, 0, 3, 1, 4).dup('c');
        return new INDArray[]{parts.get(NDArrayIndex.point(0)), parts.get(NDArrayIndex.point(1)),
                parts.get(NDArrayIndex.point(2))};
    }

    /** [B*T, C] gradient of the merged heads to [B, H, T, D]. */
    private INDArray splitOne(INDArray rows) {
        long b = q.size(0), t = q.size(2);
        return rows.reshape(b, t, nHead, rows.size(1) / nHead).permute(0, 2, 1, 3).dup('c');
    }

    /** [B, H, T, D] to [B*T, H*D]. */
    private static INDArray mergeHeads(INDArray y) {
        long b = y.size(0), h = y.size(1), t = y.size(2), d = y.size(3);
        return y.permute(0, 2, 1, 3).dup('c').reshape(b * t, h * d);
    }
}
