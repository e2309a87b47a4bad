package dev.lora.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.io.AtomicFiles;
import dev.lora.io.InputError;
import dev.lora.adapter.AdapterFiles;
import dev.lora.adapter.LoraModel;
import dev.lora.model.Param;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A training checkpoint folder {@code checkpoints/step-N/}: the adapter as users load it
 * ({@code adapter/}), the exact trainable values and AdamW moments in the compute dtype
 * ({@code state.bin}, so a resumed run continues bit for bit), and {@code trainer_state.json}
 * with the step and a SHA-256 of every other file, which {@link #verify} checks before a resume.
 */
public record Checkpoint(Path dir, long step) {
    static final String STATE = "state.bin";
    static final String TRAINER_STATE = "trainer_state.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Writes step {@code step} into {@code checkpoints/step-N} atomically: a crash leaves the old checkpoints intact. */
    static Checkpoint save(Path checkpoints, long step, long totalSteps, LoraModel model, AdamW optimizer, String baseModel,
                           RunFingerprint run) {
        Path dir = checkpoints.resolve("step-" + step);
        AtomicFiles.writeFolder(dir, folder -> {
            AdapterFiles.writeInto(folder.resolve("adapter"), model, baseModel);
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(folder.resolve(STATE))))) {
                for (Param p : model.trainable()) Nd4j.write(p.value(), out);
                for (INDArray a : optimizer.firstMoments()) Nd4j.write(a, out);
                for (INDArray a : optimizer.secondMoments()) Nd4j.write(a, out);
            }
            ObjectNode state = JSON.createObjectNode();
            state.put("step", step);
            state.put("total_steps", totalSteps);
            state.put("adam_steps", optimizer.steps());
            state.set("run", run.toJson());
            ObjectNode sums = state.putObject("sha256");
            for (Path f : filesOf(folder)) sums.put(folder.relativize(f).toString(), sha256(f));
            Files.writeString(folder.resolve(TRAINER_STATE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
        });
        return new Checkpoint(dir, step);
    }

    /** Throws naming the first file that is missing, extra or whose checksum differs. */
    void verify() {
        JsonNode state = trainerState();
        JsonNode sums = state.get("sha256");
        if (sums == null) throw damaged("no checksums in " + TRAINER_STATE);
        List<String> seen = new ArrayList<>();
        try {
            for (Path f : filesOf(dir)) {
                String rel = dir.relativize(f).toString();
                seen.add(rel);
                if (!sums.has(rel)) throw damaged("unexpected file " + rel);
                if (!sums.get(rel).asText().equals(sha256(f))) throw damaged(rel + " does not match its checksum");
            }
        } catch (IOException e) {
            throw damaged(e.getMessage());
        }
        sums.fieldNames().forEachRemaining(n -> {
            if (!seen.contains(n)) throw damaged("missing file " + n);
        });
        if (state.path("step").asLong(-1) != step) throw damaged("step in " + TRAINER_STATE + " is not " + step);
    }

    /** Restores trainable values and optimiser moments into a model and optimiser built with the same settings. */
    void restore(LoraModel model, AdamW optimizer) {
        List<Param> params = model.trainable();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(dir.resolve(STATE))))) {
            for (Param p : params) p.value().assign(checkedShape(Nd4j.read(in), p.value(), p.name()));
            List<INDArray> first = new ArrayList<>(), second = new ArrayList<>();
            for (Param p : params) first.add(checkedShape(Nd4j.read(in), p.value(), p.name()));
            for (Param p : params) second.add(checkedShape(Nd4j.read(in), p.value(), p.name()));
            optimizer.restore(trainerState().get("adam_steps").asLong(), first, second);
        } catch (IOException | RuntimeException e) {
            if (e instanceof InputError ie) throw ie;
            throw damaged("cannot read " + STATE + ": " + e.getMessage());
        }
    }

    private INDArray checkedShape(INDArray read, INDArray like, String name) {
        if (!java.util.Arrays.equals(read.shape(), like.shape()) || read.dataType() != like.dataType()) {
            throw new InputError(dir + ": state of '" + name + "' is " + read.dataType() + java.util.Arrays.toString(read.shape())
                    + " but this run has " + like.dataType() + java.util.Arrays.toString(like.shape())
                    + "; resume with the config the checkpoint was made with");
        }
        return read;
    }

    JsonNode trainerState() {
        try {
            return JSON.readTree(Files.readString(dir.resolve(TRAINER_STATE)));
        } catch (IOException e) {
            throw damaged("cannot read " + TRAINER_STATE + ": " + e.getMessage());
        }
    }

    private InputError damaged(String why) {
        return new InputError(dir + ": checkpoint is damaged: " + why);
    }

    private static List<Path> filesOf(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals(TRAINER_STATE)).sorted().toList();
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
