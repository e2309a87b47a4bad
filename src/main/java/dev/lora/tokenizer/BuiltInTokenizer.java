package dev.lora.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

/** jtokkit's r50k_base, GPT-2's encoding, built once on first use (holder idiom: immutable once built). */
final class BuiltInTokenizer {
    private static final int VOCAB_SIZE = 50257;

    private BuiltInTokenizer() {
    }

    static Gpt2Tokenizer get() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final Gpt2Tokenizer INSTANCE = build();
    }

    private static Gpt2Tokenizer build() {
        Encoding encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
        // In r50k_base ranks are GPT-2's ids, and 50256 is the special <|endoftext|> whose bytes are its name.
        byte[][] idToBytes = new byte[VOCAB_SIZE][];
        IntArrayList one = new IntArrayList(1);
        one.add(0);
        for (int id = 0; id < VOCAB_SIZE; id++) {
            one.set(0, id);
            idToBytes[id] = encoding.decodeBytes(one);
        }
        return new BytePairTokenizer(encoding, null, idToBytes, Gpt2Tokenizer.GPT2_EOS_ID, "built-in GPT-2 (jtokkit r50k_base)");
    }
}
