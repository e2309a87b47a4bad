package dev.lora.io;

import net.razorvine.pickle.PickleException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads PyTorch checkpoints in the zip format torch.save has written by default since 1.6:
 * {@code <folder>/data.pkl} (the pickled object tree), {@code <folder>/data/<key>} (raw storages) and
 * {@code <folder>/version}, whatever the folder is called. Pure Java: no Python is run, and no code
 * from the file is executed; only the classes a checkpoint of tensors needs are understood.
 */
public final class TorchPickle {
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    private static final int PICKLE_PROTO = 0x80;
    /** Far deeper than any state dict or training checkpoint (a handful of levels). */
    static final int MAX_DEPTH = 1000;

    private TorchPickle() {
    }

    /** The file's object tree; see {@link TorchCheckpoint} for the Java types it is made of. */
    public static TorchCheckpoint load(Path file) {
        checkZip(file);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String pickle = findPickle(file, zip);
            String folder = pickle.substring(0, pickle.length() - "data.pkl".length());
            checkByteOrder(file, zip, folder);
            Object raw;
            try (InputStream in = zip.getInputStream(zip.getEntry(pickle))) {
                // Whole, so the unpickler can check each length it reads against the bytes that are left.
                raw = new TorchUnpickler(file, zip, folder).load(new ByteArrayInputStream(in.readAllBytes()));
            } catch (InputError e) {
                throw e;
            } catch (IOException | PickleException | ClassCastException | IndexOutOfBoundsException
                     | ArithmeticException | NullPointerException | IllegalArgumentException e) {
                // razorvine reports a malformed stream through assorted runtime exceptions, all meaning "corrupted".
                throw InputError.at(file, 0, "entry " + pickle + " is not a valid pickle (" + problem(e)
                        + "): the file is truncated or corrupted; save or download it again");
            }
            return new TorchCheckpoint(file, named(file, raw, "", 0, Collections.newSetFromMap(new IdentityHashMap<>())));
        } catch (ZipException e) {
            throw InputError.at(file, 0, "not a readable zip archive (" + e.getMessage()
                    + "): the file is truncated or corrupted; save or download it again");
        } catch (IOException e) {
            throw IoErrors.cannotRead(file, e);
        }
    }

    /** razorvine's and the stream's own words; the JDK's exceptions say little beyond their kind. */
    private static String problem(Exception e) {
        String m = e.getMessage();
        if ((e instanceof PickleException || e instanceof IOException) && m != null && !m.isBlank()) return m;
        String kind = e.getClass().getSimpleName().replaceAll("(?<=[a-z])(?=[A-Z])", " ").toLowerCase(Locale.ROOT);
        return m == null || m.isBlank() || m.length() > 120 ? kind : kind + ": " + m;
    }

    /** Shorthand for {@code load(file).stateDict()}. */
    public static Map<String, Tensor> loadStateDict(Path file) {
        return load(file).stateDict();
    }

    /** Shorthand for {@code load(file).stateDict(key)}. */
    public static Map<String, Tensor> loadStateDict(Path file, String key) {
        return load(file).stateDict(key);
    }

    private static void checkZip(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4);
        } catch (IOException e) {
            throw IoErrors.cannotRead(file, e);
        }
        if (Arrays.equals(head, ZIP_MAGIC)) return;
        if (head.length > 0 && (head[0] & 0xff) == PICKLE_PROTO) {
            throw InputError.at(file, 0, "is in PyTorch's legacy (pre-1.6) checkpoint format, which lora does not read;"
                    + " re-save it with torch>=1.6: torch.save(torch.load(path), path)");
        }
        throw InputError.at(file, 0, "is not a PyTorch checkpoint (torch.save writes a zip archive; this file does not"
                + " start like one)");
    }

    /** The one {@code <folder>/data.pkl} entry; TorchScript archives and other zips are refused by name. */
    private static String findPickle(Path file, ZipFile zip) {
        List<String> names = new ArrayList<>();
        try {
            zip.stream().forEach(e -> names.add(e.getName()));
        } catch (IllegalArgumentException e) { // how ZipFile reports a name that is not UTF-8
            throw InputError.at(file, 0, "has an entry whose name is not valid UTF-8: the file is corrupted;"
                    + " save or download it again");
        }
        for (String name : names) {
            int slash = name.indexOf('/');
            if (slash > 0 && name.indexOf('/', slash + 1) < 0 && name.endsWith("/data.pkl")) return name;
        }
        if (names.stream().anyMatch(n -> n.endsWith("/constants.pkl"))) {
            throw InputError.at(file, 0, "is a TorchScript archive (torch.jit.save), not a checkpoint; save the"
                    + " weights with torch.save(model.state_dict(), path) instead");
        }
        throw InputError.at(file, 0, "has no <folder>/data.pkl entry, so it is not a torch.save checkpoint");
    }

    /** torch>=2 records the writer's byte order; storages are read as little-endian. */
    private static void checkByteOrder(Path file, ZipFile zip, String folder) throws IOException {
        ZipEntry entry = zip.getEntry(folder + "byteorder");
        if (entry == null) return;
        try (InputStream in = zip.getInputStream(entry)) {
            String order = new String(in.readNBytes(16), StandardCharsets.US_ASCII).strip();
            if (!order.equals("little")) {
                throw InputError.at(file, 0, "was saved on a " + order + "-endian machine; lora reads only"
                        + " little-endian checkpoints: convert it to safetensors on that machine");
            }
        }
    }

    /**
     * Copies the unpickled tree with string keys, tuples as lists and every tensor named by its path.
     * A container met again on its own path (a cycle, which a state dict never has) becomes a
     * {@link PythonObject} marker, so that walking the tree ends. Keys that are not scalars (only a damaged
     * file has them) are named by their type: their toString may not end either.
     */
    private static Object named(Path file, Object node, String path, int depth, Set<Object> open) {
        if (node instanceof Tensor t) return t.withName(path);
        if (node instanceof UnsupportedTensor u) return u.withName(path);
        if (!(node instanceof Map || node instanceof List || node instanceof Object[])) return node;
        if (depth > MAX_DEPTH) {
            // A few bytes of pickle nest a list in a list; walking 100 000 of them would overflow the stack.
            throw InputError.at(file, 0, "nests containers more than " + MAX_DEPTH + " deep (at " + path.substring(0,
                    Math.min(path.length(), 60)) + "...), which no checkpoint does: the file is corrupted");
        }
        if (!open.add(node)) return new PythonObject("<reference to an enclosing container>", List.of());
        try {
            if (node instanceof Map<?, ?> map) {
                Map<String, Object> out = new LinkedHashMap<>();
                map.forEach((k, v) -> {
                    String key = k == null || k instanceof String || k instanceof Number || k instanceof Boolean
                            ? String.valueOf(k) : "<" + k.getClass().getSimpleName() + ">";
                    out.put(key, named(file, v, TorchCheckpoint.join(path, key), depth + 1, open));
                });
                return Collections.unmodifiableMap(out);
            }
            List<?> items = node instanceof Object[] tuple ? Arrays.asList(tuple) : (List<?>) node;
            List<Object> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                out.add(named(file, items.get(i), TorchCheckpoint.join(path, String.valueOf(i)), depth + 1, open));
            }
            return Collections.unmodifiableList(out);
        } finally {
            open.remove(node);
        }
    }
}
