package dev.lora.config;

import java.util.Locale;

/**
 * GPT-2 weight matrices that can carry a LoRA update. Q, K and V are the three column blocks of the fused
 * {@code attn.c_attn} projection (microsoft/LoRA adapts them separately, enabling only q and v for E2E).
 */
public enum LoraTarget {
    /** Query block of {@code attn.c_attn}. */
    Q,
    /** Key block of {@code attn.c_attn}. */
    K,
    /** Value block of {@code attn.c_attn}. */
    V,
    /** Attention output projection {@code attn.c_proj}. */
    ATTN_PROJ,
    /** MLP up-projection {@code mlp.c_fc}. */
    MLP_FC,
    /** MLP down-projection {@code mlp.c_proj}. */
    MLP_PROJ,
    /** Token embedding {@code wte} (tied to the LM head). */
    WTE;

    /** The name used in config files: q, k, v, attn_proj, mlp_fc, mlp_proj, wte. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
