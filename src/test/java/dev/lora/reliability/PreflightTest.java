package dev.lora.reliability;

import dev.lora.config.ConfigLoader;
import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.config.RunConfig;
import dev.lora.io.InputError;
import dev.lora.adapter.LoraModel;
import dev.lora.model.Gpt2Config;
import dev.lora.model.Gpt2Loader;
import dev.lora.model.Gpt2Weights;
import dev.lora.train.Preflight;
import dev.lora.train.Preflight.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Preflight's memory and disk checks against injected machine limits, and its count of trainable parameters. */
class PreflightTest {
    private static final long GB = 1L << 30, MB = 1L << 20;
    private static final Gpt2Config GPT2 = new Gpt2Config(50257, 1024, 768, 12, 12, 1e-5, "gelu_new", true);
    private static final Gpt2Config GPT2_LARGE = new Gpt2Config(50257, 1024, 1280, 36, 20, 1e-5, "gelu_new", true);
    private static final Limits BIG = new Limits(16 * GB, 64 * GB, 256 * GB, out -> 1000 * GB);

    @TempDir
    Path tmp;

    private RunConfig config(String... overrides) throws IOException {
        Path f = Files.writeString(tmp.resolve("run.yaml"), "model: gpt2\noutput: " + tmp.resolve("out")
                + "\ndata:\n  train: " + tmp.resolve("train.txt") + "\n");
        return ConfigLoader.load(f, List.of(overrides));
    }

    @Test
    void aBatchBeyondTheJvmLimitIsRefusedWithTheNumbersAndTheFix() throws IOException {
        Limits jvm16 = new Limits(4 * GB, 16 * GB, 256 * GB, out -> 1000 * GB);
        assertThatThrownBy(() -> Preflight.check(config("train.batch_size=64"), GPT2, 512, jvm16))
                .isInstanceOf(InputError.class)
                .hasMessageMatching("batch 64 x 512 needs about \\d+ GB but the JVM may use 16 GB \\(JavaCPP's"
                        + " maxphysicalbytes, 4 x -Xmx unless set\\); lower train.batch_size or data.max_seq_len,"
                        + " or raise -Xmx via LORA_JAVA_OPTS");
    }

    @Test
    void aBatchBeyondPhysicalMemoryCannotBeHelpedByXmx() throws IOException {
        Limits small = new Limits(16 * GB, 64 * GB, 8 * GB, out -> 1000 * GB);
        assertThatThrownBy(() -> Preflight.check(config("train.batch_size=16"), GPT2, 512, small))
                .hasMessageMatching("batch 16 x 512 needs about \\d+ GB but this machine has 8.0 GB of memory;"
                        + " lower train.batch_size or data.max_seq_len")
                .hasMessageNotContaining("Xmx");
    }

    /** The repository's E2E setups, with E2E's longest examples (about 130 tokens), fit this project's 24 GB machines. */
    @Test
    void theE2eSetupsFitTwentyFourGigabytes() throws IOException {
        Limits machine = new Limits(16 * GB, 64 * GB, 24 * GB, out -> 100 * GB);
        assertThatCode(() -> Preflight.check(config("train.batch_size=8"), GPT2, 160, machine)).doesNotThrowAnyException();
        assertThatCode(() -> Preflight.check(config("train.batch_size=8"), GPT2_LARGE, 160, machine)).doesNotThrowAnyException();
        Preflight.Estimate e = Preflight.estimate(config("train.batch_size=8"), GPT2_LARGE, 160);
        assertThat(e.memory()).isBetween(6 * GB, 20 * GB);
    }

    @Test
    void estimateGrowsWithBatchAndLengthAndDtype() throws IOException {
        Preflight.Estimate small = Preflight.estimate(config("train.batch_size=4"), GPT2, 128);
        Preflight.Estimate twice = Preflight.estimate(config("train.batch_size=8"), GPT2, 128);
        Preflight.Estimate longer = Preflight.estimate(config("train.batch_size=4"), GPT2, 256);
        Preflight.Estimate doubles = Preflight.estimate(config("train.batch_size=4", "train.dtype=float64"), GPT2, 128);
        assertThat(twice.activations()).isGreaterThan(small.activations() * 18 / 10); // less the fixed loss chunk
        assertThat(longer.activations()).isGreaterThan(twice.activations()); // attention grows with T squared
        assertThat(doubles.activations()).isEqualTo(2 * small.activations());
        assertThat(doubles.weights()).isEqualTo(2 * small.weights());
        assertThat(small.weights()).isBetween(124_000_000L * 4, 126_000_000L * 4);
    }

