package dev.lora.reliability;

import dev.lora.config.ConfigLoader;
import dev.lora.config.RunConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutated run configs (config/ and configs/ seeds, YAML and JSON) with random --set overrides: the loader
 * answers with a config or an InputError, and every config it accepts survives toYaml and a reload unchanged.
 */
class ConfigFuzzTest {
    private static final String[] KEYS = {"model", "output", "data", "data.train", "data.valid", "data.max_seq_len", "lora",
            "lora.r", "lora.alpha", "lora.dropout", "lora.targets", "lora.bias", "lora.init", "train", "train.batch_size",
            "train.lr", "train.betas", "train.max_steps", "train.seed", "train.dtype", "train.shuffle", "train.eps",
            "train.lr.x", "x", ".", "train.", "a.b.c.d"};

    private record Seed(String name, String text) {
    }

    @Test
    void onlyInputErrorsAndAcceptedConfigsRoundTrip() throws Exception {
        List<Seed> seeds = List.of(
                new Seed("run.yaml", Scratch.readString(Scratch.RESOURCES.resolve("config/full.yaml"))),
                new Seed("run.json", Scratch.readString(Scratch.RESOURCES.resolve("config/full.json"))),
                new Seed("run.yaml", Scratch.readString(Scratch.REPO.resolve("configs/e2e-gpt2.yaml"))),
                new Seed("run.yml", Scratch.BASE_CONFIG.replace("$MODEL", Scratch.MODEL.toString())
                        .replace("$DATA", Scratch.DATA.toString()).replace("$OUT", "runs/x")));
        Path roundTrip = Files.createTempDirectory("lora-config-fuzz-").resolve("again.yaml");
        Fuzz.Stats stats = Fuzz.run("config", 2500, "run.yaml", rng -> {
            Seed seed = seeds.get(rng.nextInt(seeds.size()));
            Fuzz.Mutant m = rng.nextInt(3) == 0 ? lines(seed.text(), rng)
                    : Mutations.any(seed.text().getBytes(StandardCharsets.UTF_8), rng, 0.8);
            // The file name decides the parser; keep the seed's format (the bytes say which one it was).
            return new Fuzz.Mutant(m.bytes(), seed.name() + ": " + m.how());
        }, (file, rng) -> {
            Path typed = file.resolveSibling(rng.nextInt(4) == 0 ? "run.json" : "run.yaml");
            Files.move(file, typed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            List<String> overrides = new ArrayList<>();
            for (int n = rng.nextInt(4) == 0 ? 1 + rng.nextInt(2) : 0; n > 0; n--) overrides.add(override(rng));
            RunConfig c = ConfigLoader.load(typed, overrides);
            Files.writeString(roundTrip, c.toYaml());
            assertThat(ConfigLoader.load(roundTrip)).as("toYaml then load of\n" + c.toYaml()).isEqualTo(c);
        }, 256);
        Scratch.delete(roundTrip.getParent());
        stats.requireAccepted(0.05);
    }

    private static String override(Random rng) {
        String key = KEYS[rng.nextInt(KEYS.length)];
        String value = rng.nextBoolean() ? Mutations.NUMBERS[rng.nextInt(Mutations.NUMBERS.length)]
                : Mutations.TOKENS[rng.nextInt(Mutations.TOKENS.length)];
        return rng.nextInt(10) == 0 ? key + value : key + "=" + value;
    }

    /** Line-level edits, the way a config is damaged by hand: lines dropped, doubled, swapped or re-indented. */
    private static Fuzz.Mutant lines(String text, Random rng) {
        List<String> l = new ArrayList<>(List.of(text.split("\n", -1)));
        int i = rng.nextInt(l.size()), j = rng.nextInt(l.size());
        String how;
        switch (rng.nextInt(4)) {
            case 0 -> {
                l.remove(i);
                how = "line " + (i + 1) + " dropped";
            }
            case 1 -> {
                l.add(i, l.get(j));
                how = "line " + (j + 1) + " copied before line " + (i + 1);
            }
            case 2 -> {
                String a = l.get(i);
                l.set(i, l.get(j));
                l.set(j, a);
                how = "lines " + (i + 1) + " and " + (j + 1) + " swapped";
            }
            default -> {
                String line = l.get(i);
                l.set(i, rng.nextBoolean() ? "  " + line : line.replaceFirst("^ {1,2}", ""));
                how = "line " + (i + 1) + " re-indented";
            }
        }
        return new Fuzz.Mutant(String.join("\n", l).getBytes(StandardCharsets.UTF_8), how);
    }
}
