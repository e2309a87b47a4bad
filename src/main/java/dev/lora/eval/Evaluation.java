package dev.lora.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.data.ContextGroup;
import dev.lora.data.Dataset;
import dev.lora.data.DatasetReader;
import dev.lora.data.PromptFormat;
import dev.lora.data.TripleJson;
import dev.lora.eval.generate.GeneratedText;
import dev.lora.eval.generate.GenerationSettings;
import dev.lora.eval.generate.Generator;
import dev.lora.eval.metrics.E2eMetrics;
import dev.lora.eval.metrics.E2eScores;
import dev.lora.eval.metrics.meteor.MeteorResources;
import dev.lora.io.AtomicFiles;
import dev.lora.io.InputError;
import dev.lora.io.ModelResolver;
import dev.lora.io.TaskProgress;
import dev.lora.adapter.formats.AdapterReader;
import dev.lora.model.Gpt2Config;
import dev.lora.model.Gpt2Loader;
import dev.lora.model.Gpt2Model;
import dev.lora.model.Gpt2Weights;
import dev.lora.tokenizer.Gpt2Tokenizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code lora eval}: the loss over every reference and/or E2E generation quality. References are grouped
 * by identical context in order of first appearance; one output is generated per unique context and
 * scored against its group with the official E2E metrics. Writes {@code predictions.txt} (a line per
 * context), {@code references.txt} (each group's references, a blank line between groups: the official
 * scorer's format) and {@code metrics.json}.
 */
public final class Evaluation {
    private static final Logger LOG = LoggerFactory.getLogger(Evaluation.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final Set<String> METRIC_SETS = Set.of("loss", "e2e", "webnlg", "dart");
    /** The metric sets that generate outputs; one per run, as each writes its own files into the output folder. */
    public static final Set<String> GENERATION_SETS = Set.of("e2e", "webnlg", "dart");

    /**
     * @param format  a .json data set's kind, else detected from its content
     * @param refNum  for webnlg/dart, how many reference files to write and score (gpt2_decode.py's --ref_num)
     */
    public record Options(String model, Optional<Path> adapter, Path data, Optional<TripleJson.Kind> format,
                          Set<String> metrics, Optional<Integer> maxSeqLen,
                          int batchSize, DataType dtype, GenerationSettings generation, Optional<Integer> limit, Path out,
                          boolean checkWeights, MeteorResources meteor, int refNum, EvalWorkers.Factory workers) {
        public Options {
            // The CLI checks --batch-size for the user; this guards code that builds Options itself.
            if (batchSize < 1) throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
            if (refNum < 1) throw new IllegalArgumentException("refNum must be at least 1, got " + refNum);
        }
    }

    /** Returns metrics.json's content; E2E scores are rounded to 4 decimals as the official scorer prints them. */
    public static ObjectNode run(Options o) {
        for (String m : o.metrics()) {
            if (!METRIC_SETS.contains(m)) {
                throw new InputError("--metrics: unknown metric set '" + m + "' (use loss, e2e, webnlg or dart, or loss with one of them)");
            }
        }
        if (o.metrics().stream().filter(GENERATION_SETS::contains).count() > 1) {
            throw new InputError("--metrics: choose one of e2e, webnlg and dart per run (each writes its own output files)");
        }
        Path dir = ModelResolver.fromEnvironment().resolve(o.model());
        try (EvalWorkers workers = o.workers().open(new EvalWorkers.Model(o.model(), dir, o.adapter(), o.dtype(), o.checkWeights()))) {
            return run(o, dir, workers);
        }
    }

    private static ObjectNode run(Options o, Path dir, EvalWorkers workers) {
        Gpt2Config geometry = Gpt2Loader.readConfig(dir);
        int nPositions = geometry.nPositions();
        int maxSeqLen = o.maxSeqLen().orElse(nPositions);
        if (maxSeqLen < 2 || maxSeqLen > nPositions) {
            throw new InputError("--max-seq-len " + maxSeqLen + " is out of range: it must be in [2, " + nPositions + "]");
        }
        Gpt2Tokenizer tok = Gpt2Tokenizer.forModelFolder(dir);
        // Only the loss feeds whole sequences to the model; generation reads the references as text to score
        // against and the prompts are cut to fit below, so without the loss no example is too long.
        Dataset data = DatasetReader.read(o.data(), tok, o.metrics().contains("loss") ? maxSeqLen : Integer.MAX_VALUE, o.format());
        ObjectNode metrics = JSON.createObjectNode();
        if (o.metrics().contains("loss")) {
            DatasetLoss.Result r = DatasetLoss.combine(workers.losses(DatasetLoss.batches(data.examples(), o.batchSize())),
                    data.size());
            metrics.put("loss", r.loss());
            metrics.put("perplexity", r.perplexity());
            metrics.put("tokens", r.tokens());
            metrics.put("examples", r.examples());
            LOG.info("loss {} perplexity {} over {} tokens", String.format("%.6f", r.loss()), String.format("%.4f", r.perplexity()), r.tokens());
        }
        if (o.metrics().contains("e2e")) {
            List<ContextGroup> groups = data.contextGroups();
            if (o.limit().isPresent()) groups = groups.subList(0, Math.min(groups.size(), o.limit().get()));
            List<String> predictions = generate(workers, geometry, tok, groups.stream().map(ContextGroup::context).toList(),
                    o.generation());
            List<List<String>> references = groups.stream().map(ContextGroup::references).toList();
            writeTexts(o.out(), predictions, references);
            E2eScores scores = E2eMetrics.score(references, predictions, o.meteor());
            scores.asMap().forEach((name, value) -> metrics.put(name, rounded(value)));
            o.meteor().recordIn(metrics);
            metrics.put("contexts", groups.size());
        }
        for (String set : List.of("webnlg", "dart")) {
            if (o.metrics().contains(set)) {
                GenerationEvalRun.run(data, set.equals("webnlg"), o, metrics,
                        contexts -> generateIds(workers, geometry, tok, contexts, o.generation()), tok);
            }
        }
        AtomicFiles.writeString(o.out().resolve("metrics.json"), metrics.toPrettyString() + "\n");
        return metrics;
    }

    /** Loads the model from its resolved folder, with the adapter attached if there is one. */
    public static Gpt2Model loadModel(Path dir, Optional<Path> adapter, DataType dtype, boolean checkWeights) {
        Gpt2Weights base = Gpt2Loader.load(dir, dtype, checkWeights);
        if (adapter.isEmpty()) return new Gpt2Model(base);
        return AdapterReader.read(adapter.get()).attach(base).model();
    }

    /** The E2E scores of metrics.json as numbers, for quality gates. */
    public static Map<String, Double> scores(ObjectNode metrics) {
        Map<String, Double> out = new LinkedHashMap<>();
        metrics.fields().forEachRemaining(e -> {
            if (e.getValue().isNumber()) out.put(e.getKey(), e.getValue().asDouble());
        });
        return out;
    }

    /** One output per context, with a progress bar: the prompt is the context's tokens and the end-of-text token. */
    static List<String> generate(EvalWorkers workers, Gpt2Config geometry, Gpt2Tokenizer tok, List<String> contexts,
                                 GenerationSettings settings) {
        List<String> texts = new ArrayList<>();
        for (int[] ids : generateIds(workers, geometry, tok, contexts, settings)) texts.add(oneLine(GeneratedText.of(tok, ids)));
        return texts;
    }

    /** An output as one line of a file: a generated newline would shift every later line. */
    static String oneLine(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ");
    }

    /** The generated ids per context, in order. */
    static List<int[]> generateIds(EvalWorkers workers, Gpt2Config geometry, Gpt2Tokenizer tok, List<String> contexts,
                                   GenerationSettings settings) {
        int nPositions = geometry.nPositions();
        List<int[]> prompts = new ArrayList<>();
        for (String context : contexts) {
            int[] p = PromptFormat.promptTokens(tok, context);
            // Keep room for at least one new token; like training, drop context from the left.
            prompts.add(p.length < nPositions ? p : Arrays.copyOfRange(p, p.length - (nPositions - 1), p.length));
        }
        List<int[]> outputs;
        try (TaskProgress progress = new TaskProgress("generate", 0, contexts.size(), Math.max(1, contexts.size() / 20),
                TaskProgress.isTerminal())) {
            List<Generator.PromptBatch> plan = Generator.plan(geometry, prompts, settings);
            outputs = Generator.place(prompts.size(), plan, workers.decode(plan, settings, done -> progress.update(done, "contexts")));
        }
        return outputs;
    }

    /** OUT/predictions.txt: one output per line, the official scorer's system-output format. */
    static Path writePredictions(Path out, List<String> predictions) {
        Path file = out.resolve("predictions.txt");
        AtomicFiles.writeString(file, String.join("\n", predictions) + "\n");
        return file;
    }

    private static void writeTexts(Path out, List<String> predictions, List<List<String>> references) {
        writePredictions(out, predictions);
        StringBuilder refs = new StringBuilder();
        for (int i = 0; i < references.size(); i++) {
            if (i > 0) refs.append('\n');
            for (String r : references.get(i)) refs.append(r).append('\n');
        }
        AtomicFiles.writeString(out.resolve("references.txt"), refs.toString());
    }

    static BigDecimal rounded(double v) {
        return new BigDecimal(v).setScale(4, RoundingMode.HALF_EVEN);
    }
}
