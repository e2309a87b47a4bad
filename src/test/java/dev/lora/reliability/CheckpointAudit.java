package dev.lora.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Checks a checkpoints/ folder the way a resume would, from the outside: every step-N folder has a
 * trainer_state.json for step N whose SHA-256 list matches its files exactly. Written apart from
 * Checkpoint.verify so the test does not trust the code it tests.
 */
final class CheckpointAudit {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointAudit() {
    }

    /** step-N folders, oldest first. */
    static List<Path> steps(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) return List.of();
        try (Stream<Path> s = Files.list(checkpoints)) {
            return s.filter(p -> p.getFileName().toString().matches("step-\\d+"))
                    .sorted((a, b) -> Long.compare(step(a), step(b))).toList();
        }
    }

    /** Hidden leftovers of interrupted atomic writes (.step-N.tmp-*, .step-N.old-*). */
    static List<String> leftovers(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) return List.of();
        try (Stream<Path> s = Files.list(checkpoints)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).sorted().toList();
        }
    }

    static long step(Path stepDir) {
        return Long.parseLong(stepDir.getFileName().toString().substring("step-".length()));
    }

    /** What is wrong with each damaged step-N folder; empty when all verify. */
    static List<String> problems(Path checkpoints) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path dir : steps(checkpoints)) {
            String p = problem(dir);
            if (p != null) out.add(dir.getFileName() + ": " + p);
        }
        return out;
    }

    private static String problem(Path dir) throws IOException {
        Path stateFile = dir.resolve("trainer_state.json");
        if (!Files.isRegularFile(stateFile)) return "no trainer_state.json";
        JsonNode state = JSON.readTree(stateFile.toFile());
        if (state.path("step").asLong(-1) != step(dir)) return "trainer_state.json is for step " + state.path("step");
        JsonNode sums = state.path("sha256");
        TreeSet<String> listed = new TreeSet<>();
        sums.fieldNames().forEachRemaining(listed::add);
        TreeSet<String> present = new TreeSet<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(f).toString();
                if (!rel.equals("trainer_state.json")) present.add(rel);
            }
        }
        if (!listed.equals(present)) return "files " + present + " but checksums for " + listed;
        for (String rel : listed) {
            if (!sums.get(rel).asText().equals(sha256(dir.resolve(rel)))) return rel + " does not match its checksum";
        }
        return null;
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
