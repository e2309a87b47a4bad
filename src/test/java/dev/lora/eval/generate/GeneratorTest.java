package dev.lora.eval.generate;

import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.adapter.LoraModel;
import dev.lora.model.Gpt2Config;
import dev.lora.model.Gpt2Model;
import dev.lora.model.Gpt2Weights;
import dev.lora.model.TinyGpt2;
import dev.lora.model.Pass;
import dev.lora.model.Sequences;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Generator} on a random GPT-2 with adapters: the key/value cache (left-padded batches of prompts of
 * different lengths) decodes exactly as the full recompute, for every decoding; budgets follow n_positions;
 * dropout never applies; bad prompts are refused.
 */
class GeneratorTest {
    private static final Gpt2Config CONFIG = TinyGpt2.config(37, 20, 8, 2, 2);
    private static final List<int[]> PROMPTS = List.of(new int[]{5, 9, 2, 0}, new int[]{7}, new int[]{3, 3, 1, 30, 12, 8, 0},
            new int[]{11, 4, 6, 22, 19, 1, 2, 5, 13, 17, 21, 0}, new int[]{25, 0});
    private static final GenerationSettings BEAM =
            new GenerationSettings(Decoding.BEAM, 4, 0.8, 2, 10, Set.of(0, 36), 1, 1, 0, 3, true);

    @Test
    void cacheAndFullRecomputeGiveTheSameOutputsForEveryDecoding() {
        LoraModel m = loraModel(0.0);
        GenerationSettings beam = BEAM.withMaxNewTokens(6).withContextsPerBatch(PROMPTS.size());
        for (GenerationSettings s : List.of(beam, beam.greedy(), beam.sampling(0.8, 0.9, 17))) {
            List<int[]> cached = Generator.generate(m, PROMPTS, s, n -> { });
            List<int[]> recomputed = Generator.generate(m, PROMPTS, s.withCache(false), n -> { });
            for (int i = 0; i < PROMPTS.size(); i++) {
                assertThat(cached.get(i)).as("%s prompt %d", s.decoding(), i).containsExactly(recomputed.get(i));
            }
        }
        // Batches of 3 prompts: the same outputs as one batch of all.
        List<int[]> batchesOf3 = Generator.generate(m, PROMPTS, BEAM.withMaxNewTokens(6), n -> { });
        List<int[]> oneBatch = Generator.generate(m, PROMPTS, beam, n -> { });
        for (int i = 0; i < PROMPTS.size(); i++) assertThat(batchesOf3.get(i)).containsExactly(oneBatch.get(i));
    }

    @Test
    void outputsStayWithinTheBudgetAndN_positions() {
        Gpt2Model model = new Gpt2Model(TinyGpt2.random(CONFIG, DataType.DOUBLE, 4));
        GenerationSettings noStops = new GenerationSettings(Decoding.GREEDY, 1, 0.8, 0, 10, Set.of(), 1, 1, 0, 2, true);
        List<int[]> out = Generator.generate(model, PROMPTS, noStops, n -> { });
        int[] expected = {10, 10, 10, 20 - 12, 10}; // the 12-token prompt leaves 8 of n_positions 20
        for (int i = 0; i < PROMPTS.size(); i++) assertThat(out.get(i)).as("prompt %d", i).hasSize(expected[i]);
        List<int[]> beams = Generator.generate(model, List.of(new int[19]), noStops.withBeams(3), n -> { });
        assertThat(beams.get(0)).hasSize(1);
    }

    @Test
    void dropoutIsOffWhileGenerating() {
        LoraModel withDropout = loraModel(0.5);
        List<int[]> got = Generator.generate(withDropout, PROMPTS, BEAM, n -> { });
        List<int[]> want = Generator.generate(loraModel(0.0), PROMPTS, BEAM, n -> { });
        for (int i = 0; i < PROMPTS.size(); i++) assertThat(got.get(i)).containsExactly(want.get(i));
    }

    @Test
    void progressCountsFinishedPrompts() {
        List<Integer> calls = new ArrayList<>();
        Generator.generate(loraModel(0.0), PROMPTS, BEAM.greedy().withMaxNewTokens(2), calls::add);
        assertThat(calls).containsExactly(3, 5);
    }

    @Test
    void refusesPromptsThatCannotBeDecoded() {
        Gpt2Model model = new Gpt2Model(TinyGpt2.random(CONFIG, DataType.DOUBLE, 4));
        assertThatThrownBy(() -> Generator.generate(model, List.of(new int[]{1}, new int[20]), BEAM, n -> { }))
                .hasMessageContaining("prompt 1 has 20 tokens").hasMessageContaining("n_positions 20");
        assertThatThrownBy(() -> Generator.generate(model, List.of(new int[]{1, 37}), BEAM, n -> { }))
                .hasMessageContaining("token id 37");
        assertThatThrownBy(() -> Generator.generate(model, List.of(new int[0]), BEAM, n -> { }))
                .hasMessageContaining("prompt 0 is empty");
    }

    /** A random model with q, v and embedding adapters whose B is non-zero, so the adapters change outputs. */
    private static LoraModel loraModel(double dropout) {
        Gpt2Weights base = TinyGpt2.random(CONFIG, DataType.DOUBLE, 4);
        LoraSettings settings = new LoraSettings(2, 4, dropout, List.of(LoraTarget.Q, LoraTarget.V, LoraTarget.MLP_FC),
                LoraBias.NONE, Optional.empty());
        LoraModel m = LoraModel.create(base, settings, 6);
        Random rng = new Random(12);
        for (Map.Entry<String, INDArray> e : m.state().entrySet()) {
            INDArray v = e.getValue();
            for (long i = 0; i < v.length(); i++) v.putScalar(i, v.getDouble(i) + 0.5 * rng.nextGaussian());
        }
        return m;
    }
}
