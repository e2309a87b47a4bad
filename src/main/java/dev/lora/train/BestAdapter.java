package dev.lora.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.io.AtomicFiles;
import dev.lora.adapter.AdapterFiles;
import dev.lora.adapter.LoraModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * {@code train.keep_best}: OUTPUT/best/ holds the adapter with the lowest validation loss so far ({@code adapter/})
 * and {@code best.json} (its step and loss), replaced atomically whenever an evaluation beats it. A resumed run
 * reads the loss to beat from best.json, so keeping the best does not depend on where a run was stopped.
 */
final class BestAdapter {
    static final String FILE = "best.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private BestAdapter() {
    }

    /** The validation loss of the adapter kept so far, if any. */
    static OptionalDouble lossToBeat(Path best) {
        Path f = best.resolve(FILE);
        if (!Files.isRegularFile(f)) return OptionalDouble.empty();
        try {
            JsonNode n = JSON.readTree(f.toFile());
            return n.has("valid_loss") ? OptionalDouble.of(n.get("valid_loss").asDouble()) : OptionalDouble.empty();
        } catch (IOException e) {
            return OptionalDouble.empty(); // unreadable: the next evaluation writes a new one
        }
    }

    static void save(Path best, LoraModel model, String baseModel, long step, double validLoss) {
        AtomicFiles.writeFolder(best, folder -> {
            AdapterFiles.writeInto(folder.resolve("adapter"), model, baseModel);
            ObjectNode n = JSON.createObjectNode();
            n.put("step", step);
            n.put("valid_loss", validLoss);
            Files.writeString(folder.resolve(FILE), n.toPrettyString() + "\n");
        });
    }
}
