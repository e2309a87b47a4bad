package dev.lora.config;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The low-rank adapters: where they go, their rank and scale.
 *
 * @param r       rank of each update B·A (key {@code lora.r})
 * @param alpha   the update is scaled by alpha / r (key {@code lora.alpha})
 * @param dropout dropout on the adapter input, in [0, 1) (key {@code lora.dropout})
 * @param targets matrices that get an adapter, in config order, no duplicates (key {@code lora.targets})
 * @param bias    which biases are trained too (key {@code lora.bias})
 * @param init    adapter folder to start from instead of the usual A random / B zero init (key {@code lora.init})
 */
public record LoraSettings(int r, double alpha, double dropout, List<LoraTarget> targets, LoraBias bias,
                           Optional<Path> init) {

    /** The key table's defaults: the LoRA paper's E2E setup, adapters on q and v (see {@link ConfigKeys}). */
    public static final LoraSettings DEFAULTS = ConfigLoader.defaults(LoraSettings.class);

    public LoraSettings {
        Checks.atLeast("lora.r", r, 1);
        Checks.positive("lora.alpha", alpha);
        Checks.unitInterval("lora.dropout", dropout);
        Checks.present("lora.targets", targets);
        targets = List.copyOf(targets);
        if (targets.isEmpty()) {
            throw new ConfigValueError("lora.targets",
                    "lora.targets is empty; list at least one of " + allowedTargets() + ", e.g. [q, v]");
        }
        Set<LoraTarget> seen = EnumSet.noneOf(LoraTarget.class);
        for (LoraTarget t : targets) {
            if (!seen.add(t)) {
                throw new ConfigValueError("lora.targets",
                        "lora.targets lists '" + t.id() + "' twice; list each target once");
            }
        }
        Checks.present("lora.bias", bias);
        Objects.requireNonNull(init, "init (use Optional.empty())");
    }

    /** The factor alpha / r that multiplies B·A x. */
    public double scaling() {
        return alpha / r;
    }

    static String allowedTargets() {
        return EnumSet.allOf(LoraTarget.class).stream().map(LoraTarget::id).collect(Collectors.joining(", "));
    }
}
