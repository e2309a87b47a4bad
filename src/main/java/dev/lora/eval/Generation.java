package dev.lora.eval;

import dev.lora.data.Prompts;
import dev.lora.eval.generate.GenerationSettings;
import dev.lora.io.AtomicFiles;
import dev.lora.io.ModelResolver;
import dev.lora.model.Gpt2Loader;
import dev.lora.tokenizer.Gpt2Tokenizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code lora generate}: outputs for inputs that have no references (the challenge's test MRs, a file of contexts,
 * one prompt), decoded as {@code lora eval --metrics e2e} decodes. Writes {@code predictions.txt} (one output per
 * line) and {@code predictions.tsv} ({@code MR<TAB>output} under a header, the form the challenge's system outputs
 * take), atomically.
 */
public final class Generation {
    private static final Logger LOG = LoggerFactory.getLogger(Generation.class);

    private Generation() {
    }

    public record Options(String model, Optional<Path> adapter, List<Prompts> inputs, DataType dtype,
                          GenerationSettings generation, Optional<Integer> limit, Optional<Path> out, boolean checkWeights,
                          EvalWorkers.Factory workers) {
    }

    /** The outputs, one per input, in order. */
    public static List<String> run(Options o) {
        Path dir = ModelResolver.fromEnvironment().resolve(o.model());
        List<String> outputs;
        List<Prompts> inputs = o.limit().map(n -> o.inputs().subList(0, Math.min(n, o.inputs().size()))).orElse(o.inputs());
        try (EvalWorkers workers = o.workers().open(new EvalWorkers.Model(o.model(), dir, o.adapter(), o.dtype(), o.checkWeights()))) {
            outputs = Evaluation.generate(workers, Gpt2Loader.readConfig(dir), Gpt2Tokenizer.forModelFolder(dir),
                    inputs.stream().map(Prompts::context).toList(), o.generation());
        }
        o.out().ifPresent(out -> {
            Path txt = Evaluation.writePredictions(out, outputs);
            StringBuilder tsv = new StringBuilder("MR\toutput\n");
            for (int i = 0; i < outputs.size(); i++) tsv.append(oneLine(inputs.get(i).source())).append('\t').append(outputs.get(i)).append('\n');
            AtomicFiles.writeString(out.resolve("predictions.tsv"), tsv.toString());
            LOG.info("Wrote {} outputs to {} and {}", outputs.size(), txt, out.resolve("predictions.tsv"));
        });
        return outputs;
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\t\\r\\n]+", " ");
    }
}
