package dev.lora.bench;

import dev.lora.config.ComputeDtype;
import dev.lora.config.LoraTarget;
import dev.lora.io.InputError;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@code lora bench} measures. threads 0 keeps ND4J's own choice (one per core); generate adds
 * the beam-search decoding rate; data trains on a file's first {@code lines} examples instead of random batches.
 */
public record BenchOptions(Preset preset, int batch, int seq, int steps, int warmup, List<LoraTarget> targets,
                           DataType dtype, int threads, boolean generate, Optional<Path> data, int lines,
                           Optional<Path> writeTokens, int contexts, Optional<Path> writePrompts) {
    public BenchOptions {
        if (contexts < 1) throw new InputError("--contexts must be at least 1, got " + contexts);
        if (writePrompts.isPresent() && (data.isEmpty() || !generate)) throw new InputError("--write-prompts needs --data and --generate");
        if (lines < 1) throw new InputError("--lines must be at least 1, got " + lines);
        if (writeTokens.isPresent() && data.isEmpty()) throw new InputError("--write-tokens needs --data");
        targets = List.copyOf(targets);
        if (batch < 1) throw new InputError("--batch must be at least 1, got " + batch);
        // Two tokens is the least that leaves a prompt and a completion token.
        if (seq < 2) throw new InputError("--seq must be at least 2, got " + seq);
        if (seq > preset.config().nPositions()) {
            throw new InputError("--seq " + seq + " exceeds the model's " + preset.config().nPositions() + " positions");
        }
        if (steps < 1) throw new InputError("--steps must be at least 1, got " + steps);
        if (warmup < 0) throw new InputError("--warmup must not be negative, got " + warmup);
        if (threads < 0) throw new InputError("--threads must not be negative, got " + threads);
        if (targets.isEmpty()) throw new InputError("--targets must name at least one of q, k, v, attn_proj, mlp_fc, mlp_proj, wte");
    }

    public static DataType parseDtype(String s) {
        return ComputeDtype.parse("--dtype", s).nd4j();
    }

    public static List<LoraTarget> parseTargets(List<String> ids) {
        return ids.stream().map(String::strip).filter(s -> !s.isEmpty()).map(BenchOptions::target).toList();
    }

    private static LoraTarget target(String id) {
        for (LoraTarget t : LoraTarget.values()) if (t.id().equals(id)) return t;
        throw new InputError("--targets: unknown target '" + id + "' (use q, k, v, attn_proj, mlp_fc, mlp_proj, wte)");
    }
}
