package dev.lora;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layering README's architecture section draws, read from the sources: which package may import which (each only
 * from the floors below it), and that only the host kernels touch array memory or call BLAS, so the nd4j kernels (the
 * GPU path) can never reach a host loop. This replaces a run-time guard that needed process-wide state.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/dev/lora");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.lora\\.([a-z0-9.]+)\\.[A-Z]", Pattern.MULTILINE);

    /** Package to the packages it may import. */
    private static final Map<String, Set<String>> MAY_IMPORT = Map.ofEntries(
            Map.entry("io", Set.of()),
            Map.entry("tokenizer", Set.of("io")),
            Map.entry("config", Set.of("io")),
            Map.entry("model.kernels", Set.of("io")),
            Map.entry("model.kernels.nd4j", Set.of("model.kernels")),
            Map.entry("model.kernels.host", Set.of("model.kernels", "model.kernels.nd4j")),
            Map.entry("model", Set.of("io", "model.kernels", "model.kernels.host", "model.kernels.nd4j")),
            Map.entry("data", Set.of("io", "tokenizer", "model")),
            Map.entry("adapter", Set.of("io", "config", "model", "model.kernels")),
            Map.entry("eval", Set.of("io", "tokenizer", "config", "model", "model.kernels", "data", "adapter")),
            Map.entry("train", Set.of("io", "tokenizer", "config", "model", "model.kernels", "data", "adapter", "eval")),
            Map.entry("spark", Set.of("io", "tokenizer", "config", "model", "model.kernels", "data", "adapter", "eval", "train")),
            Map.entry("bench", Set.of("io", "tokenizer", "config", "model", "model.kernels", "data", "adapter", "eval", "train")),
            Map.entry("cli", Set.of("io", "tokenizer", "config", "model", "model.kernels", "data", "adapter", "eval", "train", "spark",
                    "bench")));

    /** What only the host kernels may write: array memory, native pointers, OpenBLAS. */
    private static final List<String> HOST_ONLY = List.of("asNio", "addressPointer", "org.bytedeco.openblas", "cblas_");

    @Test
    void everyPackageImportsOnlyFromTheFloorsBelowIt() throws IOException {
        List<String> wrong = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (Path f : sources()) {
            String pkg = packageOf(f);
            seen.add(pkg);
            Set<String> allowed = MAY_IMPORT.get(pkg);
            if (allowed == null) {
                wrong.add(f + ": package " + pkg + " has no floor in this test");
                continue;
            }
            Matcher m = IMPORT.matcher(Files.readString(f));
            while (m.find()) {
                String to = topOf(m.group(1));
                if (!to.equals(pkg) && !allowed.contains(to)) wrong.add(f + " imports dev.lora." + m.group(1));
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(seen).containsAll(MAY_IMPORT.keySet());
    }

    @Test
    void onlyTheHostKernelsTouchArrayMemoryOrBlas() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Path f : sources()) {
            String pkg = packageOf(f);
            if (pkg.equals("model.kernels.host") || pkg.equals("bench")) continue; // bench measures ND4J's own gemm
            String text = Files.readString(f);
            for (String s : HOST_ONLY) if (text.contains(s)) wrong.add(f + " uses " + s);
            for (String s : List.of("Nd4j.gemm", "Nd4j.matmul", "Transforms.softmax", "new Mmul")) {
                if (!pkg.startsWith("model.kernels") && text.contains(s)) wrong.add(f + " computes a product or softmax past the kernels: " + s);
            }
        }
        assertThat(wrong).isEmpty();
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> s = Files.walk(MAIN)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** dev/lora/model/kernels/host/Blas.java -> model.kernels.host; dev/lora/eval/metrics/Bleu.java -> eval. */
    private static String packageOf(Path file) {
        String rel = MAIN.relativize(file.getParent()).toString().replace('/', '.');
        return topOf(rel);
    }

    /** Subpackages count as their package, but for the kernels' three. */
    private static String topOf(String pkg) {
        if (pkg.startsWith("model.kernels")) return pkg;
        int dot = pkg.indexOf('.');
        return dot < 0 ? pkg : pkg.substring(0, dot);
    }
}
