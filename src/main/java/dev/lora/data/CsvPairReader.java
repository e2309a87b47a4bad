package dev.lora.data;

import dev.lora.io.InputError;
import dev.lora.tokenizer.Gpt2Tokenizer;

import java.nio.file.Path;
import java.util.List;

/**
 * The E2E challenge's CSV ({@code mr,ref}) as pairs: the MR converted to the LoRA paper's text format is the
 * context, the reference the completion. Rows count from 1 after the header.
 */
final class CsvPairReader {
    private CsvPairReader() {
    }

    static Dataset read(Path file, Gpt2Tokenizer tok, int maxSeqLen) {
        List<E2eCsv.Row> rows = E2eCsv.read(file);
        DatasetBuilder out = new DatasetBuilder(file, maxSeqLen);
        for (int i = 0; i < rows.size(); i++) {
            E2eCsv.Row row = rows.get(i);
            if (row.ref() == null || row.ref().isBlank()) {
                throw InputError.at(file, i + 2, "no reference text in column 'ref'; evaluation needs mr,ref rows");
            }
            String context = E2eCsv.toLoraMr(row.mr());
            out.add(PromptFormat.promptTokens(tok, context), PromptFormat.completionTokens(tok, row.ref()),
                    new RawExample(context, row.ref(), i + 2));
        }
        return out.build("a header 'mr,ref' and one row per reference");
    }
}
