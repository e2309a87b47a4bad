package dev.lora.data;

import dev.lora.io.InputError;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Collects a file's examples as its reader parses them, fitting each to the maximum length. */
final class DatasetBuilder {
    private final Path file;
    private final int maxSeqLen;
    private final List<Example> examples = new ArrayList<>();
    private final List<RawExample> raw = new ArrayList<>();
    private int truncated;

    DatasetBuilder(Path file, int maxSeqLen) {
        this.file = file;
        this.maxSeqLen = maxSeqLen;
    }

    void add(int[] prompt, int[] completion, RawExample text) {
        if (SequenceFit.needsTruncation(prompt, completion, maxSeqLen)) truncated++;
        examples.add(SequenceFit.fit(prompt, completion, maxSeqLen, file, text.line()));
        raw.add(text);
    }

    Dataset build(String expected) {
        if (examples.isEmpty()) {
            throw InputError.at(file, 0, "has no examples; expected " + expected);
        }
        return new Dataset(file, examples, raw, truncated);
    }
}
