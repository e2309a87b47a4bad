package dev.lora.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The frozen token embedding wte [vocab, C] (also GPT-2's tied LM head). */
public final class Embedding implements TokenEmbedding {
    private final Param weight;

    public Embedding(Param weight) {
        this.weight = weight;
    }

    public Param weight() {
        return weight;
    }

    @Override
    public INDArray forward(int[] ids, boolean keep) {
        INDArray rows = Nd4j.pullRows(weight.value(), 1, ids);
        // A bfloat16 run holds the table in bfloat16; the residual stream it starts is float32.
        return rows.dataType() == DataType.BFLOAT16 ? rows.castTo(DataType.FLOAT) : rows;
    }

    @Override
    public void backward(INDArray dRows) {
        // Frozen: nothing to accumulate.
    }
}
