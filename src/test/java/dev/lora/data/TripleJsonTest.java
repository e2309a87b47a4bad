package dev.lora.data;

import dev.lora.io.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pairs built as format_converting_webnlg.py / format_converting_dart.py build them, on hand-made entries. */
class TripleJsonTest {
    @TempDir
    Path dir;

    private Path file(String name, String json) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, json);
        return f;
    }

    private static final String WEBNLG = """
            {"entries": [
              {"1": {"category": "Airport", "modifiedtripleset": [
                       {"subject": "Aarhus_Airport", "property": "cityServed", "object": "Aarhus"},
                       {"subject": "Aarhus", "property": "leaderName", "object": "Jacob_Bundsgaard"}],
                     "lexicalisations": [{"comment": "good", "lex": "Aarhus Airport serves Aarhus."},
                                         {"comment": "toFix", "lex": "bad one"},
                                         {"comment": "good", "lex": "Aarhus has an airport."}]}},
              {"2": {"category": "Athlete", "modifiedtripleset": [{"subject": "A", "property": "club", "object": "B"}],
                     "lexicalisations": [{"comment": "good", "lex": "A plays for B."}]}}
            ]}""";

    @Test
    void webNlgPairsAreTheScriptsOnes() throws IOException {
        List<RawExample> pairs = TripleJson.read(file("w.json", WEBNLG), Optional.empty());
        String context = "Aarhus_Airport : cityServed : Aarhus | Aarhus : leaderName : Jacob_Bundsgaard";
        RawExample.Category airport = new RawExample.Category("Airport", true);
        assertThat(pairs).containsExactly(
                new RawExample(context, "Aarhus Airport serves Aarhus.", 1, Optional.of(airport)),
                new RawExample(context, "Aarhus has an airport.", 1, Optional.of(airport)),
                new RawExample("A : club : B", "A plays for B.", 2, Optional.of(new RawExample.Category("Athlete", false))));
    }

    @Test
    void dartLowerCasesPropertiesAndKeepsEveryAnnotation() throws IOException {
        Path f = file("d.json", """
                [{"tripleset": [["Mars Hill College", "JOINED", "1973"], ["Mars Hill College", "LOCATION", "NC"]],
                  "annotations": [{"source": "x", "text": "It joined in 1973."}, {"source": "y", "text": "Second."}]}]""");
        assertThat(TripleJson.read(f, Optional.empty())).containsExactly(
                new RawExample("Mars Hill College : joined : 1973 | Mars Hill College : location : NC", "It joined in 1973.", 1),
                new RawExample("Mars Hill College : joined : 1973 | Mars Hill College : location : NC", "Second.", 1));
    }

    @Test
    void badFilesNameTheFileAndTheEntry() throws IOException {
        Path noEntries = file("a.json", "{\"other\": []}");
        assertThatThrownBy(() -> TripleJson.read(noEntries, Optional.empty())).isInstanceOf(InputError.class)
                .hasMessageStartingWith(noEntries + ": ").hasMessageContaining("\"entries\"");
        Path noTriples = file("b.json", WEBNLG.replace("[{\"subject\": \"A\", \"property\": \"club\", \"object\": \"B\"}]", "[]"));
        assertThatThrownBy(() -> TripleJson.read(noTriples, Optional.empty())).isInstanceOf(InputError.class)
                .hasMessage(noTriples + ": entries[1].modifiedtripleset: is empty; an entry needs at least one");
        Path notList = file("c.json", "{\"tripleset\": []}");
        assertThatThrownBy(() -> TripleJson.read(notList, Optional.of(TripleJson.Kind.DART))).isInstanceOf(InputError.class)
                .hasMessage(notList + ": DART JSON must be a list of entries, got an object");
        Path emptyText = file("d.json", "[{\"tripleset\": [[\"a\", \"b\", \"c\"]], \"annotations\": [{\"text\": \" \"}]}]");
        assertThatThrownBy(() -> TripleJson.read(emptyText, Optional.empty())).isInstanceOf(InputError.class)
                .hasMessage(emptyText + ": [0].annotations[0].text: is empty; give the reference text or remove it");
        Path wrongKey = file("e.json", "{\"entries\": [{\"2\": {}}]}");
        assertThatThrownBy(() -> TripleJson.read(wrongKey, Optional.empty())).isInstanceOf(InputError.class)
                .hasMessage(wrongKey + ": entries[0]: needs an object under the key \"1\"");
    }

    @Test
    void anEntryWithoutGoodTextsGivesNoPairAsInTheScript() throws IOException {
        Path f = file("w.json", WEBNLG.replace("{\"comment\": \"good\", \"lex\": \"A plays for B.\"}", "{\"comment\": \"toFix\", \"lex\": \"x\"}"));
        assertThat(TripleJson.read(f, Optional.empty())).hasSize(2);
    }
}
