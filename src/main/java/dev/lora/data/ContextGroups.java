package dev.lora.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Groups examples by identical context, for generation and evaluation (one output per distinct context). */
public final class ContextGroups {
    private ContextGroups() {
    }

    /** Groups in order of each context's first appearance; references in file order. */
    public static List<ContextGroup> of(List<RawExample> raw) {
        Map<String, Integer> first = new LinkedHashMap<>();
        Map<String, List<String>> refs = new LinkedHashMap<>();
        for (int i = 0; i < raw.size(); i++) {
            RawExample r = raw.get(i);
            first.putIfAbsent(r.context(), i);
            refs.computeIfAbsent(r.context(), k -> new ArrayList<>()).add(r.completion());
        }
        List<ContextGroup> groups = new ArrayList<>(refs.size());
        refs.forEach((context, completions) -> groups.add(new ContextGroup(context, completions, first.get(context))));
        return groups;
    }
}
