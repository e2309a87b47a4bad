package dev.lora.eval.metrics.meteor;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * METEOR's synonym module on a hand-made dictionary: WordNet's suffix rules in order (each rule's word is chosen so
 * the rules before it give no dictionary word), the "ss" and short-word rule, irregular forms from the exceptions,
 * and which word pairs match.
 */
class MeteorSynonymsTest {
    private static final Map<String, int[]> SYNSETS = new HashMap<>();
    static {
        String[] words = {"car", "bus", "box", "buzz", "church", "wish", "woman", "city", "go", "hope", "walk", "make",
                "tall", "large", "glass", "is", "child", "kid", "axe", "axis", "big", "house", "home", "cafe", "a"};
        for (int i = 0; i < words.length; i++) SYNSETS.put(words[i], new int[]{100 + i});
        // Synonyms share a synset: big/large, child/kid, house/home (listed out of order, as a file may).
        SYNSETS.put("big", new int[]{120, 113});
        SYNSETS.put("kid", new int[]{116, 117});
        SYNSETS.put("home", new int[]{121, 122});
    }
    private static final MeteorSynonyms SYN = new MeteorSynonyms(SYNSETS,
            Map.of("went", List.of("go"), "children", List.of("child"), "axes", List.of("axe", "axis")));

    @Test
    void eachSuffixRuleInItsOrder() {
        // nouns
        assertThat(SYN.base("cars")).isEqualTo("car");          // s -> ""
        assertThat(SYN.base("buses")).isEqualTo("bus");         // "buse" is no word; ses -> s
        assertThat(SYN.base("boxes")).isEqualTo("box");         // xes -> x
        assertThat(SYN.base("buzzes")).isEqualTo("buzz");       // zes -> z
        assertThat(SYN.base("churches")).isEqualTo("church");   // ches -> ch
        assertThat(SYN.base("wishes")).isEqualTo("wish");       // shes -> sh
        assertThat(SYN.base("women")).isEqualTo("woman");       // men -> man
        assertThat(SYN.base("cities")).isEqualTo("city");       // ies -> y
        // verbs
        assertThat(SYN.base("goes")).isEqualTo("go");           // "goe" is no word; es -> ""
        assertThat(SYN.base("hoped")).isEqualTo("hope");        // ed -> e
        assertThat(SYN.base("walked")).isEqualTo("walk");       // "walke" is no word; ed -> ""
        assertThat(SYN.base("making")).isEqualTo("make");       // ing -> e
        assertThat(SYN.base("walking")).isEqualTo("walk");      // ing -> ""
        // adjectives
        assertThat(SYN.base("taller")).isEqualTo("tall");       // er -> ""
        assertThat(SYN.base("tallest")).isEqualTo("tall");      // est -> ""
        assertThat(SYN.base("larger")).isEqualTo("large");      // "larg" is no word; er -> e
        assertThat(SYN.base("largest")).isEqualTo("large");     // est -> e
    }

    @Test
    void ssAndShortWordsAreTheirOwnBaseAndOtherWordsMayHaveNone() {
        assertThat(SYN.base("glass")).isEqualTo("glass");       // ends in ss: not "glas"
        assertThat(SYN.base("is")).isEqualTo("is");             // 2 characters: not "i"
        assertThat(SYN.base("xyzzy")).isEmpty();                // no rule gives a dictionary word
        assertThat(SYN.base("xyzzys")).isEmpty();               // "xyzzy" is no word either
    }

    @Test
    void synsetsAreTheWordsOwnPlusItsBases() {
        assertThat(SYN.synsetsOf("large")).containsExactly(113);
        assertThat(SYN.synsetsOf("larger")).containsExactly(113);           // by the suffix rules
        assertThat(SYN.synsetsOf("went")).containsExactly(108);             // irregular: the exceptions give go
        assertThat(SYN.synsetsOf("children")).containsExactly(116);
        assertThat(SYN.synsetsOf("axes")).containsExactly(118, 119);        // both listed bases
        assertThat(SYN.synsetsOf("qqq")).isEmpty();
    }

    @Test
    void differentWordsSharingASynsetMatchAndIdenticalWordsAreLeftToExact() {
        MeteorResources r = new MeteorResources(null, Set.of("a"), true, Optional.of(SYN), Optional.empty());
        MeteorAligner aligner = new MeteorAligner(Meteor.snowballEnglish(), r);
        MeteorAligner.Alignment a = aligner.align(List.of("a", "big", "house"), List.of("a", "large", "home"));
        assertThat(a.hypContentMatches()[MeteorAligner.SYNONYM]).isEqualTo(2);  // big~large, house~home
        assertThat(a.hypFunctionMatches()[MeteorAligner.EXACT]).isEqualTo(1);   // a
        MeteorAligner.Alignment same = aligner.align(List.of("a", "big", "house"), List.of("a", "big", "home"));
        assertThat(same.hypContentMatches()[MeteorAligner.EXACT]).isEqualTo(1);   // big = big: exact, not synonym
        assertThat(same.hypContentMatches()[MeteorAligner.SYNONYM]).isEqualTo(1); // house~home
        MeteorAligner.Alignment irregular = aligner.align(List.of("children", "went"), List.of("kid", "go"));
        assertThat(irregular.hypContentMatches()[MeteorAligner.SYNONYM]).isEqualTo(2);
    }

    /**
     * "a big cafe" against "a large cafe", with "a" the only function word: exact a and cafe, synonym big~large, in
     * one chunk on both sides (no fragmentation penalty). Each side weighs 0.75 x 2 content + 0.25 x 1 function words
     * = 1.75 and matches 1.0 x (0.75 + 0.25) exact + 0.8 x 0.75 synonym = 1.6, so precision = recall = 1.6 / 1.75 and
     * METEOR is 32/35.
     */
    @Test
    void aSynonymCountsWithItsModuleWeight() {
        MeteorResources r = new MeteorResources(null, Set.of("a"), true, Optional.of(SYN), Optional.empty());
        MeteorStats s = MeteorStats.of(new MeteorAligner(Meteor.snowballEnglish(), r)
                .align(List.of("a", "big", "cafe"), List.of("a", "large", "cafe")));
        assertThat(s.score()).isCloseTo(32.0 / 35.0, org.assertj.core.data.Offset.offset(1e-12));
    }

    /** The same rules on METEOR's own files: "went" and "children" are in its exceptions file, the rest are rules. */
    @Test
    void onMeteorsOwnFiles() {
        java.nio.file.Path dir = dev.lora.tokenizer.SharedData.require("meteor/english.synsets").getParent();
        MeteorSynonyms real = MeteorSynonyms.read(dir.resolve(MeteorResources.SYNSETS), dir.resolve(MeteorResources.EXCEPTIONS));
        assertThat(real.size()).isEqualTo(294612 / 2); // pairs of lines
        assertThat(MeteorSynonyms.intersect(real.synsetsOf("went"), real.synsetsOf("go"))).isTrue();
        assertThat(MeteorSynonyms.intersect(real.synsetsOf("children"), real.synsetsOf("kid"))).isTrue();
        assertThat(real.base("cities")).isEqualTo("city");
        assertThat(real.base("restaurants")).isEqualTo("restaurant");
        assertThat(MeteorSynonyms.intersect(real.synsetsOf("centre"), real.synsetsOf("center"))).isTrue();
    }
}
