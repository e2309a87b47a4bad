package dev.lora.reliability;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every bad input tried, by section, in the order of docs/errors.md. */
final class BadInputCases {
    private BadInputCases() {
    }

    static Map<String, List<BadInput>> sections() {
        Map<String, List<BadInput>> s = new LinkedHashMap<>();
        s.put("Run config and options", ConfigCases.all());
        s.put("Command-line options", OptionCases.all());
        s.put("Model folder", ModelCases.all());
        s.put("Adapter", AdapterCases.all());
        s.put("Data", DataCases.all());
        s.put("Output folder and resume", RunCases.all());
        return s;
    }

    static List<BadInput> all() {
        List<BadInput> all = new ArrayList<>();
        sections().values().forEach(all::addAll);
        Set<String> ids = new HashSet<>();
        for (BadInput b : all) {
            if (!ids.add(b.id())) throw new IllegalStateException("two bad-input cases named " + b.id());
        }
        return all;
    }
}
