package dev.lora.model;

import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.adapter.LoraModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Incremental decoding with the key/value cache against the full forward pass ({@link Gpt2Model#hidden}) of
 * each row's whole sequence: prompts of different lengths left-padded into one cache, multi-token chunks,
 * beam-style row reordering (repeats and drops), with and without LoRA adapters, in float64.
 */
class CachedDecodingTest {
    private static final Gpt2Config CONFIG = TinyGpt2.config(37, 12, 8, 2, 2);
    private static final double TOL = 1e-10;
    private static final int PAD_TOKEN = 36; // any id: padded slots must not matter

    @ParameterizedTest(name = "with adapters: {0}")
    @ValueSource(booleans = {false, true})
    void leftPaddedRowsMatchTheFullForwardAtEveryPosition(boolean adapters) {
        Gpt2Model model = model(adapters);
        List<List<Integer>> rows = new ArrayList<>(List.of(seq(3, 17, 5, 29, 11, 2, 30), seq(8, 1, 22), seq(4, 4, 9, 0, 13)));
        int width = 7;
        int[] pads = {0, 4, 2};
        KvCache cache = model.newCache(pads, 12 + 4); // more slots than n_positions: only real positions count

        // Prefill in two chunks (5 slots, then 2), so a multi-token chunk also follows cached slots.
        int[][] padded = new int[3][width];
        for (int b = 0; b < 3; b++) {
            Arrays.fill(padded[b], PAD_TOKEN);
            for (int t = 0; t < rows.get(b).size(); t++) padded[b][pads[b] + t] = rows.get(b).get(t);
        }
        INDArray first = model.hiddenCached(slice(padded, 0, 5), cache);
        INDArray second = model.hiddenCached(slice(padded, 5, 7), cache);
        for (int b = 0; b < 3; b++) {
            INDArray full = model.hidden(new int[][]{ids(rows.get(b))}, false);
            for (int slot = pads[b]; slot < width; slot++) {
                INDArray got = slot < 5 ? first.getRow(b * 5L + slot) : second.getRow(b * 2L + slot - 5);
                assertClose(got, full.getRow(slot - pads[b]), "row " + b + " slot " + slot);
            }
        }

        // Decode one token per row per step; reorder like beam search between steps: repeat row 2, drop row 1,
        // then grow past the original batch (the cache's spare store is too small and is replaced).
        Random rng = new Random(5);
        int[][] orders = {{0, 1, 2}, {2, 0, 2}, {1, 0, 2}, {0, 2}, {1, 1, 0, 0}};
        for (int[] order : orders) {
            if (!Arrays.equals(order, new int[]{0, 1, 2})) {
                cache.reorder(order);
                List<List<Integer>> next = new ArrayList<>();
                int[] nextPads = new int[order.length];
                for (int i = 0; i < order.length; i++) {
                    next.add(new ArrayList<>(rows.get(order[i])));
                    nextPads[i] = pads[order[i]];
                }
                rows = next;
                pads = nextPads;
            }
            int[][] step = new int[rows.size()][1];
            for (int b = 0; b < rows.size(); b++) {
                step[b][0] = rng.nextInt(CONFIG.vocabSize());
                rows.get(b).add(step[b][0]);
            }
            INDArray got = model.hiddenCached(step, cache);
            for (int b = 0; b < rows.size(); b++) {
                INDArray full = model.hidden(new int[][]{ids(rows.get(b))}, false);
                assertClose(got.getRow(b), full.getRow(rows.get(b).size() - 1), "decoded row " + b);
                assertThat(cache.leftPad(b)).isEqualTo(pads[b]);
            }
        }
    }

    @Test
    void unpaddedCacheMatchesTheFullForward() {
        Gpt2Model model = model(false);
        int[][] seqs = {{3, 17, 5, 29, 11, 2}, {8, 1, 22, 4, 0, 9}};
        KvCache cache = model.newCache(2, 6);
        INDArray full = model.hidden(seqs, false);
        for (int t = 0; t < 6; t++) {
            INDArray got = model.hiddenCached(slice(seqs, t, t + 1), cache);
            for (int b = 0; b < 2; b++) assertClose(got.getRow(b), full.getRow(b * 6L + t), "row " + b + " t " + t);
        }
        assertThat(cache.length()).isEqualTo(6);
    }

    /** Generation lays the projections out column-major; the model must compute the same (to rounding) after. */
    @Test
    void decodingLayoutComputesTheSame() {
        Gpt2Model model = new Gpt2Model(TinyGpt2.random(TinyGpt2.config(61, 24, 16, 2, 2), DataType.DOUBLE, 5));
        int[][] ids = {{3, 9, 27, 1, 60, 5}};
        INDArray before = model.logits(model.hidden(ids, false));
        model.weights().layOutForDecoding();
        assertThat(model.weights().get("transformer.h.1.mlp.c_fc.weight").value().ordering()).isEqualTo('f');
        assertThat(model.weights().get("transformer.h.1.ln_1.weight").value().ordering()).isEqualTo('c');
        assertClose(model.logits(model.hidden(ids, false)).reshape(-1), before.reshape(-1), "logits after the layout change");
    }

    @Test
    void positionsAreCheckedPerRowAfterPadding() {
        Gpt2Model model = model(false);
        KvCache cache = model.newCache(new int[]{3, 5}, 16);
        model.hiddenCached(new int[2][12], cache); // real positions reach 8 and 6
        model.hiddenCached(new int[2][3], cache); // row 0 reaches position 11, the last of n_positions 12
        assertThatThrownBy(() -> model.hiddenCached(new int[2][1], cache))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n_positions 12");
        cache.reorder(new int[]{1}); // the longer row dropped: the other still has room
        model.hiddenCached(new int[1][1], cache);
        assertThatThrownBy(() -> model.newCache(new int[]{16}, 16)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.hiddenCached(new int[2][1], cache))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cache of 1 rows");
    }

    private static Gpt2Model model(boolean adapters) {
        Gpt2Weights base = TinyGpt2.random(CONFIG, DataType.DOUBLE, 21);
        if (!adapters) return new Gpt2Model(base);
        List<LoraTarget> all = List.of(LoraTarget.values());
        LoraModel m = LoraModel.create(base, new LoraSettings(2, 4, 0.0, all, LoraBias.NONE, Optional.empty()), 3);
        Random rng = new Random(8);
        for (Map.Entry<String, INDArray> e : m.state().entrySet()) {
            INDArray v = e.getValue(); // B = 0 at init: perturb every adapter tensor so the adapters act
            for (long i = 0; i < v.length(); i++) v.putScalar(i, v.getDouble(i) + 0.3 * rng.nextGaussian());
        }
        return m.model();
    }

    private static void assertClose(INDArray got, INDArray want, String what) {
        double[] g = got.toDoubleVector(), w = want.toDoubleVector();
        assertThat(g).as(what).hasSize(w.length);
        for (int i = 0; i < g.length; i++) assertThat(Math.abs(g[i] - w[i])).as("%s [%d]", what, i).isLessThan(TOL);
    }

    private static int[][] slice(int[][] ids, int from, int to) {
        int[][] out = new int[ids.length][];
        for (int b = 0; b < ids.length; b++) out[b] = Arrays.copyOfRange(ids[b], from, to);
        return out;
    }

    private static List<Integer> seq(int... ids) {
        List<Integer> out = new ArrayList<>();
        for (int id : ids) out.add(id);
        return out;
    }

    private static int[] ids(List<Integer> seq) {
        return seq.stream().mapToInt(Integer::intValue).toArray();
    }
}
