package dev.lora.io;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns a model argument into a folder holding config.json and the weights (model.safetensors or
 * pytorch_model.bin), plus vocab.json and merges.txt when the model has them. An existing folder is
 * used as it is; anything else must be a Hugging Face hub id ("gpt2", "openai-community/gpt2"), looked
 * up in the shared hub cache and downloaded into it when missing (unless HF_HUB_OFFLINE is set).
 */
public final class ModelResolver {
    /** huggingface_hub's rule for repo ids: one or two names of word characters, '-' and '.'. */
    private static final Pattern HUB_ID = Pattern.compile("([A-Za-z0-9][A-Za-z0-9_.-]{0,95}/)?[A-Za-z0-9][A-Za-z0-9_.-]{0,95}");
    private static final List<String> TOKENIZER_FILES = List.of("vocab.json", "merges.txt");

    private final HubSettings settings;
    private final HubCache cache;
    private final HubDownloader downloader;

    /**
     * @param env       environment variables (HF_HUB_CACHE, HF_HOME, HF_ENDPOINT, HF_HUB_OFFLINE, ...)
     * @param http      client for the hub; must not follow redirects itself
     * @param progress  where download progress goes (stderr in the CLI)
     * @param terminal  whether {@code progress} is a terminal, for a live bar rather than plain lines
     */
    public ModelResolver(Map<String, String> env, HttpClient http, PrintStream progress, boolean terminal) {
        this.settings = HubSettings.from(env);
        this.cache = new HubCache(settings.cacheDir());
        this.downloader = new HubDownloader(http, settings.endpoint(), cache, new DownloadProgress(progress, terminal));
    }

    /** The resolver for this process: real environment, stderr, a live bar when there is a console. */
    public static ModelResolver fromEnvironment() {
        return new ModelResolver(System.getenv(), HubDownloader.defaultClient(), System.err, System.console() != null);
    }

    /** The client {@link #fromEnvironment()} uses: redirects left to the resolver, 30 s to connect. */
    public static HttpClient defaultHttpClient() {
        return HubDownloader.defaultClient();
    }

    public HubCache cache() {
        return cache;
    }

    public Path resolve(String model) {
        Path asPath = asPath(model);
        if (asPath != null && Files.isDirectory(asPath)) return asPath;
        if (asPath != null && Files.exists(asPath)) {
            throw new InputError("model '" + model + "' is a file; give the folder that holds config.json and the weights,"
                    + " or a Hugging Face model id such as gpt2");
        }
        if (!isHubId(model)) {
            throw new InputError("model '" + model + "': no such folder, and not a Hugging Face model id"
                    + " (such as gpt2 or openai-community/gpt2)");
        }
        Optional<Path> cached = cache.completeSnapshot(model);
        if (cached.isPresent()) return cached.get();
        if (settings.offline()) {
            throw new InputError("model '" + model + "' is not in the Hugging Face cache (" + cache.repoFolder(model)
                    + ") and offline mode is on (HF_HUB_OFFLINE); unset HF_HUB_OFFLINE to download it, or give a local folder");
        }
        return download(model);
    }

    private static Path asPath(String model) {
        try {
            return Path.of(model);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    static boolean isHubId(String model) {
        return HUB_ID.matcher(model).matches() && !model.contains("--") && !model.contains("..");
    }

    /** Config first (its commit names the snapshot), tokenizer files if present, weights; refs/main last of all. */
    private Path download(String repoId) {
        HubDownloader.Downloaded config = downloader.download(repoId, HubCache.CONFIG).orElseThrow(() ->
                new InputError("model '" + repoId + "' not found: " + downloader.url(repoId, HubCache.CONFIG)
                        + " answered 404; check the id (e.g. gpt2, gpt2-medium, openai-community/gpt2)"));
        List<HubDownloader.Downloaded> files = new ArrayList<>();
        files.add(config);
        for (String name : TOKENIZER_FILES) downloader.download(repoId, name).ifPresent(files::add);
        Optional<HubDownloader.Downloaded> weights = downloader.download(repoId, HubCache.SAFETENSORS);
        if (weights.isEmpty()) weights = downloader.download(repoId, HubCache.PYTORCH_BIN);
        files.add(weights.orElseThrow(() -> new InputError("model '" + repoId + "' has neither "
                + HubCache.SAFETENSORS + " nor " + HubCache.PYTORCH_BIN + " at " + downloader.url(repoId, "")
                + "; lora needs one of them")));

        // Without X-Repo-Commit (a plain mirror) the snapshot is named "main", which huggingface_hub also reads.
        String revision = config.revision() != null ? config.revision() : "main";
        for (HubDownloader.Downloaded d : files) downloader.link(repoId, revision, d);
        AtomicFiles.writeString(cache.mainRef(repoId), revision);
        return cache.snapshot(repoId, revision);
    }
}
