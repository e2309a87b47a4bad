package dev.lora.bench;

import dev.lora.io.InputError;
import dev.lora.model.Gpt2Config;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Model geometries {@code lora bench} can build without any files. tiny keeps the real vocabulary so the
 * LM-head loss over 50257 columns is still in the picture even when the blocks are trivial.
 */
public enum Preset {
    TINY("tiny", 2, 32, 4),
    GPT2("gpt2", 12, 768, 12),
    GPT2_MEDIUM("gpt2-medium", 24, 1024, 16);

    private static final int VOCAB = 50257;
    private static final int POSITIONS = 1024;

    private final String id;
    private final int layers;
    private final int embd;
    private final int heads;

    Preset(String id, int layers, int embd, int heads) {
        this.id = id;
        this.layers = layers;
        this.embd = embd;
        this.heads = heads;
    }

    public String id() {
        return id;
    }

    public Gpt2Config config() {
        return new Gpt2Config(VOCAB, POSITIONS, embd, layers, heads, 1e-5, "gelu_new", true);
    }

    public static Preset parse(String s) {
        for (Preset p : values()) if (p.id.equals(s)) return p;
        throw new InputError("--preset must be one of " + ids() + ", got '" + s + "'");
    }

    static String ids() {
        return Arrays.stream(values()).map(Preset::id).collect(Collectors.joining(", "));
    }
}
