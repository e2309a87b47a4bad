package dev.lora.eval.metrics;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Expected outputs are those of the real Stanford PTBTokenizer (CoreNLP 3.4.1, -preserveLines
 * -lowerCase), run on these inputs while this class was written.
 */
class PtbTokenizerTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "It's \"fine\".                         | it 's `` fine '' .",
            "(the best).                             | -lrb- the best -rrb- .",
            "£20-25.                                 | # 20-25 .",
            "20£-25                                  | 20 # -25",
            "Price £20 - £25                         | price # 20 - # 25",
            "don't can't cannot                      | do n't ca n't can not",
            "Don 't                                  | don ' t",
            "in the city center., near               | in the city center. , near",
            "children's-friendly                     | children 's - friendly",
            "low ratings...but nice                  | low ratings ... but nice",
            "centre..it                              | centre . . it",
            "area.It is                              | area.it is",
            "5 p.m. near the U.K.                    | 5 p.m. near the u.k.",
            "end with St.                            | end with st.",
            "it is no.                               | it is no .",
            "called 'Aromi'.                         | called ` aromi ' .",
            "50% A&B x -- y — z                      | 50 % a&b x -- y -- z",
            "d'oeuvre o'clock 30.99 1,000            | d'oeuvre o'clock 30.99 1,000",
    })
    void matchesStanfordPtbTokenizer(String input, String expected) {
        assertThat(String.join(" ", PtbTokenizer.tokenize(input))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // pycocoevalcap drops its punctuation tokens; the bracket escapes survive lower-casing.
            "It's \"fine\" (really)!        | it 's fine -lrb- really -rrb-",
            "Aromi, a £20-25 coffee shop.   | aromi a # 20-25 coffee shop",
    })
    void cocoTokenizerRemovesPunctuationTokens(String input, String expected) {
        assertThat(CocoTokenizer.tokenize(input)).isEqualTo(expected);
    }
}
