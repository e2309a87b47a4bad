package dev.lora.lora;

import dev.lora.model.Embedding;
import dev.lora.model.Param;
import dev.lora.model.TokenEmbedding;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * loralib Embedding: rows of wte plus scaling * A^T[ids] B^T, with A [r, vocab] and B [C, r].
 * loralib applies no dropout here. The LM head stays tied to the base wte, as in loralib/PEFT training.
 */
final class LoraEmbedding implements TokenEmbedding {
    private final Embedding base;
    private final Param a;
    private final Param b;
    private final double scaling;
    private int[] ids;
    private INDArray picked;

    LoraEmbedding(Embedding base, Param a, Param b, double scaling) {
        this.base = base;
        this.a = a;
        this.b = b;
        this.scaling = scaling;
    }

    @Override
    public INDArray forward(int[] tokenIds, boolean keep) {
        INDArray rows = base.forward(tokenIds, keep);
        INDArray aRows = Nd4j.pullRows(a.value().transpose().dup('c'), 1, tokenIds);
        if (keep) {
            ids = tokenIds;
            picked = aRows;
        }
        return rows.addi(Nd4j.gemm(aRows, b.value(), false, true).muli(scaling));
    }

    @Override
    public void backward(INDArray dRows) {
        b.grad().addi(Nd4j.gemm(dRows, picked, true, false).muli(scaling));
        INDArray dPicked = Nd4j.gemm(dRows, b.value(), false, false).muli(scaling);
        INDArray gradA = a.grad();
        for (int n = 0; n < ids.length; n++) {
            gradA.getColumn(ids[n]).addi(dPicked.getRow(n));
        }
        ids = null;
        picked = null;
    }
}
