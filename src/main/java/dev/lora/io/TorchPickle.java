package dev.lora.io;

import net.razorvine.pickle.PickleException;

import java.io.BufferedInputStream;
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
            try (InputStream in = new BufferedInputStream(zip.getInputStream(zip.getEntry(pickle)), 1 << 16)) {
                raw = new TorchUnpickler(file, zip, folder).load(in);
            } catch (InputError e) {
                throw e;
            } catch (IOException | PickleException | ClassCastException | IndexOutOfBoundsException
                     | ArithmeticException | NullPointerException | IllegalArgumentException e) {
                // razorvine reports a malformed stream through assorted runtime exceptions, all meaning "corrupted".
                throw InputError.at(file, 0, "entry " + pickle + " is not a valid pickle (" + e
                        + "): the file is truncated or corrupted; save or download it again");
            }
            return new TorchCheckpoint(file, named(raw, "", Collections.newSetFromMap(new IdentityHashMap<>())));
        } catch (ZipException e) {
            throw InputError.at(file, 0, "not a readable zip archive (" + e.getMessage()
                    + "): the file is truncated or corrupted; save or download it again");
        } catch (IOException e) {
            throw IoErrors.cannotRead(file, e);
        }
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
        zip.stream().forEach(e -> names.add(e.getName()));
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
     * A container met again on its own path (a cycle, which a state dict never has) is kept as it is.
     */
    private static Object named(Object node, String path, Set<Object> open) {
        if (node instanceof Tensor t) return t.withName(path);
        if (node instanceof UnsupportedTensor u) return u.withName(path);
        if (!(node instanceof Map || node instanceof List || node instanceof Object[])) return node;
        if (!open.add(node)) return node;
        try {
            if (node instanceof Map<?, ?> map) {
                Map<String, Object> out = new LinkedHashMap<>();
                map.forEach((k, v) -> {
                    String key = String.valueOf(k);
                    out.put(key, named(v, TorchCheckpoint.join(path, key), open));
                });
                return Collections.unmodifiableMap(out);
            }
            List<?> items = node instanceof Object[] tuple ? Arrays.asList(tuple) : (List<?>) node;
            List<Object> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) out.add(named(items.get(i), TorchCheckpoint.join(path, String.valueOf(i)), open));
            return Collections.unmodifiableList(out);
        } finally {
            open.remove(node);
        }
    }
}
