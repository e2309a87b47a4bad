package dev.lora.data;

import dev.lora.io.InputError;
import dev.lora.tokenizer.Gpt2Tokenizer;
import dev.lora.tokenizer.Utf8;

import java.nio.file.Path;
import java.util.List;

/**
 * Reads the LoRA paper's E2E text format: one {@code context||completion} per line, UTF-8.
 *
 * <p>Each line is stripped of surrounding whitespace before it is split, as microsoft/LoRA's
 * format_converting_e2e.py does ({@code line.strip().split('||')}): the E2E files end every line with a space,
 * and the paper's models were trained and scored on completions without it. The line is split at its first
 * "||"; any later "||" stays in the completion (LoRA's script would drop the text after it). Blank lines are
 * skipped; line numbers in errors are the file's own.
 */
final class PairTextReader {
    static final String SEPARATOR = "||";

    private PairTextReader() {
    }

    static Dataset read(Path file, Gpt2Tokenizer tok, int maxSeqLen) {
        List<String> lines = Utf8.readLines(file);
        DatasetBuilder out = new DatasetBuilder(file, maxSeqLen);
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = PythonText.strip(lines.get(i));
            if (line.isEmpty()) continue;
            int sep = line.indexOf(SEPARATOR);
            if (sep < 0) {
                throw InputError.at(file, lineNo, "no '||' between context and completion; each line must be context||completion");
            }
            String context = line.substring(0, sep);
            String completion = line.substring(sep + SEPARATOR.length());
            if (completion.isEmpty()) {
                throw InputError.at(file, lineNo, "empty completion after '||'; give the target text after '||' or remove the line");
            }
            out.add(PromptFormat.promptTokens(tok, context), PromptFormat.completionTokens(tok, completion),
                    new RawExample(context, completion, lineNo));
        }
        return out.build("one context||completion per line");
    }
}
