package dev.lora.reliability;

import dev.lora.io.DType;
import dev.lora.io.Safetensors;
import dev.lora.io.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Mutated safetensors files (io/ and fixtures/ seeds): the reader answers with tensors or an InputError, nothing else. */
class SafetensorsFuzzTest {
    private static final long[] HEADER_LENGTHS = {0, 1, 2, 7, 8, 9, 100_000_000, 100_000_001, Integer.MAX_VALUE,
            1L << 32, 1L << 40, Long.MAX_VALUE, -1, Long.MIN_VALUE};

    @Test
    void onlyInputErrors(@TempDir Path tmp) throws Exception {
        List<byte[]> seeds = List.of(
                Scratch.read(Scratch.RESOURCES.resolve("io/safetensors/dtypes.safetensors")),
                Scratch.read(Scratch.FIXTURES.resolve("train-parity/init-all/adapter_model.safetensors")),
                edgeCases(tmp));
        Fuzz.Stats stats = Fuzz.run("safetensors", 3000, "f.safetensors", rng -> mutate(seeds.get(rng.nextInt(seeds.size())), rng),
                (file, rng) -> {
                    Map<String, Tensor> tensors = rng.nextBoolean() ? Safetensors.read(file)
                            : Safetensors.read(file, name -> name.hashCode() % 2 == 0);
                    for (Tensor t : tensors.values()) assertThat(t.data()).hasSize((int) Tensor.numel(t.shape()));
                }, 64);
        // Mutants must get past the header checks often enough for the data path to be exercised.
        stats.requireAccepted(0.02);
    }

    /** Empty and scalar tensors, metadata, every dtype: the corners a hand-written header meets. */
    private static byte[] edgeCases(Path tmp) {
        Path f = tmp.resolve("edge.safetensors");
        Safetensors.write(f, List.of(
                new Tensor("empty", DType.F32, new long[] {0, 3}, new float[0]),
                new Tensor("scalar", DType.F64, new long[0], new float[] {1.5f}),
                new Tensor("half", DType.F16, new long[] {2, 2}, new float[] {1, -2, 65504, Float.NaN}),
                new Tensor("brain", DType.BF16, new long[] {3}, new float[] {1e-30f, 3e38f, -0f})), Map.of("format", "pt", "k", "v"));
        return Scratch.read(f);
    }

    private static Fuzz.Mutant mutate(byte[] seed, Random rng) {
        long n = ByteBuffer.wrap(seed, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(seed, 8, (int) n, StandardCharsets.UTF_8);
        byte[] data = Arrays.copyOfRange(seed, 8 + (int) n, seed.length);
        double pick = rng.nextDouble();
        if (pick < 0.45) {
            // Edit the JSON and give it its true length, so the header's meaning is what is under test.
            Fuzz.Mutant m = Mutations.text(header, rng);
            if (rng.nextInt(4) == 0) m = Mutations.text(new String(m.bytes(), StandardCharsets.UTF_8), rng);
            return new Fuzz.Mutant(SafetensorsBytes.join(m.bytes(), data), "header: " + m.how());
        }
        if (pick < 0.6) {
            byte[] b = seed.clone();
            long len = rng.nextBoolean() ? HEADER_LENGTHS[rng.nextInt(HEADER_LENGTHS.length)] : n + rng.nextInt(17) - 8;
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, len);
            return new Fuzz.Mutant(b, "header length " + Long.toUnsignedString(len));
        }
        return Mutations.any(seed, rng, 0.0);
    }
}
