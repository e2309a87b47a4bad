package dev.lora.train;

import dev.lora.config.ComputeDtype;
import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.config.RunConfig;
import dev.lora.io.InputError;
import dev.lora.model.Gpt2Config;
import dev.lora.model.LmLoss;
import org.bytedeco.javacpp.Pointer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Checks, before the weights are loaded, that a run fits this machine: memory for the weights and the
 * activations of its largest batch, heap to load the weights, and disk for a checkpoint. Without it a run
 * too large for the machine dies in its first step (or is killed by the kernel without a word), and a full
 * disk is found at the first checkpoint, possibly hours in.
 *
 * <p>The memory estimate is deliberately plain: per token and layer about 16 * n_embd values kept for the
 * backward pass plus 2 * n_head * T attention weights, doubled for ND4J's temporaries, plus the loss's
 * logits chunk (256 rows of the vocabulary). Measured on the gpt2 geometry (batch 8 x 256, float32) the
 * process peaked at 4.3 GB with -Xmx1g, where this estimates 4.2 GB; with a large heap the peak grows
 * (7.7 GB with -Xmx12g) only because freed ND4J buffers wait for a garbage collection. Batches are padded
 * to their longest example, so the estimate uses the longest example in the data, not data.max_seq_len.
 */
public final class Preflight {
    /** The JVM, ND4J's libraries and everything that is not a tensor. */
    private static final long OVERHEAD = 256L << 20;
    private static final long DISK_MARGIN = 1L << 20;

    private Preflight() {
    }

    /**
     * What the run may use. {@code processBytes}: what JavaCPP lets the process hold, heap and native memory
     * together (org.bytedeco.javacpp.maxphysicalbytes, 4 x -Xmx unless set), past which ND4J's allocations fail.
     */
    public record Limits(long heapBytes, long processBytes, long physicalBytes, ToLongFunction<Path> usableDisk) {
        /** This JVM and machine. */
        public static Limits current() {
            long physical = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getTotalMemorySize() : Long.MAX_VALUE;
            long process = Pointer.maxPhysicalBytes() > 0 ? Pointer.maxPhysicalBytes() : Long.MAX_VALUE;
            return new Limits(Runtime.getRuntime().maxMemory(), process, physical, Preflight::usableSpace);
        }
    }

    /** Bytes a run needs; {@code longest} is the longest sequence (in tokens) of a batch. */
    public record Estimate(int batch, int longest, long weights, long activations, long loadHeap, long checkpoint) {
        public long memory() {
            return weights + activations + OVERHEAD;
        }
    }

    /** Fails with an InputError when the run cannot fit; {@code longest}: tokens of the longest example. */
    public static void check(RunConfig config, Gpt2Config model, int longest) {
        check(config, model, longest, Limits.current());
    }

    public static void check(RunConfig config, Gpt2Config model, int longest, Limits limits) {
        Estimate e = estimate(config, model, longest);
        String run = "batch " + e.batch() + " x " + e.longest();
        String fix = "lower train.batch_size or data.max_seq_len";
        if (e.memory() > limits.physicalBytes()) {
            throw new InputError(run + " needs about " + size(e.memory()) + " but this machine has " + size(limits.physicalBytes())
                    + " of memory; " + fix);
        }
        if (e.memory() > limits.processBytes()) {
            throw new InputError(run + " needs about " + size(e.memory()) + " but the JVM may use " + size(limits.processBytes())
                    + " (JavaCPP's maxphysicalbytes, 4 x -Xmx unless set); " + fix + ", or raise -Xmx via LORA_JAVA_OPTS");
        }
        if (e.loadHeap() > limits.heapBytes()) {
            throw new InputError("loading the " + config.model() + " weights needs about " + size(e.loadHeap())
                    + " of heap but -Xmx allows " + size(limits.heapBytes()) + "; raise -Xmx via LORA_JAVA_OPTS");
        }
        Path output = config.output();
        long free = limits.usableDisk().applyAsLong(output);
        if (free >= 0 && free < e.checkpoint() + DISK_MARGIN) {
            throw new InputError(output + ": only " + size(free) + " free on its disk but each checkpoint takes about "
                    + size(e.checkpoint()) + "; free some space or choose another output");
        }
    }

