package dev.lora.adapter;

import dev.lora.model.Pass;
import dev.lora.model.Sequences;
import dev.lora.model.kernels.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.charset.StandardCharsets;

/**
 * Inverted dropout on one LoRA branch's input (loralib's {@code lora_dropout}). A mask entry is a function of
 * (run seed, step, the module's name, example, position, feature) and nothing else: not of the order the
 * modules run in, the micro-batch an example is in, its row in the batch, the batch's padding or the number of
 * threads. So a resumed run draws exactly the masks the uninterrupted run would have, and padded, padding-free or
 * distributed layouts of the same step train identically. It holds no state: what a pass is comes with each call.
 */
final class LoraDropout {
    private final double p;
    private final long moduleSeed;
    private final Kernels kernels;

    /** Dropout with probability {@code p} for the LoRA branch of {@code module} (a {@link LoraKeys#module} name). */
    LoraDropout(double p, String module, Kernels kernels) {
        this.p = p;
        this.moduleSeed = nameSeed(module);
        this.kernels = kernels;
    }

    /** x after dropout, and the mask of 0 and 1/(1-p) it was multiplied by (null when nothing is dropped). */
    record Dropped(INDArray input, INDArray mask) {
    }

    /**
     * Applies dropout to x [rows, features] on a training pass; other passes see x as is. Each row's mask comes
     * from its own generator, seeded from (step, module, example, position) ({@link Kernels#dropoutMask}: the
     * host kernels draw it in Java, the nd4j kernels with the backend's generator).
     */
    Dropped apply(INDArray x, Pass pass) {
        if (pass.dropout().isEmpty() || p == 0) return new Dropped(x, null);
        Pass.Rows rows = pass.dropout().get();
        Sequences seqs = rows.seqs();
        long n = x.size(0), features = x.size(1);
        if (n != seqs.rows()) throw new IllegalArgumentException(n + " rows for sequences of " + seqs.rows() + " rows");
        long passSeed = Seeds.mix(rows.stepSeed(), moduleSeed);
        int[] sequenceOfRow = seqs.sequenceOfRow();
        long[] rowSeeds = new long[(int) n];
        for (int r = 0; r < n; r++) {
            int s = sequenceOfRow[r];
            rowSeeds[r] = Seeds.mix(passSeed, rows.keys()[s], r - seqs.offset(s));
        }
        INDArray mask = kernels.dropoutMask(rowSeeds, (int) features, p, x.dataType());
        return new Dropped(x.mul(mask), mask);
    }

    /** The module name's UTF-8 bytes mixed into one seed: the same name gives the same masks in every JVM. */
    private static long nameSeed(String module) {
        byte[] bytes = module.getBytes(StandardCharsets.UTF_8);
        long[] parts = new long[bytes.length];
        for (int i = 0; i < bytes.length; i++) parts[i] = bytes[i];
        return Seeds.mix(parts);
    }
}
