package dev.lora.train;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which examples share micro-batches: every example once per epoch, and with group_by_length, sorted megabatches. */
class DataOrderTest {
    @Test
    void groupByLengthSortsEachMegabatchLongestFirstAndKeepsEveryExampleOnce() {
        // 400 examples, 4 per step: megabatches of min(50, 400 / 16) = 25 steps, 100 examples.
        int n = 400;
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) lengths[i] = 5 + (i * 37) % 61;
        DataOrder grouped = new DataOrder(n, 2, 2, true, 7, lengths);
        DataOrder plain = new DataOrder(n, 2, 2, true, 7);
        for (int epoch = 0; epoch < 2; epoch++) {
            int[] order = epochOrder(grouped, epoch);
            assertThat(new HashSet<>(Arrays.asList(Arrays.stream(order).boxed().toArray()))).hasSize(n);
            for (int mega = 0; mega < n; mega += 100) {
                for (int i = mega + 1; i < mega + 100; i++) {
                    assertThat(lengths[order[i]]).as("epoch %d position %d", epoch, i).isLessThanOrEqualTo(lengths[order[i - 1]]);
                }
                // Each megabatch holds the same examples as the shuffled order's same slice.
                Set<Integer> a = new HashSet<>(), b = new HashSet<>();
                int[] shuffled = epochOrder(plain, epoch);
                for (int i = mega; i < mega + 100; i++) {
                    a.add(order[i]);
                    b.add(shuffled[i]);
                }
                assertThat(a).isEqualTo(b);
            }
        }
        assertThat(epochOrder(grouped, 0)).isNotEqualTo(epochOrder(grouped, 1));
    }

    private static int[] epochOrder(DataOrder o, int epoch) {
        int[] out = new int[o.examples()];
        int k = 0;
        for (int s = epoch * o.stepsPerEpoch(); s < (epoch + 1) * o.stepsPerEpoch(); s++) {
            for (int[] mb : o.microBatches(s)) for (int i : mb) out[k++] = i;
        }
        return out;
    }
}