    @Test
    void tooLittleHeapToLoadTheWeights() throws IOException {
        Limits heap1 = new Limits(1 * GB, 64 * GB, 256 * GB, out -> 1000 * GB);
        assertThatThrownBy(() -> Preflight.check(config("train.batch_size=1"), GPT2_LARGE, 64, heap1))
                .hasMessageMatching("loading the gpt2 weights needs about 2.9 GB of heap but -Xmx allows 1.0 GB;"
                        + " raise -Xmx via LORA_JAVA_OPTS");
    }

    @Test
    void tooLittleDiskForACheckpointNamesTheOutput() throws IOException {
        RunConfig c = config("lora.r=64", "lora.targets=[q, k, v, attn_proj, mlp_fc, mlp_proj, wte]", "lora.bias=all");
        Path out = c.output();
        List<Path> asked = new ArrayList<>();
        Limits full = new Limits(16 * GB, 64 * GB, 256 * GB, p -> {
            asked.add(p);
            return 20 * MB;
        });
        assertThatThrownBy(() -> Preflight.check(c, GPT2, 64, full))
                .hasMessageMatching(java.util.regex.Pattern.quote(out.toString())
                        + ": only 20 MB free on its disk but each checkpoint takes about \\d+ MB; free some space or"
                        + " choose another output");
        assertThat(asked).containsExactly(out);
        Limits unknown = new Limits(16 * GB, 64 * GB, 256 * GB, p -> -1);
        assertThatCode(() -> Preflight.check(c, GPT2, 64, unknown)).doesNotThrowAnyException();
    }

    @Test
    void checkpointIsAboutFourAdaptersInFloat32() throws IOException {
        RunConfig c = config("lora.r=8");
        long adapterBytes = Preflight.trainableParameters(c.lora(), GPT2) * 4;
        assertThat(Preflight.estimate(c, GPT2, 64).checkpoint()).isBetween(4 * adapterBytes, 4 * adapterBytes + MB);
    }

    @Test
    void theCurrentMachineHasPlausibleLimits() {
        Limits now = Limits.current();
        assertThat(now.heapBytes()).isEqualTo(Runtime.getRuntime().maxMemory());
        assertThat(now.physicalBytes()).isGreaterThan(GB);
        assertThat(now.processBytes()).isGreaterThanOrEqualTo(now.heapBytes());
        assertThat(now.usableDisk().applyAsLong(tmp.resolve("not/yet/made"))).isPositive();
    }

    /** The count Preflight computes from the config alone is the number of values LoraModel trains. */
    @Test
    void trainableParametersMatchTheModel() {
        Gpt2Weights tiny = Gpt2Loader.load(Scratch.MODEL, DataType.FLOAT);
        List<List<LoraTarget>> targetSets = List.of(List.of(LoraTarget.Q, LoraTarget.V), List.of(LoraTarget.K),
                List.of(LoraTarget.Q, LoraTarget.K, LoraTarget.V, LoraTarget.ATTN_PROJ, LoraTarget.MLP_FC, LoraTarget.MLP_PROJ),
                List.of(LoraTarget.WTE, LoraTarget.MLP_PROJ), List.of(LoraTarget.ATTN_PROJ, LoraTarget.MLP_FC));
        for (List<LoraTarget> targets : targetSets) {
            for (LoraBias bias : LoraBias.values()) {
                LoraSettings s = new LoraSettings(3, 8, 0, targets, bias, Optional.empty());
                long actual = LoraModel.create(tiny, s, 1).trainable().stream().mapToLong(p -> p.value().length()).sum();
                assertThat(Preflight.trainableParameters(s, tiny.config())).as(targets + " " + bias).isEqualTo(actual);
            }
        }
    }
}
