package dev.lora.data;

import dev.lora.io.InputError;
import dev.lora.tokenizer.Gpt2Tokenizer;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a fine-tuning dataset, choosing the format by extension:
 * <ul>
 * <li>{@code .txt}: one {@code context||completion} per line (the LoRA paper's E2E files);</li>
 * <li>{@code .jsonl}: {@code {"context": ..., "completion": ...}} per line, as strings or as token-id arrays;</li>
 * <li>{@code .csv}: the E2E challenge's {@code mr,ref} files, MRs converted to the LoRA paper's format.</li>
 * </ul>
 * Text becomes {@code enc(context) + [eos] + enc(" " + completion) + [eos]} ({@link PromptFormat}); sequences
 * longer than {@code maxSeqLen} lose context tokens from the left.
 *
 * @throws InputError naming file and line for anything malformed, and for an empty file
 */
public final class DatasetReader {
    private DatasetReader() {
    }

    public static Dataset read(Path file, Gpt2Tokenizer tok, int maxSeqLen) {
        if (maxSeqLen < 2) {
            throw new IllegalArgumentException("maxSeqLen must be at least 2 (one context and one completion token), got "
                    + maxSeqLen);
        }
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".txt")) return PairTextReader.read(file, tok, maxSeqLen);
        if (name.endsWith(".jsonl")) return JsonlReader.read(file, tok, maxSeqLen);
        if (name.endsWith(".csv")) return CsvPairReader.read(file, tok, maxSeqLen);
        throw InputError.at(file, 0, "unknown dataset format; use .txt (context||completion per line), .jsonl"
                + " (one {\"context\": ..., \"completion\": ...} object per line) or the E2E challenge's .csv (mr,ref)");
    }
}
