package dev.lora.bench;

import dev.lora.data.Batch;
import dev.lora.data.Example;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code batch} random sequences of {@code seq} tokens whose second half is the completion, so the loss
 * covers about half the positions as on E2E (short table prompt, similar-length sentence).
 */
final class RandomBatch {
    private RandomBatch() {
    }

    static Batch of(int vocab, int batch, int seq, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Example> examples = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            // Exclude the last id: it is the pad/end-of-text token.
            int[] tokens = rng.ints(seq, 0, vocab - 1).toArray();
            examples.add(new Example(tokens, Math.max(1, seq / 2)));
        }
        return Batch.of(examples);
    }
}
