package dev.lora.eval.metrics.meteor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.io.InputError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What METEOR 1.5 reads besides the text, from one folder: its English function words ({@code english.words}),
 * WordNet synonyms ({@code english.synsets}, {@code english.exceptions}) and the paraphrase table
 * ({@code paraphrase-en.gz}). Whatever is missing is left out: METEOR is still computed, with fewer modules (or the
 * stand-in function words), and {@link #warning} says what is missing and what it costs. Loaded once per command.
 */
public final class MeteorResources {
    public static final String ENV = "LORA_METEOR_DATA";
    public static final Path DEFAULT_DIR = Path.of("data", "meteor");
    static final String WORDS = "english.words", SYNSETS = "english.synsets", EXCEPTIONS = "english.exceptions";
    static final String PARAPHRASES = "paraphrase-en.gz";

    private final Path dir;
    private final Set<String> functionWords;
    private final boolean officialFunctionWords;
    private final Optional<MeteorSynonyms> synonyms;
    private final Optional<MeteorParaphrases> paraphrases;

    MeteorResources(Path dir, Set<String> functionWords, boolean officialFunctionWords, Optional<MeteorSynonyms> synonyms,
                    Optional<MeteorParaphrases> paraphrases) {
        this.dir = dir;
        this.functionWords = functionWords;
        this.officialFunctionWords = officialFunctionWords;
        this.synonyms = synonyms;
        this.paraphrases = paraphrases;
    }

    /** Exact and stem matching with the stand-in function words: what METEOR is without any of its data. */
    public static MeteorResources none() {
        return new MeteorResources(null, FunctionWords.ENGLISH, false, Optional.empty(), Optional.empty());
    }

    /** The folder given (--meteor-data), else $LORA_METEOR_DATA, else data/meteor. */
    public static Path location(Optional<Path> given) {
        if (given.isPresent()) return given.get();
        String env = System.getenv(ENV);
        return env == null || env.isBlank() ? DEFAULT_DIR : Path.of(env);
    }

    /** Reads what {@code dir} holds; a folder given explicitly that does not exist is an error. */
    public static MeteorResources load(Path dir, boolean explicit) {
        if (!Files.isDirectory(dir)) {
            if (explicit) throw InputError.at(dir, 0, "no such folder; --meteor-data (or " + ENV + ") names the folder of METEOR's"
                    + " english.words, english.synsets, english.exceptions and paraphrase-en.gz");
            return none().in(dir);
        }
        Path words = dir.resolve(WORDS);
        boolean official = Files.isRegularFile(words);
        Set<String> function = official ? readWords(words) : FunctionWords.ENGLISH;
        Optional<MeteorSynonyms> synonyms = Files.isRegularFile(dir.resolve(SYNSETS)) && Files.isRegularFile(dir.resolve(EXCEPTIONS))
                ? Optional.of(MeteorSynonyms.read(dir.resolve(SYNSETS), dir.resolve(EXCEPTIONS))) : Optional.empty();
        Optional<MeteorParaphrases> paraphrases = Files.isRegularFile(dir.resolve(PARAPHRASES))
                ? Optional.of(MeteorParaphrases.read(dir.resolve(PARAPHRASES))) : Optional.empty();
        return new MeteorResources(dir, function, official, synonyms, paraphrases);
    }

    private MeteorResources in(Path folder) {
        return new MeteorResources(folder, functionWords, officialFunctionWords, synonyms, paraphrases);
    }

    /** The modules METEOR runs with these resources, in METEOR's order. */
    public List<String> modules() {
        List<String> m = new ArrayList<>(List.of("exact", "stem"));
        synonyms.ifPresent(s -> m.add("synonym"));
        paraphrases.ifPresent(p -> m.add("paraphrase"));
        return m;
    }

    public boolean officialFunctionWords() {
        return officialFunctionWords;
    }

    /** Which METEOR ran, beside its score, so that a quality gate never compares different METEORs unknowingly. */
    public void recordIn(ObjectNode json) {
        json.put("METEOR_modules", String.join("+", modules()));
        json.put("METEOR_function_words", officialFunctionWords ? WORDS : "stand-in");
    }

    /** One line on what is missing and how much lower METEOR reads for it; empty when nothing is. */
    public Optional<String> warning() {
        List<String> missing = new ArrayList<>();
        if (!officialFunctionWords) missing.add(WORDS);
        if (synonyms.isEmpty()) missing.add(SYNSETS + " and " + EXCEPTIONS);
        if (paraphrases.isEmpty()) missing.add(PARAPHRASES);
        if (missing.isEmpty()) return Optional.empty();
        String where = dir == null ? "no METEOR data folder" : dir.toString();
        return Optional.of("METEOR: " + where + " lacks " + String.join(", ", missing) + ", so METEOR runs with " + String.join(
                "+", modules()) + (officialFunctionWords ? "" : " and stand-in function words") + " and reads lower than the"
                + " official scorer (" + cost() + "); get the files with scripts/download-meteor.sh, or point --meteor-data or "
                + ENV + " at them");
    }

    /** Measured on the TGen baseline's dev and test outputs (docs/metrics.md). */
    private String cost() {
        List<String> parts = new ArrayList<>();
        if (synonyms.isEmpty()) parts.add("0.004-0.006 for the synonyms");
        if (paraphrases.isEmpty()) parts.add("0.002-0.003 for the paraphrases");
        if (!officialFunctionWords) parts.add("up to 0.0003 either way for the function words");
        return "on the E2E baseline: " + String.join(", ", parts);
    }

    Set<String> functionWords() {
        return functionWords;
    }

    Optional<MeteorSynonyms> synonyms() {
        return synonyms;
    }

    Optional<MeteorParaphrases> paraphrases() {
        return paraphrases;
    }

    private static Set<String> readWords(Path file) {
        try {
            return new HashSet<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw InputError.reading(file, e);
        }
    }
}
