package dev.lora.adapter;

import dev.lora.model.Embedding;
import dev.lora.model.Param;
import dev.lora.model.TokenEmbedding;
import dev.lora.model.kernels.Kernels;
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
    private final Kernels kernels;
    private int[] ids;
    private INDArray picked;

    LoraEmbedding(Embedding base, Param a, Param b, double scaling, Kernels kernels) {
        this.base = base;
        this.a = a;
        this.b = b;
        this.scaling = scaling;
        this.kernels = kernels;
    }

    @Override
    public INDArray forward(int[] tokenIds, boolean keep) {
        INDArray rows = base.forward(tokenIds, keep);
        INDArray aRows = Nd4j.pullRows(a.value().transpose().dup('c'), 1, tokenIds);
        if (keep) {
            ids = tokenIds;
            picked = aRows;
        }
        kernels.gemm(scaling, aRows, false, b.value(), true, 1, rows);
        return rows;
    }

    @Override
    public void backward(INDArray dRows) {
        kernels.gemm(scaling, dRows, true, picked, false, 1, b.grad());
        INDArray dPicked = Nd4j.createUninitialized(dRows.dataType(), new long[]{dRows.size(0), b.value().size(1)}, 'c');
        kernels.gemm(scaling, dRows, false, b.value(), false, 0, dPicked);
        INDArray gradA = a.grad();
        for (int n = 0; n < ids.length; n++) {
            gradA.getColumn(ids[n]).addi(dPicked.getRow(n));
        }
        ids = null;
        picked = null;
    }
}
