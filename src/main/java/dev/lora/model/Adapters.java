package dev.lora.model;

/**
 * Where adapters attach: the model asks this for every projection and for the token embedding
 * while it is built, so adapter layers (package lora) wrap the frozen base layers without the
 * model knowing about them.
 */
public interface Adapters {
    /** The four projections of a GPT-2 block, by their Hugging Face module names. */
    enum Site {
        C_ATTN("attn.c_attn"), ATTN_PROJ("attn.c_proj"), MLP_FC("mlp.c_fc"), MLP_PROJ("mlp.c_proj");

        public final String module;

        Site(String module) {
            this.module = module;
        }
    }

    Linear wrap(int layer, Site site, Conv1D base);

    TokenEmbedding wrapEmbedding(Embedding base);

    /** No adapters: the plain GPT-2. */
    Adapters NONE = new Adapters() {
        @Override
        public Linear wrap(int layer, Site site, Conv1D base) {
            return base;
        }

        @Override
        public TokenEmbedding wrapEmbedding(Embedding base) {
            return base;
        }
    };
}
