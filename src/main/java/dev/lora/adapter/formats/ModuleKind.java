package dev.lora.adapter.formats;

import dev.lora.config.LoraTarget;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GPT-2 modules an adapter can change, by Hugging Face module name ({@code transformer.h.3.mlp.c_fc},
 * {@code transformer.wte}). {@link #suffix} is also the name PEFT's {@code target_modules} matches: PEFT
 * matches by suffix, so "c_proj" alone would select both attn.c_proj and mlp.c_proj.
 */
enum ModuleKind {
    C_ATTN("attn.c_attn", null), ATTN_PROJ("attn.c_proj", LoraTarget.ATTN_PROJ), MLP_FC("mlp.c_fc", LoraTarget.MLP_FC),
    MLP_PROJ("mlp.c_proj", LoraTarget.MLP_PROJ), WTE("wte", LoraTarget.WTE);

    private static final Pattern LAYER = Pattern.compile("transformer\\.h\\.(\\d{1,6})\\.(attn\\.c_attn|attn\\.c_proj|mlp\\.c_fc|mlp\\.c_proj)");
    static final String WTE_MODULE = "transformer.wte";

    final String suffix;
    /** The target this module stands for; null for c_attn, whose targets are its q, k, v slices. */
    final LoraTarget target;

    ModuleKind(String suffix, LoraTarget target) {
        this.suffix = suffix;
        this.target = target;
    }

    /** A module of an adapter: its kind and layer (-1 for the embedding). */
    record Name(ModuleKind kind, int layer) {
        String module() {
            return kind == WTE ? WTE_MODULE : "transformer.h." + layer + "." + kind.suffix;
        }
    }

    /** The kind and layer of a canonical module name, if it is one an adapter can change. */
    static Optional<Name> parse(String module) {
        if (module.equals(WTE_MODULE)) return Optional.of(new Name(WTE, -1));
        Matcher m = LAYER.matcher(module);
        if (!m.matches()) return Optional.empty();
        for (ModuleKind k : values()) {
            if (k.suffix.equals(m.group(2))) return Optional.of(new Name(k, Integer.parseInt(m.group(1))));
        }
        return Optional.empty();
    }

    /** Hugging Face parameter names with or without the model's {@code transformer.} prefix, made canonical. */
    static String canonical(String name) {
        return name.startsWith("transformer.") || name.startsWith("lm_head.") ? name : "transformer." + name;
    }
}
