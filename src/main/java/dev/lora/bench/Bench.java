package dev.lora.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.data.Batch;
import dev.lora.data.Example;
import dev.lora.adapter.LoraModel;
import dev.lora.model.Gpt2Config;
import dev.lora.model.Gpt2Weights;
import dev.lora.model.Param;
import dev.lora.train.AdamW;
import dev.lora.train.StepGradient;
import dev.lora.train.StepUpdater;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code lora bench}: times {@link StepGradient} and {@link StepUpdater} (what {@code lora train} runs per step) on a randomly
 * initialised model with the E2E LoRA setup, and reports one JSON object. scripts/bench/bench_torch.py
 * does the same work in PyTorch and prints the same fields, so the two can be set side by side.
 */
public final class Bench {
    /** The LoRA paper's E2E adapter shape; only the targets vary. */
    private static final int RANK = 4;
    private static final double ALPHA = 32, DROPOUT = 0.1;
    /** E2E optimiser settings; clipping is on so the step includes it, as the step does. */
    private static final double LR = 2e-4, WEIGHT_DECAY = 0.01, BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-6;
    private static final double LABEL_SMOOTHING = 0.1, CLIP_NORM = 1.0;
    private static final long SEED = 110;

    private Bench() {
    }

    /** One timed step: wall and process CPU seconds, and the loss (a sanity check: ~ln(vocab) at random init). */
    private record Step(double seconds, double cpuSeconds, double loss) {
    }

