package dev.lora.adapter;

import dev.lora.model.Adapters;

/** loralib's tensor names: {@code transformer.h.{i}.attn.c_attn.lora_A}, {@code transformer.wte.lora_B}, ... */
public final class LoraKeys {
    private LoraKeys() {
    }

    public static String module(int layer, Adapters.Site site) {
        return "transformer.h." + layer + "." + site.module;
    }

    public static final String WTE = "transformer.wte";

    public static String a(String module) {
        return module + ".lora_A";
    }

    public static String b(String module) {
        return module + ".lora_B";
    }
}
