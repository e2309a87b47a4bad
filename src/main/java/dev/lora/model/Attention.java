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
        INDArray probs = attend(heads[0], heads[1], 0);
        INDArray y = Nd4j.matmul(probs, heads[2]);
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
        INDArray scores = Nd4j.matmul(heads[0], keys, false, true, false).muli(1.0 / Math.sqrt(heads[0].size(3)));
        long[] shape = scores.shape();
        INDArray masked = scores.reshape(mask.shape()).addi(mask).reshape(shape[0] * shape[1] * shape[2], shape[3]);
        INDArray probs = Transforms.softmax(masked, false).reshape(shape);
        return cProj.forward(mergeHeads(Nd4j.matmul(probs, cache.values())), false);
    }

    public INDArray backward(INDArray dOut) {
        INDArray dy = splitOne(cProj.backward(dOut));
        INDArray dv = Nd4j.matmul(p, dy, true, false, false);
        INDArray dp = Nd4j.matmul(dy, v, false, true, false);
        // Softmax backward, row by row: ds = p * (dp - sum(dp * p)).
        long rows = dp.length() / dp.size(3);
        INDArray dp2 = dp.reshape(rows, dp.size(3));
        INDArray p2 = p.reshape(rows, p.size(3));
        INDArray ds = dp2.subColumnVector(dp2.mul(p2).sum(true, 1)).muli(p2).muli(1.0 / Math.sqrt(q.size(3)))
                .reshape(dp.shape());
        INDArray dq = Nd4j.matmul(ds, k);
        INDArray dk = Nd4j.matmul(ds, q, true, false, false);
        q = k = v = p = null;
        return cAttn.backward(Nd4j.concat(1, mergeHeads(dq), mergeHeads(dk), mergeHeads(dv)));
    }

    /** Softmax(q k^T / sqrt(d) + causal mask), for queries at positions start.. over keys 0..keys-1. */
    private static INDArray attend(INDArray q, INDArray keys, int start) {
        INDArray scores = Nd4j.matmul(q, keys, false, true, false).muli(1.0 / Math.sqrt(q.size(3)));
        long bh = scores.size(0) * scores.size(1), rows = scores.size(2), cols = scores.size(3);
        scores.reshape(bh, rows * cols).addiRowVector(CausalMask.flat((int) rows, (int) cols, start, scores.dataType()));
        INDArray probs = Transforms.softmax(scores.reshape(bh * rows, cols), false);
        return probs.reshape(scores.shape());
    }

    /** [B*T, 3C] to q, k, v each [B, H, T, D]. */
    private INDArray[] splitHeads(INDArray qkv, int batch, int time) {
        long c = qkv.size(1) / 3;
        INDArray[] out = new INDArray[3];
        for (int i = 0; i < 3; i++) {
            INDArray part = qkv.get(NDArrayIndex.all(), NDArrayIndex.interval(i * c, (i + 1) * c));
            out[i] = part.dup('c').reshape(batch, time, nHead, c / nHead).permute(0, 2, 1, 3).dup('c');
        }
        return out;
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
