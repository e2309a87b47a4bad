package dev.lora.data;

import dev.lora.io.InputError;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class E2eCsvTest {

    private static final Path DATA = Path.of("../shared/data/e2e");

    @Test
    void parsesRfc4180QuotingAndUnquotedFields() {
        String csv = "mr,ref\r\n"
                + "\"name[A], area[city centre]\",\"A is in the centre, \"\"they\"\" say.\"\r\n"
                + "\"name[A], area[city centre]\",Plain text\r\n"
                + "\"name[B]\",\"Two\nlines\"\n";
        List<E2eCsv.Row> rows = E2eCsv.parse(csv, "test.csv");
        assertThat(rows).containsExactly(
                new E2eCsv.Row("name[A], area[city centre]", "A is in the centre, \"they\" say."),
                new E2eCsv.Row("name[A], area[city centre]", "Plain text"),
                new E2eCsv.Row("name[B]", "Two\nlines"));
    }

    @Test
    void mrOnlyFileHasNoReferences() {
        List<E2eCsv.Row> rows = E2eCsv.parse("\uFEFFMR\n\"name[A]\"\n\"name[B]\"\n", "testset.csv");
        assertThat(rows).containsExactly(new E2eCsv.Row("name[A]", null), new E2eCsv.Row("name[B]", null));
    }

    @Test
    void groupsByMrInOrderOfFirstAppearance() {
        List<E2eCsv.MrGroup> groups = E2eCsv.groupByMr(List.of(
                new E2eCsv.Row("m2", "x"), new E2eCsv.Row("m1", "y"), new E2eCsv.Row("m2", "z")));
        assertThat(groups).containsExactly(new E2eCsv.MrGroup("m2", List.of("x", "z")), new E2eCsv.MrGroup("m1", List.of("y")));
    }

    @Test
    void rejectsBadCsv() {
        assertThatThrownBy(() -> E2eCsv.parse("mr,ref\n\"unterminated,x\n", "bad.csv"))
                .isInstanceOf(InputError.class).hasMessageContaining("bad.csv:2").hasMessageContaining("unterminated");
        assertThatThrownBy(() -> E2eCsv.parse("text\nx\n", "bad.csv"))
                .isInstanceOf(InputError.class).hasMessageContaining("no column 'mr'");
        assertThatThrownBy(() -> E2eCsv.parse("mr,ref\na,b,c\n", "bad.csv"))
                .isInstanceOf(InputError.class).hasMessageContaining("bad.csv:2").hasMessageContaining("3 fields");
    }

    @Test
    void convertsChallengeMrToLoraFormat() {
        assertThat(E2eCsv.toLoraMr("name[Alimentum], area[city centre], familyFriendly[no]"))
                .isEqualTo("name : Alimentum | area : city centre | family friendly : no");
        assertThat(E2eCsv.toLoraMr("name[The Golden Palace], eatType[coffee shop], priceRange[£20-25], "
                + "customer rating[high], near[Café Rouge]"))
                .isEqualTo("name : The Golden Palace | Type : coffee shop | price : £ 20 - 25 | customer rating : high"
                        + " | near : Café Rouge");
        assertThat(E2eCsv.toLoraMr("name[X], priceRange[less than £20]")).isEqualTo("name : X | price : less than £ 20");
        assertThatThrownBy(() -> E2eCsv.toLoraMr("name Alimentum")).isInstanceOf(InputError.class);
    }

    @Test
    void everyDevsetMrConvertsToAnMrOfValidTxt() throws IOException {
        Path devset = DATA.resolve("devset.csv");
        Path valid = DATA.resolve("valid.txt");
        assumeTrue(Files.exists(devset) && Files.exists(valid),
                "E2E data not found under " + DATA.toAbsolutePath() + " (../shared/data/e2e); skipping");
        Set<String> validMrs = Files.readAllLines(valid, StandardCharsets.UTF_8).stream()
                .map(line -> line.substring(0, line.indexOf("||"))).collect(Collectors.toSet());
        List<E2eCsv.MrGroup> groups = E2eCsv.groupByMr(E2eCsv.read(devset));
        assertThat(groups).hasSize(547);
        assertThat(groups).allSatisfy(g -> assertThat(validMrs).contains(E2eCsv.toLoraMr(g.mr())));
        assertThat(groups.stream().mapToInt(g -> g.refs().size()).sum()).isEqualTo(4672);
    }
}
