package dev.lora.reliability;

import dev.lora.io.InputError;
import dev.lora.io.TorchCheckpoint;
import dev.lora.io.TorchPickle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Mutated torch.save archives (io/torch seeds): the archive bytes, the pickle inside (opcode-aware) and
 * the storages. The reader answers with a checkpoint or an InputError, and never allocates what the file
 * merely claims.
 */
class TorchPickleFuzzTest {
    @Test
    void onlyInputErrors() throws Exception {
        List<Map<String, byte[]>> seeds = new ArrayList<>();
        List<byte[]> raw = new ArrayList<>();
        for (String name : List.of("basic.pt", "checkpoint.pt", "views.pt")) {
            Path f = Scratch.RESOURCES.resolve("io/torch/" + name);
            raw.add(Scratch.read(f));
            seeds.add(entries(f));
        }
        Fuzz.Stats stats = Fuzz.run("torch", 2500, "f.pt", rng -> {
            int s = rng.nextInt(seeds.size());
            double pick = rng.nextDouble();
            if (pick < 0.2) return Mutations.any(raw.get(s), rng, 0.0);
            return pick < 0.8 ? mutatePickle(seeds.get(s), rng) : mutateStorages(seeds.get(s), rng);
        }, (file, rng) -> {
            TorchCheckpoint c = TorchPickle.load(file);
            c.stateDict();
            c.unsupportedTensors();
        }, 64);
        stats.requireAccepted(0.02);
    }

    /** 100 000 nested lists take 200 kB of pickle; walking them recursively would overflow the stack. */
    @Test
    void deepNestingIsAnInputError(@TempDir Path tmp) throws Exception {
        int depth = 100_000;
        byte[] p = new byte[2 + depth + (depth - 1) + 1];
        p[0] = (byte) 0x80;
        p[1] = 2;
        Arrays.fill(p, 2, 2 + depth, (byte) ']'); // EMPTY_LIST
        Arrays.fill(p, 2 + depth, p.length - 1, (byte) 'a'); // APPEND: each list into the one below it
        p[p.length - 1] = '.';
        Path f = tmp.resolve("deep.pt");
        Files.write(f, zip(Map.of("archive/data.pkl", p, "archive/version", "3\n".getBytes())));
        assertThatThrownBy(() -> TorchPickle.load(f)).isInstanceOf(InputError.class).hasMessageContaining("deep");
    }

    /** d[1] = d: legal in Python; reading it must end, and the tree must stay walkable. */
    @Test
    void aDictHoldingItselfLoads(@TempDir Path tmp) throws Exception {
        byte[] p = {(byte) 0x80, 2, '}', 'q', 0, 'K', 1, 'h', 0, 's', '.'};
        Path f = tmp.resolve("cycle.pt");
        Files.write(f, zip(Map.of("archive/data.pkl", p, "archive/version", "3\n".getBytes())));
        TorchCheckpoint c = TorchPickle.load(f);
        assertThat(c.stateDict()).isEmpty();
        assertThat(c.unsupportedTensors()).isEmpty();
    }

    private static Fuzz.Mutant mutatePickle(Map<String, byte[]> seed, Random rng) {
        Map<String, byte[]> e = new LinkedHashMap<>(seed);
        String pkl = e.keySet().stream().filter(n -> n.endsWith("/data.pkl")).findFirst().orElseThrow();
        byte[] p = e.get(pkl);
        List<String> hows = new ArrayList<>();
        for (int n = 1 + rng.nextInt(2), k = 0; k < n; k++) {
            Fuzz.Mutant m = rng.nextInt(4) == 0 ? Mutations.bytes(p, rng) : PickleOps.mutate(p, rng);
            p = m.bytes();
            hows.add(m.how());
        }
        e.put(pkl, p);
        return new Fuzz.Mutant(zip(e), "data.pkl: " + String.join("; ", hows));
    }

    private static Fuzz.Mutant mutateStorages(Map<String, byte[]> seed, Random rng) {
        Map<String, byte[]> e = new LinkedHashMap<>(seed);
        List<String> names = new ArrayList<>(e.keySet());
        String name = names.get(rng.nextInt(names.size()));
        String how;
        switch (rng.nextInt(4)) {
            case 0 -> {
                e.remove(name);
                how = name + " removed";
            }
            case 1 -> {
                byte[] b = e.get(name);
                int n = b.length == 0 ? 0 : rng.nextInt(b.length);
                e.put(name, java.util.Arrays.copyOf(b, n));
                how = name + " cut to " + n + " bytes";
            }
            case 2 -> {
                String prefix = name.substring(0, name.indexOf('/') + 1);
                String[] values = {"big", "little\n", "", "\u0000"};
                String v = values[rng.nextInt(values.length)];
                e.put(prefix + "byteorder", v.getBytes());
                how = "byteorder '" + v + "'";
            }
            default -> {
                byte[] b = e.remove(name);
                String renamed = rng.nextBoolean() ? name.replace("data.pkl", "constants.pkl") : "other/" + name;
                e.put(renamed, b);
                how = name + " renamed " + renamed;
            }
        }
        return new Fuzz.Mutant(zip(e), how);
    }

    /** torch.save writes stored entries with data descriptors, which ZipInputStream refuses; ZipFile reads them. */
    static Map<String, byte[]> entries(Path zip) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : z.stream().toList()) {
                try (var in = z.getInputStream(e)) {
                    out.put(e.getName(), in.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
