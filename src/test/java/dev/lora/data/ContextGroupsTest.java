package dev.lora.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ContextGroupsTest {
    @Test
    void groupsByContextInOrderOfFirstAppearance() {
        List<ContextGroup> groups = ContextGroups.of(List.of(
                new RawExample("B", "b1", 1),
                new RawExample("A", "a1", 2),
                new RawExample("B", "b2", 3),
                new RawExample("C", "c1", 5),
                new RawExample("A", "a2", 6)));
        assertThat(groups).containsExactly(
                new ContextGroup("B", List.of("b1", "b2"), 0),
                new ContextGroup("A", List.of("a1", "a2"), 1),
                new ContextGroup("C", List.of("c1"), 3));
    }

    @Test
    void identicalReferencesAreKept() {
        List<ContextGroup> groups = ContextGroups.of(List.of(new RawExample("A", "x", 1), new RawExample("A", "x", 2)));
        assertThat(groups).singleElement().extracting(ContextGroup::references).isEqualTo(List.of("x", "x"));
    }

    @Test
    void noExamplesNoGroups() {
        assertThat(ContextGroups.of(List.of())).isEmpty();
    }
}
