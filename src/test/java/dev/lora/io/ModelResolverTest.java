package dev.lora.io;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelResolverTest {
    private static final String REPO = "openai-community/gpt2";
    private static final String CONFIG = "{\"model_type\": \"gpt2\", \"n_layer\": 2}";
    private static final byte[] WEIGHTS = bytes(300_000, 1);

    @TempDir
    Path dir;
    Path cacheDir;
    FakeHub hub;
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    @BeforeEach
    void startHub() throws IOException {
        cacheDir = dir.resolve("hf-cache");
        hub = new FakeHub()
                .file(REPO, "config.json", CONFIG)
                .file(REPO, "vocab.json", "{\"a\": 0}")
                .file(REPO, "merges.txt", "#version: 0.2\na b\n")
                .lfsFile(REPO, "model.safetensors", WEIGHTS);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private ModelResolver resolver(String... extraEnv) {
        return resolver(false, extraEnv);
    }

    private ModelResolver resolver(boolean terminal, String... extraEnv) {
        Map<String, String> env = new HashMap<>();
        env.put("HF_HUB_CACHE", cacheDir.toString());
        env.put("HF_ENDPOINT", hub.endpoint());
        for (int i = 0; i < extraEnv.length; i += 2) env.put(extraEnv[i], extraEnv[i + 1]);
        return new ModelResolver(env, HubDownloader.defaultClient(),
                new PrintStream(progress, true, StandardCharsets.UTF_8), terminal);
    }

    @Test
    void downloadsIntoTheHubCacheLayoutThenResolvesWithoutAnyRequest() throws IOException {
        Path snapshot = resolver().resolve(REPO);

        Path repo = cacheDir.resolve("models--openai-community--gpt2");
        assertThat(snapshot).isEqualTo(repo.resolve("snapshots").resolve(FakeHub.COMMIT));
        assertThat(Files.readString(repo.resolve("refs/main"))).isEqualTo(FakeHub.COMMIT);
        assertThat(Files.readString(snapshot.resolve("config.json"))).isEqualTo(CONFIG);
        assertThat(Files.readString(snapshot.resolve("merges.txt"))).startsWith("#version");
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        // As huggingface_hub lays it out: snapshot entries link to blobs named by etag (the LFS sha256 for weights).
        assertThat(Files.isSymbolicLink(snapshot.resolve("model.safetensors"))).isTrue();
        assertThat(snapshot.resolve("model.safetensors").toRealPath())
                .isEqualTo(repo.resolve("blobs").resolve(FakeHub.sha256(WEIGHTS)).toRealPath());
        assertThat(listRecursively(repo)).noneMatch(p -> p.toString().contains(".incomplete") || p.getFileName().toString().startsWith("."));
        assertThat(hub.paths).contains("/openai-community/gpt2/resolve/main/config.json");
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("downloaded openai-community/gpt2/model.safetensors (293.0 KiB");

        int requests = hub.requests.get();
        assertThat(resolver().resolve(REPO)).isEqualTo(snapshot);
        assertThat(hub.requests.get()).isEqualTo(requests);
    }

    @Test
    void showsALiveProgressBarOnATerminal() throws IOException {
        Path snapshot = resolver(true).resolve(REPO);
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("openai-community/gpt2/model.safetensors", "100%", "\r");
    }

    @Test
    void idWithoutSlashIsUsedAsIsInUrlAndCacheName() {
        hub.file("gpt2", "config.json", CONFIG).lfsFile("gpt2", "model.safetensors", WEIGHTS);
        Path snapshot = resolver().resolve("gpt2");
        assertThat(snapshot).startsWith(cacheDir.resolve("models--gpt2"));
        assertThat(hub.paths).contains("/gpt2/resolve/main/config.json", "/gpt2/resolve/main/model.safetensors");
    }

    @Test
    void fallsBackToPytorchModelBinAndDoesWithoutTokenizerFiles() throws IOException {
        byte[] bin = bytes(5000, 2);
        hub.file("tiny/model", "config.json", CONFIG).lfsFile("tiny/model", "pytorch_model.bin", bin);
        Path snapshot = resolver().resolve("tiny/model");
        assertThat(Files.readAllBytes(snapshot.resolve("pytorch_model.bin"))).isEqualTo(bin);
        assertThat(snapshot.resolve("model.safetensors")).doesNotExist();
        assertThat(snapshot.resolve("vocab.json")).doesNotExist();
        assertThat(resolver("HF_HUB_OFFLINE", "1").resolve("tiny/model")).isEqualTo(snapshot);
    }

    @ParameterizedTest
    @EnumSource(value = FakeHub.Delivery.class, names = {"CUT_WITH_CONTENT_LENGTH", "CUT_CHUNKED"})
    void interruptedDownloadLeavesNothingCompleteLookingAndALaterRunRecovers(FakeHub.Delivery cut) throws IOException {
        hub.delivery = cut;
        assertThatThrownBy(() -> resolver().resolve(REPO))
                .isInstanceOf(InputError.class)
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining("run again");

        Path repo = cacheDir.resolve("models--openai-community--gpt2");
        assertThat(repo.resolve("blobs").resolve(FakeHub.sha256(WEIGHTS))).doesNotExist();
        assertThat(repo.resolve("refs/main")).doesNotExist();
        assertThat(repo.resolve("snapshots/" + FakeHub.COMMIT + "/model.safetensors")).doesNotExist();
        assertThat(new HubCache(cacheDir).completeSnapshot(REPO)).isEmpty();
        assertThat(listRecursively(repo)).noneMatch(p -> p.toString().endsWith(".incomplete"));
        assertThatThrownBy(() -> resolver("HF_HUB_OFFLINE", "1").resolve(REPO)).isInstanceOf(InputError.class);

        hub.delivery = FakeHub.Delivery.WHOLE;
        Path snapshot = resolver().resolve(REPO);
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
    }

    @Test
    void aLeftoverIncompleteFileFromAKilledRunIsNeverTakenForTheBlob() throws IOException {
        Path blobs = cacheDir.resolve("models--openai-community--gpt2/blobs");
        Files.createDirectories(blobs);
        Files.write(blobs.resolve(FakeHub.sha256(WEIGHTS) + ".incomplete"), new byte[]{1, 2, 3});
        Path snapshot = resolver().resolve(REPO);
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        assertThat(listRecursively(blobs)).noneMatch(p -> p.toString().endsWith(".incomplete"));
    }

    @Test
    void offlineModeRefusesToDownloadAndSaysSo() {
        assertThatThrownBy(() -> resolver("HF_HUB_OFFLINE", "1").resolve(REPO))
                .isInstanceOf(InputError.class)
                .hasMessageContaining(REPO)
                .hasMessageContaining("not in the Hugging Face cache")
                .hasMessageContaining("HF_HUB_OFFLINE");
        assertThat(hub.requests.get()).isZero();
    }

    @Test
    void snapshotLaidOutByHuggingFaceHubIsUsedWithoutNetwork() throws IOException {
        // As huggingface_hub leaves it, with real files instead of links; the endpoint is unreachable.
        Path repo = cacheDir.resolve("models--gpt2-medium");
        Path snapshot = repo.resolve("snapshots/abc123");
        Files.createDirectories(snapshot);
        Files.writeString(snapshot.resolve("config.json"), CONFIG);
        Files.write(snapshot.resolve("model.safetensors"), WEIGHTS);
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), "abc123");
        hub.close();
        assertThat(resolver().resolve("gpt2-medium")).isEqualTo(snapshot);
    }

    @Test
    void unknownModelIsAnInputErrorNamingIdAndUrl() {
        assertThatThrownBy(() -> resolver().resolve("nobody/nothing"))
                .isInstanceOf(InputError.class)
                .hasMessageContaining("'nobody/nothing' not found")
                .hasMessageContaining(hub.endpoint() + "/nobody/nothing/resolve/main/config.json");
    }

    @Test
    void modelWithoutWeightsIsAnInputError() {
        hub.file("no/weights", "config.json", CONFIG);
        assertThatThrownBy(() -> resolver().resolve("no/weights"))
                .isInstanceOf(InputError.class)
                .hasMessageContaining("model.safetensors nor pytorch_model.bin");
        assertThat(new HubCache(cacheDir).completeSnapshot("no/weights")).isEmpty();
    }

    @Test
    void unreachableHubIsAnInputErrorSuggestingOfflineMode() {
        hub.close();
        assertThatThrownBy(() -> resolver().resolve(REPO))
                .isInstanceOf(InputError.class)
                .hasMessageContaining("cannot reach")
                .hasMessageContaining("HF_HUB_OFFLINE");
    }

    @Test
    void existingFolderIsUsedAsIs() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("my-model"));
        assertThat(resolver().resolve(folder.toString())).isEqualTo(folder);
        assertThat(hub.requests.get()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"./missing/model", "/no/such/folder", "a/b/c", "bad--name", "../up", "has space"})
    void missingFolderThatIsNoHubIdIsAnInputError(String model) {
        assertThatThrownBy(() -> resolver().resolve(model))
                .isInstanceOf(InputError.class)
                .hasMessageContaining("no such folder");
        assertThat(hub.requests.get()).isZero();
    }

    @Test
    void fileInsteadOfFolderIsAnInputError() throws IOException {
        Path file = Files.writeString(dir.resolve("model.safetensors"), "x");
        assertThatThrownBy(() -> resolver().resolve(file.toString()))
                .isInstanceOf(InputError.class)
                .hasMessageContaining("is a file");
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static List<Path> listRecursively(Path root) throws IOException {
        if (!Files.exists(root)) return List.of();
        try (Stream<Path> s = Files.walk(root)) {
            return s.toList();
        }
    }
}
