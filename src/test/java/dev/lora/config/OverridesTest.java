package dev.lora.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.lora.config.TestConfigs.MINIMAL;
import static dev.lora.config.TestConfigs.error;
import static dev.lora.config.TestConfigs.load;
import static org.assertj.core.api.Assertions.assertThat;

/** --set key.path=value: applied after the file, typed and checked exactly like file values. */
class OverridesTest {
    @TempDir
    Path dir;

    @Test
    void scalarsAndFlowListsOverrideFileValues() {
        RunConfig c = load(dir, MINIMAL + "lora:\n  r: 8\ntrain:\n  lr: 3e-4\n",
                "train.lr=1e-4", "lora.targets=[q,k,v]", "lora.r=16", "train.betas=[0.9, 0.98]",
                "train.shuffle=false", "train.dtype=float64", "model=gpt2-large");
        assertThat(c.train().lr()).isEqualTo(1e-4);
        assertThat(c.lora().targets()).containsExactly(LoraTarget.Q, LoraTarget.K, LoraTarget.V);
        assertThat(c.lora().r()).isEqualTo(16);
        assertThat(c.train().beta2()).isEqualTo(0.98);
        assertThat(c.train().shuffle()).isFalse();
        assertThat(c.train().dtype()).isEqualTo(ComputeDtype.FLOAT64);
        assertThat(c.model()).isEqualTo("gpt2-large");
    }

    @Test
    void createsKeysAndSectionsTheFileLacks() {
        RunConfig c = load(dir, MINIMAL, "train.max_steps=100", "data.valid=v.txt", "lora.init=runs/a");
        assertThat(c.train().maxSteps()).hasValue(100);
        assertThat(c.data().valid()).contains(Path.of("v.txt").toAbsolutePath());
        assertThat(c.lora().init()).contains(Path.of("runs/a").toAbsolutePath());
    }

    @Test
    void requiredKeysCanComeFromOverridesAlone() {
        RunConfig c = load(dir, "model: gpt2\n", "output=out", "data.train=t.txt");
        assertThat(c.output()).isEqualTo(Path.of("out").toAbsolutePath());
    }

    @Test
    void emptyValueUnsetsAnOptionalKey() {
        RunConfig c = load(dir, MINIMAL + "  valid: v.txt\ntrain:\n  max_steps: 10\n", "data.valid=",
                "train.max_steps=null");
        assertThat(c.data().valid()).isEmpty();
        assertThat(c.train().maxSteps()).isEmpty();
    }

    @Test
    void laterOverrideWins() {
        assertThat(load(dir, MINIMAL, "train.epochs=2", "train.epochs=7").train().epochs()).isEqualTo(7);
    }

    @Test
    void valueMayContainEqualsSigns() {
        assertThat(load(dir, MINIMAL, "output=runs/a=b").output()).isEqualTo(Path.of("runs/a=b").toAbsolutePath());
    }

    @Test
    void worksOnJsonConfigsToo() throws Exception {
        RunConfig c = ConfigLoader.load(ConfigLoaderTest.resource("full.json"), List.of("lora.r=2"));
        assertThat(c.lora().r()).isEqualTo(2);
    }

    @Test
    void unknownKeyGetsTheSameSuggestion() {
        assertThat(error(dir, MINIMAL, "train.learning_rate=1e-4")).isEqualTo(
                "--set train.learning_rate=1e-4: unknown key 'train.learning_rate'; did you mean 'train.lr'?");
        assertThat(error(dir, MINIMAL, "trian.lr=1e-4"))
                .isEqualTo("--set trian.lr=1e-4: unknown key 'trian'; did you mean 'train'?");
        assertThat(error(dir, MINIMAL, "lr=1e-4")).isEqualTo("--set lr=1e-4: unknown key 'lr'; did you mean 'train.lr'?");
    }

    @Test
    void wrongTypesAndRangesNameTheOverride() {
        assertThat(error(dir, MINIMAL, "lora.r=four"))
                .isEqualTo("--set lora.r=four: lora.r must be an integer, got the string 'four'");
        assertThat(error(dir, MINIMAL, "lora.targets=q,k")).startsWith("--set lora.targets=q,k: lora.targets must be"
                + " a list of q, k, v, attn_proj, mlp_fc, mlp_proj, wte, e.g. [q, v], got the string 'q,k'");
        assertThat(error(dir, MINIMAL, "train.lr=0"))
                .isEqualTo("--set train.lr=0: train.lr = 0 is out of range; it must be a finite number > 0");
        assertThat(error(dir, MINIMAL, "lora.targets=[q,q]"))
                .isEqualTo("--set lora.targets=[q,q]: lora.targets lists 'q' twice; list each target once");
    }

    @Test
    void fileErrorsStillPointAtTheFileWhenOverridesArePresent() {
        assertThat(error(dir, MINIMAL + "lora:\n  r: 0\n", "train.lr=1e-4"))
                .isEqualTo(TestConfigs.at(dir, 6) + "lora.r = 0 is out of range; it must be an integer >= 1");
    }

    @Test
    void malformedOverrides() {
        assertThat(error(dir, MINIMAL, "train.lr"))
                .isEqualTo("--set train.lr: expected --set key.path=value, e.g. --set train.lr=1e-4");
        assertThat(error(dir, MINIMAL, "=1")).isEqualTo("--set =1: expected --set key.path=value, e.g. --set train.lr=1e-4");
        assertThat(error(dir, MINIMAL, "train..lr=1")).startsWith("--set train..lr=1: expected --set key.path=value");
        assertThat(error(dir, MINIMAL, "train.lr.x=1")).isEqualTo(
                "--set train.lr.x=1: 'train.lr' holds a value, not a section of keys, so 'train.lr.x' cannot be set");
        assertThat(error(dir, MINIMAL + "lora:\n  r: 4\n", "lora.r.x=1")).isEqualTo(
                "--set lora.r.x=1: 'lora.r' holds a value, not a section of keys, so 'lora.r.x' cannot be set");
        assertThat(error(dir, MINIMAL, "model.name=gpt2")).isEqualTo(
                "--set model.name=gpt2: 'model' holds a value, not a section of keys, so 'model.name' cannot be set");
        assertThat(error(dir, MINIMAL, "lora.targets=[q, k")).startsWith(
                "--set lora.targets=[q, k: cannot read the value '[q, k' as YAML: expected ',' or ']'");
    }
}