    public static Estimate estimate(RunConfig config, Gpt2Config m, int longest) {
        ComputeDtype dtype = config.train().dtype();
        int bytes = dtype == ComputeDtype.FLOAT64 ? 8 : 4;
        long e = m.nEmbd(), layers = m.nLayer(), vocab = m.vocabSize();
        long params = baseParameters(m);
        // bfloat16 holds the token embedding and the projections' weights in 2 bytes, the rest in float32.
        long matrices = vocab * e + layers * 12 * e * e;
        long weights = dtype == ComputeDtype.BFLOAT16 ? 2 * matrices + 4 * (params - matrices) : params * bytes;
        int batch = config.train().batchSize();
        long tokens = (long) batch * longest;
        long perTokenLayer = 16 * e + 2L * m.nHead() * longest;
        long activations = 2 * tokens * layers * perTokenLayer * bytes + Math.min(tokens, LmLoss.CHUNK) * vocab * 3 * bytes;
        long trainable = trainableParameters(config.lora(), m);
        // Adapter file (float32) plus state.bin: values and both AdamW moments in the compute dtype.
        long checkpoint = trainable * (4 + 3L * bytes) + (64L << 10);
        return new Estimate(batch, longest, weights + trainable * 4L * bytes, activations, params * 4, checkpoint);
    }

    /** GPT-2's parameters: token and position embeddings, per layer 12 e^2 + 13 e, the final LayerNorm. */
    public static long baseParameters(Gpt2Config m) {
        long e = m.nEmbd();
        return m.vocabSize() * e + (long) m.nPositions() * e + m.nLayer() * (12 * e * e + 13 * e) + 2 * e;
    }

    /** Adapter matrices A and B for every target, plus the biases lora.bias trains (as LoraModel builds them). */
    public static long trainableParameters(LoraSettings s, Gpt2Config m) {
        long r = s.r(), e = m.nEmbd();
        long qkv = s.targets().stream().filter(t -> t == LoraTarget.Q || t == LoraTarget.K || t == LoraTarget.V).count();
        boolean proj = s.targets().contains(LoraTarget.ATTN_PROJ), fc = s.targets().contains(LoraTarget.MLP_FC);
        boolean down = s.targets().contains(LoraTarget.MLP_PROJ);
        long perLayer = 2 * r * qkv * e + (proj ? 2 * r * e : 0) + (fc ? 5 * r * e : 0) + (down ? 5 * r * e : 0);
        if (s.bias() == LoraBias.ALL) perLayer += 11 * e; // ln_1, c_attn (3e), attn c_proj, ln_2, c_fc (4e), mlp c_proj
        if (s.bias() == LoraBias.LORA_ONLY) perLayer += (qkv > 0 ? 3 * e : 0) + (proj ? e : 0) + (fc ? 4 * e : 0) + (down ? e : 0);
        long total = m.nLayer() * perLayer + (s.bias() == LoraBias.ALL ? e : 0); // ln_f
        if (s.targets().contains(LoraTarget.WTE)) total += r * ((long) m.vocabSize() + e);
        return total;
    }

    /** Usable bytes on the disk the folder is (or will be) on: its nearest existing ancestor's; -1 if unknown. */
    static long usableSpace(Path folder) {
        Path p = folder.toAbsolutePath();
        while (p != null && !Files.exists(p)) p = p.getParent();
        if (p == null) return -1;
        try {
            return Files.getFileStore(p).getUsableSpace();
        } catch (IOException e) {
            return -1; // cannot tell: let the run try
        }
    }

    static String size(long bytes) {
        if (bytes >= 10L << 30) return (bytes + (1L << 29)) / (1L << 30) + " GB";
        if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
        return Math.max(1, (bytes + (1L << 19)) / (1L << 20)) + " MB";
    }
}
