package dev.lora.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.data.Dataset;
import dev.lora.data.GenerationEvalFiles;
import dev.lora.data.RawExample;
import dev.lora.eval.metrics.GenerationEval;
import dev.lora.eval.metrics.GenerationEvalScores;
import dev.lora.tokenizer.Gpt2Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * {@code lora eval --metrics webnlg|dart}: one output per distinct context, decoded and written as microsoft/LoRA's
 * gpt2_decode.py writes them ({@code --tokenize --lower}, {@code --ref_num}), then scored as GenerationEval scores
 * those files. For WebNLG the seen (S) and unseen (U) categories are written and scored too, beside all (A):
 * {@code OUT/hypothesis} and {@code OUT/references/reference0..}, {@code OUT/seen/...}, {@code OUT/unseen/...}.
 * In metrics.json, {@code BLEU} etc. are all contexts; {@code BLEU_S}, {@code BLEU_U} etc. the subsets.
 */
final class GenerationEvalRun {
    private static final Logger LOG = LoggerFactory.getLogger(GenerationEvalRun.class);

    private record Subset(String suffix, String folder, Predicate<RawExample> keep) {
    }

    private GenerationEvalRun() {
    }

    static void run(Dataset data, boolean webNlg, Evaluation.Options o, ObjectNode metrics,
                    Function<List<String>, List<int[]>> generate, Gpt2Tokenizer tok) {
        List<Map.Entry<String, List<String>>> all = GenerationEvalFiles.groups(data.raw(), r -> true);
        if (o.limit().isPresent()) all = all.subList(0, Math.min(all.size(), o.limit().get()));
        List<String> contexts = all.stream().map(Map.Entry::getKey).toList();
        List<int[]> ids = generate.apply(contexts);
        Map<String, String> outputs = new HashMap<>();
        List<String> predictions = new ArrayList<>();
        for (int i = 0; i < contexts.size(); i++) {
            // gpt2_decode.py's cut, then one line per output as for E2E.
            String text = Evaluation.oneLine(GenerationEvalFiles.cut(tok.decode(ids.get(i))));
            outputs.put(contexts.get(i), text);
            predictions.add(text);
        }
        Evaluation.writePredictions(o.out(), predictions);

        List<Subset> subsets = new ArrayList<>(List.of(new Subset("", "", r -> true)));
        if (webNlg) {
            subsets.add(new Subset("_S", "seen", r -> r.category().map(RawExample.Category::seen).orElse(false)));
            subsets.add(new Subset("_U", "unseen", r -> r.category().map(c -> !c.seen()).orElse(false)));
        }
        for (Subset s : subsets) {
            List<GenerationEvalFiles.Segment> segments = new ArrayList<>();
            for (Map.Entry<String, List<String>> g : GenerationEvalFiles.groups(data.raw(), s.keep())) {
                String hyp = outputs.get(g.getKey());
                if (hyp != null) segments.add(new GenerationEvalFiles.Segment(hyp, g.getValue()));
            }
            metrics.put("contexts" + s.suffix(), segments.size());
            if (segments.isEmpty()) continue;
            Path dir = s.folder().isEmpty() ? o.out() : o.out().resolve(s.folder());
            GenerationEvalFiles.write(dir.resolve("hypothesis"), dir.resolve("references"), segments, o.refNum());
            // Scored from the files as written, so `lora score` on them (or GenerationEval itself) reads the same.
            GenerationEvalFiles.Texts texts = GenerationEvalFiles.read(dir.resolve("hypothesis"), dir.resolve("references"));
            GenerationEvalScores scores = GenerationEval.score(texts.hypothesis(), texts.references(), o.meteor());
            scores.asMap().forEach((name, value) -> metrics.put(name + s.suffix(), Evaluation.rounded(value)));
            LOG.info("{}{}: {} over {} contexts", webNlg ? "webnlg" : "dart", s.suffix(), scores.asMap(), segments.size());
        }
        o.meteor().recordIn(metrics);
    }
}
