package dev.lora.adapter.merge;

import dev.lora.adapter.formats.AdapterReader;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The merged model computes what the base model with the adapter attached computes: logits of the merged
 * folder (loaded back, with its untied LM head when wte was adapted) against the unmerged Gpt2Model with
 * the adapter (whose own parity with PyTorch TrainParityTest checks), one target type at a time and all
 * together with trained biases. Both run in float64, so the only difference is the merged weights'
 * rounding to float32 (relative 2^-24 = 6e-8 per weight); the bound is 1e-6 of the largest logit.
 */
class MergeLogitsTest {

    @ParameterizedTest(name = "{0}, bias {1}")
    @CsvSource(delimiter = ';', value = {
            "q; none", "k; none", "v; none", "attn_proj; none", "mlp_fc; none", "mlp_proj; none", "wte; none",
            "q,v; lora_only", "q,k,v,attn_proj,mlp_fc,mlp_proj,wte; all"})
    void mergedLogitsEqualBasePlusAdapter(String targets, String bias, @TempDir Path tmp) {
        Path adapter = MergeFixtures.writeAdapter(tmp.resolve("adapter"), MergeFixtures.settings(targets, bias), 11);
        Path out = tmp.resolve("merged");
        Merge.run(new Merge.Options(MergeFixtures.MODEL.toString(), List.of(new Merge.Input(adapter, 1)), out,
                Optional.empty(), false, AdapterReader.Options.DEFAULTS));

        INDArray want = MergeFixtures.adapterLogits(adapter, DataType.DOUBLE);
        INDArray got = MergeFixtures.mergedLogits(out, DataType.DOUBLE);
        INDArray base = MergeFixtures.mergedLogits(MergeFixtures.MODEL, DataType.DOUBLE);

        // The adapter must really change the output, or equality would prove nothing.
        assertThat(MergeFixtures.relativeError(base, want)).as("adapter's effect on the logits").isGreaterThan(1e-3);
        double error = MergeFixtures.relativeError(got, want);
        System.out.printf("merge %s bias %s: max |merged - unmerged| / max |logit| = %.3g%n", targets, bias, error);
        assertThat(error).as("merged vs unmerged logits").isLessThanOrEqualTo(1e-6);
    }
}