    public static ObjectNode run(BenchOptions o) {
        NativeThreads.Counts threads = NativeThreads.apply(o.threads());
        Gpt2Config config = o.preset().config();
        Gpt2Weights base = Gpt2Weights.random(config, o.dtype(), SEED);
        LoraSettings lora = new LoraSettings(RANK, ALPHA, DROPOUT, o.targets(), LoraBias.NONE, Optional.empty());
        LoraModel model = LoraModel.create(base, lora, SEED);
        AdamW optimizer = new AdamW(model.trainable(), BETA1, BETA2, EPS, WEIGHT_DECAY);
        StepGradient gradient = new StepGradient(model, LABEL_SMOOTHING, SEED);
        StepUpdater updater = new StepUpdater(model.trainable(), optimizer, CLIP_NORM, step -> LR, model.model().kernels());
        List<Batch> batches;
        if (o.data().isPresent()) {
            List<Example> examples = RealBatches.read(o.data().get(), o.lines(), config.nPositions());
            o.writeTokens().ifPresent(f -> RealBatches.writeTokens(examples, f));
            batches = RealBatches.batches(examples, o.batch());
        } else {
            batches = List.of(RandomBatch.of(config.vocabSize(), o.batch(), o.seq(), SEED));
        }

        // Warm-up takes the largest batches first: the step's workspace then has the size a long run settles at, so
        // the timed steps (the batches in file order) measure that steady state rather than the workspace's growth,
        // which a run of thousands of steps pays a handful of times. bench_torch.py warms up the same way.
        List<Batch> bySize = batches.stream().sorted(Comparator.comparingLong(Batch::realTokens).reversed()).toList();
        for (int i = 0; i < o.warmup(); i++) step(gradient, updater, i, bySize.get(i % bySize.size()));
        Step[] timed = new Step[o.steps()];
        long realTokens = 0;
        for (int i = 0; i < o.steps(); i++) {
            Batch batch = batches.get(i % batches.size());
            timed[i] = step(gradient, updater, o.warmup() + i, batch);
            realTokens += batch.realTokens();
        }
        double peakRss = ProcessStats.peakRssMb(); // before the probe, so it is the training step's peak
        double gflops = MatmulProbe.gflops(Gpt2Weights.compute(o.dtype()));
        boolean realDecode = o.generate() && o.data().isPresent();
        if (o.generate()) {
            // Decoding is measured as lora eval runs it, in a process holding no training step's memory: the step's
            // workspace (about 0.7 GB at GPT-2 small) is released, and so is the heap the step's arrays grew.
            Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
            System.gc();
        }
        Double decode = o.generate() && !realDecode ? DecodeBench.tokensPerSecond(model, SEED) : null;
        DecodeBench.RealRate real = realDecode ? DecodeBench.realContexts(model, o.data().get(), o.contexts(), o.writePrompts()) : null;

        double[] seconds = Arrays.stream(timed).mapToDouble(Step::seconds).toArray();
        double median = median(seconds);
        // Random batches: one batch, the median step. Real data: the batches differ, so all timed tokens (every row is
        // a real token) over all timed time; a median step would stand for one batch only.
        double tokensPerSecond = o.data().isPresent() ? realTokens / Arrays.stream(seconds).sum() : (double) o.batch() * o.seq() / median;
        ObjectNode out = new ObjectMapper().createObjectNode();
        out.put("impl", "lora-java");
        out.put("kernels", model.model().kernels().name());
        out.put("preset", o.preset().id());
        out.put("n_layer", config.nLayer());
        out.put("n_embd", config.nEmbd());
        out.put("n_head", config.nHead());
        out.put("vocab_size", config.vocabSize());
        out.put("params", count(base.params().values()));
        out.put("trainable_params", count(model.trainable()));
        ArrayNode targets = out.putArray("targets");
        o.targets().stream().map(LoraTarget::id).forEach(targets::add);
        out.put("r", RANK);
        out.put("dtype", o.dtype() == DataType.DOUBLE ? "float64" : o.dtype() == DataType.BFLOAT16 ? "bfloat16" : "float32");
        if (o.dtype() == DataType.BFLOAT16) out.put("bf16_products", model.model().kernels().bf16Products());
        out.put("float32_products", model.model().kernels().float32Products());
        out.put("batch", o.batch());
        out.put("seq", o.seq());
        out.put("loss_tokens", batches.get(0).lossTokens());
        if (o.data().isPresent()) {
            out.put("data", o.data().get().toString());
            out.put("lines", o.lines());
            out.put("real_tokens", realTokens);
        }
        out.put("warmup", o.warmup());
        out.put("steps", o.steps());
        out.put("threads", threads.blas());
        out.put("nd4j_threads", threads.nd4j());
        // Read by libgomp at load time, so only the launching environment can set it; see docs/performance.md.
        out.put("omp_wait_policy", System.getenv().getOrDefault("OMP_WAIT_POLICY", ""));
        out.put("train_tokens_per_s", tokensPerSecond);
        out.put("ms_per_step", median * 1e3);
        out.put("ms_per_step_min", Arrays.stream(seconds).min().orElseThrow() * 1e3);
        out.put("ms_per_step_max", Arrays.stream(seconds).max().orElseThrow() * 1e3);
        // Cores kept busy during the timed steps: about --threads when the pools took the setting and
        // nothing else competes for the machine.
        out.put("cpu_per_wall", Arrays.stream(timed).mapToDouble(Step::cpuSeconds).sum() / Arrays.stream(seconds).sum());
        // CPU time is what a step costs when other processes share the cores; wall time then mostly measures them.
        out.put("cpu_s_per_step", median(Arrays.stream(timed).mapToDouble(Step::cpuSeconds).toArray()));
        out.put("loss", timed[timed.length - 1].loss());
        out.put("peak_rss_mb", peakRss);
        out.put("matmul_gflops", gflops);
        out.put("gen_tokens_per_s", decode);
        if (real != null) {
            out.put("gen_contexts", real.contexts());
            out.put("gen_generated_tokens", real.generatedTokens());
            out.put("gen_contexts_per_s", real.contexts() / real.seconds());
            out.put("gen_real_tokens_per_s", real.generatedTokens() / real.seconds());
            // The whole run's peak resident memory, training step included: decoding's own when it is the larger.
            out.put("gen_peak_rss_mb", ProcessStats.peakRssMb());
        }
        return out;
    }

    private static Step step(StepGradient gradient, StepUpdater updater, long index, Batch batch) {
        double cpu0 = ProcessStats.cpuSeconds();
        long t0 = System.nanoTime();
        StepUpdater.Result r = updater.step(index, 1, () -> gradient.add(index, List.of(StepGradient.Shard.whole(batch)), 1));
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Step(seconds, ProcessStats.cpuSeconds() - cpu0, r.loss());
    }

    private static long count(java.util.Collection<Param> params) {
        return params.stream().mapToLong(p -> p.value().length()).sum();
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
