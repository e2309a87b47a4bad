package dev.lora.io;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TorchPickleTest {
    private static final JsonNode EXPECTED = Fixtures.json("torch/expected.json");

    @TempDir
    Path dir;

    /** Every float tensor PyTorch saved, with the values PyTorch holds for it, under the same dotted path. */
    @ParameterizedTest
    @ValueSource(strings = {"basic.pt", "views.pt", "checkpoint.pt"})
    void readsEveryTensorAsPyTorchHoldsIt(String name) {
        JsonNode expected = EXPECTED.get(name).get("tensors");
        Map<String, Tensor> tensors = TorchPickle.load(Fixtures.path("torch/" + name)).stateDict();

        Fixtures.assertTensorsMatch(tensors, expected);
    }

    @Test
    void viewsOfOneStorageAreReadFromTheOneEntry() throws IOException {
        Path views = Fixtures.path("torch/views.pt");
        try (ZipFile zip = new ZipFile(views.toFile())) {
            // base, row, column, transposed, block and flat_tail all view one storage: the file has five, not ten.
            assertThat(zip.stream().filter(e -> e.getName().startsWith("archive/data/")).count()).isEqualTo(5);
        }
        Map<String, Tensor> tensors = TorchPickle.loadStateDict(views);
        assertThat(tensors.get("transposed").shape()).containsExactly(6, 4);
        assertThat(tensors.get("column").data()).containsExactly(2 / 8f, 8 / 8f, 14 / 8f, 20 / 8f);
    }

    @Test
    void nestedCheckpointGivesTheModelStateDictByKeyWithScalarsAlongside() {
        JsonNode expected = EXPECTED.get("checkpoint.pt");
        TorchCheckpoint checkpoint = TorchPickle.load(Fixtures.path("torch/checkpoint.pt"));

        Map<String, Tensor> model = checkpoint.stateDict("model_state_dict");
        List<String> keys = new ArrayList<>();
        expected.get("model_state_dict_keys").forEach(k -> keys.add(k.textValue()));
        assertThat(model.keySet()).containsExactlyElementsOf(keys);
        assertThat(model.get("0.weight").name()).isEqualTo("0.weight");
        assertThat(Fixtures.bitsOf(model.get("0.weight").data())).containsExactly(
                Fixtures.ints(expected.get("tensors").get("model_state_dict.0.weight").get("bits")));

        Map<?, ?> root = (Map<?, ?>) checkpoint.root();
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.get("scalars").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Object actual = at(root, e.getKey());
            JsonNode want = e.getValue();
            if (want.isBoolean()) assertThat(actual).as(e.getKey()).isEqualTo(want.booleanValue());
            else if (want.isTextual()) assertThat(actual).as(e.getKey()).isEqualTo(want.textValue());
            else assertThat(((Number) actual).doubleValue()).as(e.getKey()).isEqualTo(want.doubleValue());
        }
    }

    @Test
    void otherPythonObjectsBesideTheWeightsAreKeptNotFatal() {
        Map<?, ?> extras = (Map<?, ?>) ((Map<?, ?>) TorchPickle.load(Fixtures.path("torch/checkpoint.pt")).root()).get("extras");
        assertThat(extras.get("device")).isEqualTo(new PythonObject("torch.device", List.of("cpu")));
        assertThat(extras.get("dtype")).hasToString("torch.float16");
        assertThat(extras.get("np_scalar")).isInstanceOfSatisfying(PythonObject.class,
                o -> assertThat(o.className()).isEqualTo("numpy.core.multiarray.scalar"));
        Map<?, ?> args = (Map<?, ?>) extras.get("args");  // argparse.Namespace: its attributes
        assertThat(args.get("lr")).isEqualTo(0.1);
        assertThat(args.get("name")).isEqualTo("run");
        assertThat(extras.get("ids")).isEqualTo(java.util.Set.of(1, 2));
        assertThat(extras.containsKey("none")).isTrue();
        assertThat(extras.get("none")).isNull();
    }

    @Test
    void tensorsOfOtherElementTypesAreReportedNotRead() {
        TorchCheckpoint checkpoint = TorchPickle.load(Fixtures.path("torch/checkpoint.pt"));
        JsonNode skipped = EXPECTED.get("checkpoint.pt").get("skipped");
        assertThat(checkpoint.unsupportedTensors()).singleElement().satisfies(u -> {
            assertThat(u.name()).isEqualTo("token_ids");
            assertThat(u.storageType()).isEqualTo("LongStorage");
            assertThat(u.shape()).containsExactly(Fixtures.longs(skipped.get("token_ids").get("shape")));
        });
        assertThat(checkpoint.stateDict()).doesNotContainKey("token_ids");
    }

    @Test
    void missingKeyNamesTheKeysTheFileHas() {
        Path file = Fixtures.path("torch/checkpoint.pt");
        assertThatThrownBy(() -> TorchPickle.loadStateDict(file, "state_dict"))
                .isInstanceOf(InputError.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("'state_dict'")
                .hasMessageContaining("model_state_dict, optimizer_state_dict");
    }

    @Test
    void truncatedZipIsAnInputErrorNamingTheFile() throws IOException {
        byte[] bytes = Files.readAllBytes(Fixtures.path("torch/basic.pt"));
        Path file = dir.resolve("cut.pt");
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> TorchPickle.load(file))
                .isInstanceOf(InputError.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("truncated");
    }

    @Test
    void truncatedPickleIsAnInputErrorNamingTheEntry() throws IOException {
        Path file = rezip("cut-pickle.pt", (name, data) -> name.endsWith("data.pkl") ? Arrays.copyOf(data, data.length / 2) : data);
        assertThatThrownBy(() -> TorchPickle.load(file))
                .isInstanceOf(InputError.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("basic/data.pkl");
    }

    @Test
    void missingOrShortStorageIsAnInputErrorNamingTheEntry() throws IOException {
        Path missing = rezip("missing.pt", (name, data) -> name.equals("basic/data/0") ? null : data);
        assertThatThrownBy(() -> TorchPickle.load(missing))
                .isInstanceOf(InputError.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("basic/data/0");

        Path shortened = rezip("short.pt", (name, data) -> name.equals("basic/data/0") ? Arrays.copyOf(data, 5) : data);
        assertThatThrownBy(() -> TorchPickle.load(shortened))
                .isInstanceOf(InputError.class)
                .hasMessageContaining("basic/data/0");
    }

    @Test
    void legacyFormatIsRefusedWithTheFix() {
        Path file = Fixtures.path("torch/legacy.pt");
        assertThatThrownBy(() -> TorchPickle.load(file))
                .isInstanceOf(InputError.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("legacy")
                .hasMessageContaining("torch>=1.6");
    }

    @Test
    void otherFilesAreRefusedByName() throws IOException {
        Path text = dir.resolve("notes.pt");
        Files.writeString(text, "hello");
        assertThatThrownBy(() -> TorchPickle.load(text)).isInstanceOf(InputError.class)
                .hasMessageContaining("not a PyTorch checkpoint");

        Path script = dir.resolve("script.pt");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(script))) {
            zip.putNextEntry(new ZipEntry("script/constants.pkl"));
            zip.write(new byte[]{(byte) 0x80, 2, ')', '.'});
            zip.closeEntry();
        }
        assertThatThrownBy(() -> TorchPickle.load(script)).isInstanceOf(InputError.class)
                .hasMessageContaining("TorchScript");

        assertThatThrownBy(() -> TorchPickle.load(dir.resolve("absent.pt"))).isInstanceOf(InputError.class)
                .hasMessageContaining("absent.pt");
    }

    private interface EntryEdit {
        /** The new content of an entry, or null to drop it. */
        byte[] edit(String name, byte[] data);
    }

    /** A copy of basic.pt with some entries changed, to make broken archives Python would never write. */
    private Path rezip(String name, EntryEdit edit) throws IOException {
        Path out = dir.resolve(name);
        try (ZipFile in = new ZipFile(Fixtures.path("torch/basic.pt").toFile());
             OutputStream os = Files.newOutputStream(out);
             ZipOutputStream zip = new ZipOutputStream(os)) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                byte[] data = edit.edit(e.getName(), in.getInputStream(e).readAllBytes());
                if (data == null) continue;
                zip.putNextEntry(new ZipEntry(e.getName()));
                zip.write(data);
                zip.closeEntry();
            }
        }
        return out;
    }

    private static Object at(Object node, String dottedPath) {
        for (String part : dottedPath.split("\\.")) {
            node = node instanceof Map<?, ?> m ? m.get(part) : ((List<?>) node).get(Integer.parseInt(part));
        }
        return node;
    }
}
