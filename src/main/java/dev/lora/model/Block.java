package dev.lora.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** One pre-LayerNorm transformer block: x + attn(ln_1(x)), then + mlp(ln_2(.)). */
public final class Block {
    private final LayerNorm ln1;
    private final Attention attn;
    private final LayerNorm ln2;
    private final Mlp mlp;

    public Block(LayerNorm ln1, Attention attn, LayerNorm ln2, Mlp mlp) {
        this.ln1 = ln1;
        this.attn = attn;
        this.ln2 = ln2;
        this.mlp = mlp;
    }

    public INDArray forward(INDArray x, Sequences seqs, Pass pass) {
        INDArray mid = x.add(attn.forward(ln1.forward(x, pass.keep()), seqs, pass));
        return mid.addi(mlp.forward(ln2.forward(mid, pass.keep()), pass));
    }

    public INDArray forwardCached(INDArray x, int batch, int time, KvCache.Layer cache, INDArray mask) {
        INDArray mid = x.add(attn.forwardCached(ln1.forward(x, false), batch, time, cache, mask));
        return mid.addi(mlp.forward(ln2.forward(mid, false), Pass.INFERENCE));
    }

    public INDArray backward(INDArray dOut) {
        INDArray dMid = dOut.add(ln2.backward(mlp.backward(dOut)));
        return dMid.addi(ln1.backward(attn.backward(dMid)));
    }
}
