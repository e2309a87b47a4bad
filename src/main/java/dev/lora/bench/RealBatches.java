package dev.lora.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.data.Batch;
import dev.lora.data.DatasetReader;
import dev.lora.data.Example;
import dev.lora.io.AtomicFiles;
import dev.lora.io.InputError;
import dev.lora.tokenizer.Gpt2Tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * {@code lora bench --data FILE}: the first {@code lines} examples of a data file (GPT-2's tokenizer, the sequence
 * {@code lora train} builds), in file order, as micro-batches of {@code batch}: real work, with E2E's short and
 * uneven examples. The examples can be written as token-id JSONL, so another implementation trains on exactly
 * these tokens (scripts/bench/bench_torch.py --data).
 */
final class RealBatches {
    private RealBatches() {
    }

    static List<Example> read(Path file, int lines, int maxSeqLen) {
        List<Example> all = DatasetReader.read(file, Gpt2Tokenizer.builtIn(), maxSeqLen).examples();
        if (all.size() < lines) throw new InputError(file + ": --lines " + lines + " but the file holds " + all.size() + " examples");
        return all.subList(0, lines);
    }

    static List<Batch> batches(List<Example> examples, int batch) {
        List<Batch> out = new ArrayList<>();
        for (int from = 0; from < examples.size(); from += batch) {
            int to = Math.min(examples.size(), from + batch);
            out.add(Batch.of(examples.subList(from, to), IntStream.range(from, to).toArray()));
        }
        return out;
    }

    /** One {"context": [ids], "completion": [ids]} per line: the token-id JSONL lora reads. */
    static void writeTokens(List<Example> examples, Path file) {
        ObjectMapper json = new ObjectMapper();
        StringBuilder out = new StringBuilder();
        for (Example e : examples) {
            ObjectNode n = json.createObjectNode();
            int[] t = e.tokens();
            int[] context = Arrays.copyOfRange(t, 0, e.completionStart()); // ends with the separator, as lora reads it
            int[] completion = Arrays.copyOfRange(t, e.completionStart(), t.length);
            n.set("context", json.valueToTree(context));
            n.set("completion", json.valueToTree(completion));
            out.append(n).append('\n');
        }
        AtomicFiles.writeString(file, out.toString());
    }
}
