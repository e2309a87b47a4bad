package dev.lora.data;

import dev.lora.io.InputError;
import dev.lora.tokenizer.Gpt2Tokenizer;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a fine-tuning dataset, choosing the format by extension:
 * <ul>
 * <li>{@code .txt}: one {@code context||completion} per line (the LoRA paper's E2E files);</li>
 * <li>{@code .jsonl}: {@code {"context": ..., "completion": ...}} per line, as strings or as token-id arrays;</li>
 * <li>{@code .csv}: the E2E challenge's {@code mr,ref} files, MRs converted to the LoRA paper's format;</li>
 * <li>{@code .json}: microsoft/LoRA's WebNLG and DART files ({@link TripleJson}), told apart by content.</li>
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
        return read(file, tok, maxSeqLen, Optional.empty());
    }

    /** As {@link #read(Path, Gpt2Tokenizer, int)}; {@code triples} names a .json file's kind instead of detecting it. */
    public static Dataset read(Path file, Gpt2Tokenizer tok, int maxSeqLen, Optional<TripleJson.Kind> triples) {
        if (maxSeqLen < 2) {
            throw new IllegalArgumentException("maxSeqLen must be at least 2 (one context and one completion token), got "
                    + maxSeqLen);
        }
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".txt")) return PairTextReader.read(file, tok, maxSeqLen);
        if (name.endsWith(".jsonl")) return JsonlReader.read(file, tok, maxSeqLen);
        if (name.endsWith(".csv")) return CsvPairReader.read(file, tok, maxSeqLen);
        if (name.endsWith(".json") || triples.isPresent()) return fromText(file, TripleJson.read(file, triples), tok, maxSeqLen);
        throw InputError.at(file, 0, "unknown dataset format; use .txt (context||completion per line), .jsonl"
                + " (one {\"context\": ..., \"completion\": ...} object per line), the E2E challenge's .csv (mr,ref)"
                + " or microsoft/LoRA's WebNLG/DART .json");
    }

    private static Dataset fromText(Path file, List<RawExample> texts, Gpt2Tokenizer tok, int maxSeqLen) {
        DatasetBuilder out = new DatasetBuilder(file, maxSeqLen);
        for (RawExample t : texts) {
            out.add(PromptFormat.promptTokens(tok, t.context()), PromptFormat.completionTokens(tok, t.completion()), t);
        }
        return out.build("reference texts");
    }
}
