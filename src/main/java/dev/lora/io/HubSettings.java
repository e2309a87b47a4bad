package dev.lora.io;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where the Hugging Face cache is and whether the hub may be contacted, read from environment
 * variables the way huggingface_hub reads them, so lora and Python tools share one cache.
 */
public record HubSettings(Path cacheDir, URI endpoint, boolean offline) {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    private static final Set<String> TRUE = Set.of("1", "ON", "YES", "TRUE");

    /** From {@code env} (pass System.getenv(); tests pass their own map). */
    public static HubSettings from(Map<String, String> env) {
        String home = nonBlank(env.get("HOME")) != null ? env.get("HOME") : System.getProperty("user.home");
        String cache = first(env, "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE");
        if (cache == null) {
            String hfHome = nonBlank(env.get("HF_HOME"));
            if (hfHome == null) {
                String xdg = nonBlank(env.get("XDG_CACHE_HOME"));
                hfHome = (xdg != null ? xdg : home + "/.cache") + "/huggingface";
            }
            cache = expandHome(hfHome, home) + "/hub";
        }
        String endpoint = nonBlank(env.get("HF_ENDPOINT"));
        if (endpoint == null) endpoint = DEFAULT_ENDPOINT;
        while (endpoint.endsWith("/")) endpoint = endpoint.substring(0, endpoint.length() - 1);
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new InputError("HF_ENDPOINT '" + endpoint + "' is not a URL (expected e.g. " + DEFAULT_ENDPOINT + ")");
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
            throw new InputError("HF_ENDPOINT '" + endpoint + "' is not an http(s) URL (expected e.g. " + DEFAULT_ENDPOINT + ")");
        }
        String offline = first(env, "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE");
        return new HubSettings(Path.of(expandHome(cache, home)), uri,
                offline != null && TRUE.contains(offline.toUpperCase(Locale.ROOT)));
    }

    private static String first(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = nonBlank(env.get(name));
            if (value != null) return value;
        }
        return null;
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String expandHome(String path, String home) {
        return path.equals("~") || path.startsWith("~/") ? home + path.substring(1) : path;
    }
}
