package dev.lora.io;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The same precedence as huggingface_hub's constants.py, so both tools find one cache. */
class HubSettingsTest {
    @Test
    void cacheFolderPrecedence() {
        assertThat(HubSettings.from(Map.of("HOME", "/home/u")).cacheDir())
                .isEqualTo(Path.of("/home/u/.cache/huggingface/hub"));
        assertThat(HubSettings.from(Map.of("HOME", "/home/u", "XDG_CACHE_HOME", "/xdg")).cacheDir())
                .isEqualTo(Path.of("/xdg/huggingface/hub"));
        assertThat(HubSettings.from(Map.of("HOME", "/home/u", "XDG_CACHE_HOME", "/xdg", "HF_HOME", "~/hf")).cacheDir())
                .isEqualTo(Path.of("/home/u/hf/hub"));
        assertThat(HubSettings.from(Map.of("HF_HOME", "/hf", "HF_HUB_CACHE", "/cache")).cacheDir())
                .isEqualTo(Path.of("/cache"));
        assertThat(HubSettings.from(Map.of("HF_HOME", "/hf", "HUGGINGFACE_HUB_CACHE", "/legacy")).cacheDir())
                .isEqualTo(Path.of("/legacy"));
    }

    @Test
    void endpointAndOfflineMode() {
        HubSettings defaults = HubSettings.from(Map.of());
        assertThat(defaults.endpoint().toString()).isEqualTo("https://huggingface.co");
        assertThat(defaults.offline()).isFalse();

        assertThat(HubSettings.from(Map.of("HF_ENDPOINT", "https://hf-mirror.com/")).endpoint().toString())
                .isEqualTo("https://hf-mirror.com");
        for (String on : new String[]{"1", "true", "YES", "on"}) {
            assertThat(HubSettings.from(Map.of("HF_HUB_OFFLINE", on)).offline()).as(on).isTrue();
        }
        assertThat(HubSettings.from(Map.of("HF_HUB_OFFLINE", "0")).offline()).isFalse();
        assertThat(HubSettings.from(Map.of("TRANSFORMERS_OFFLINE", "1")).offline()).isTrue();
    }

    @Test
    void badEndpointIsAnInputError() {
        assertThatThrownBy(() -> HubSettings.from(Map.of("HF_ENDPOINT", "huggingface.co")))
                .isInstanceOf(InputError.class).hasMessageContaining("HF_ENDPOINT");
    }
}
