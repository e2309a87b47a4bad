package dev.lora.tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * GPT-2's byte-level BPE: text to token ids and back.
 *
 * <p>{@link #encode} treats its whole input as ordinary text: the string {@code <|endoftext|>} inside it is
 * spelled out with ordinary tokens, never turned into {@link #eosId()}, so data cannot inject control tokens.
 * Callers add {@link #eosId()} themselves where the format wants it.
 */
public interface Gpt2Tokenizer {

    /** Id of {@code <|endoftext|>} in GPT-2's vocabulary. */
    int GPT2_EOS_ID = 50256;

    int[] encode(String text);

    /**
     * Joins the tokens' bytes and decodes them as UTF-8, each invalid sequence becoming U+FFFD exactly as
     * Python's {@code bytes.decode("utf-8", errors="replace")} does (what Hugging Face's GPT-2 tokenizer uses).
     *
     * @throws IllegalArgumentException for an id outside [0, vocabSize)
     */
    String decode(int[] ids);

    /** The raw bytes of the tokens, for callers that must split text on byte boundaries (streaming output). */
    byte[] decodeBytes(int[] ids);

    /** Id of {@code <|endoftext|>}: separator and end-of-text marker. */
    int eosId();

    /** Number of ids, i.e. every valid id is in [0, vocabSize). */
    int vocabSize();

    /** Where the vocabulary came from, for logs. */
    String source();

    /** jtokkit's bundled r50k_base, which is the GPT-2 encoding. */
    static Gpt2Tokenizer builtIn() {
        return BuiltInTokenizer.get();
    }

    /**
     * GPT-2 byte-level BPE from a Hugging Face model folder's {@code vocab.json} and {@code merges.txt}
     * (equivalently OpenAI's {@code encoder.json} and {@code vocab.bpe}).
     *
     * @throws dev.lora.io.InputError naming the file (and line of the merges file) if either is malformed
     */
    static Gpt2Tokenizer fromFiles(Path vocabJson, Path mergesTxt) {
        return BpeFiles.load(vocabJson, mergesTxt);
    }

    /**
     * The tokenizer a model folder ships: {@code vocab.json} + {@code merges.txt} (Hugging Face), else
     * {@code encoder.json} + {@code vocab.bpe} (OpenAI), else the built-in GPT-2 encoding.
     */
    static Gpt2Tokenizer forModelFolder(Path dir) {
        for (String[] pair : new String[][] {{"vocab.json", "merges.txt"}, {"encoder.json", "vocab.bpe"}}) {
            Path vocab = dir.resolve(pair[0]);
            Path merges = dir.resolve(pair[1]);
            if (Files.isRegularFile(vocab) && Files.isRegularFile(merges)) {
                return fromFiles(vocab, merges);
            }
        }
        return builtIn();
    }
}
