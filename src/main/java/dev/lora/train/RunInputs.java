package dev.lora.train;

import dev.lora.config.RunConfig;
import dev.lora.config.TrainSettings;
import dev.lora.data.Dataset;
import dev.lora.data.DatasetReader;
import dev.lora.data.Example;
import dev.lora.io.InputError;
import dev.lora.io.ModelResolver;
import dev.lora.model.Gpt2Config;
import dev.lora.model.Gpt2Loader;
import dev.lora.tokenizer.Gpt2Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a run reads before its weights: the model folder and geometry, the tokenised data, the data order and the step
 * count. Memory and disk are checked here, before the (possibly large) weights are read, so a run that cannot fit
 * fails at once.
 */
record RunInputs(Path modelDir, Gpt2Config geometry, Dataset train, Optional<Dataset> valid, DataOrder order, long totalSteps,
                 int longest) {
    private static final Logger LOG = LoggerFactory.getLogger(RunInputs.class);

    List<Example> validExamples() {
        return valid.map(Dataset::examples).orElse(List.of());
    }

    static RunInputs read(RunConfig config) {
        TrainSettings ts = config.train();
        Path modelDir = ModelResolver.fromEnvironment().resolve(config.model());
        Gpt2Config geometry = Gpt2Loader.readConfig(modelDir);
        config.requireMaxSeqLenWithin(geometry.nPositions());
        Gpt2Tokenizer tokenizer = Gpt2Tokenizer.forModelFolder(modelDir);
        int maxSeqLen = config.data().maxSeqLen();
        Dataset train = DatasetReader.read(config.data().train(), tokenizer, maxSeqLen);
        Optional<Dataset> valid = config.data().valid().map(v -> DatasetReader.read(v, tokenizer, maxSeqLen));
        for (Dataset d : Stream.concat(Stream.of(train), valid.stream()).toList()) {
            if (d.truncated() > 0) {
                LOG.warn("{}: {} of {} examples are longer than data.max_seq_len={} and lose context tokens from the left",
                        d.file(), d.truncated(), d.size(), maxSeqLen);
            }
        }
        int longest = Stream.concat(train.examples().stream(), valid.stream().flatMap(d -> d.examples().stream()))
                .mapToInt(Example::length).max().orElse(2);
        Preflight.check(config, geometry, longest);
        int[] lengths = ts.groupByLength() ? train.examples().stream().mapToInt(Example::length).toArray() : null;
        DataOrder order = new DataOrder(train.size(), ts.batchSize(), ts.gradAccum(), ts.shuffle(), ts.seed(), lengths);
        long total = ts.maxSteps().isPresent() ? ts.maxSteps().getAsInt() : (long) ts.epochs() * order.stepsPerEpoch();
        if (ts.keepBest() && valid.isEmpty()) {
            throw new InputError("train.keep_best needs data.valid: the best adapter is the one with the lowest validation loss");
        }
        if (ts.warmupSteps() >= total) {
            LOG.warn("train.warmup_steps={} covers the whole run of {} steps: the learning rate never reaches train.lr={};"
                    + " lower train.warmup_steps", ts.warmupSteps(), total, ts.lr());
        }
        return new RunInputs(modelDir, geometry, train, valid, order, total, longest);
    }
}
