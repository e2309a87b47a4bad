package dev.lora.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.GptBytePairEncodingParams;
import dev.lora.io.InputError;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds a tokenizer from GPT-2 style vocab.json + merges.txt, the way tiktoken's
 * data_gym_to_mergeable_bpe_ranks does: the 256 single bytes take ranks 0..255 in GPT-2's byte order, merge
 * line k takes rank 256 + k, and jtokkit merges by those ranks. Ids are then looked up in vocab.json, so a
 * vocabulary whose ids are not in merge order still encodes to its own ids.
 *
 * <p>Like tiktoken (and unlike encoder.py, which ranks symbol pairs) jtokkit ranks the merged byte string;
 * for merge lists where every token has one merge that makes it, as GPT-2's, the two agree.
 */
final class BpeFiles {
    /** GPT-2's pre-tokenisation; Unicode classes so \s and \p{L} mean what they mean in Python's regex. */
    static final Pattern GPT2_SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);
    static final String EOS = "<|endoftext|>";

    private BpeFiles() {
    }

    static Gpt2Tokenizer load(Path vocabJson, Path mergesTxt) {
        Map<String, Integer> vocab = VocabJson.read(vocabJson);
        Integer eos = vocab.get(EOS);
        if (eos == null) {
            throw InputError.at(vocabJson, 0, "has no \"" + EOS + "\" entry; it is not a GPT-2 vocabulary");
        }

        Map<String, Integer> rankOfToken = new HashMap<>();
        List<String> rankTokens = new ArrayList<>();
        List<Integer> rankLines = new ArrayList<>();
        for (int r = 0; r < 256; r++) {
            String token = String.valueOf(ByteLevelAlphabet.charOf(ByteLevelAlphabet.byteAtRank(r)));
            rankOfToken.put(token, r);
            rankTokens.add(token);
            rankLines.add(0);
        }
        List<String> lines = Utf8.readLines(mergesTxt);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int lineNo = i + 1;
            if (line.isEmpty() || (i == 0 && line.startsWith("#version"))) continue;
            String[] parts = line.split(" ", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw InputError.at(mergesTxt, lineNo, "expected a merge as two tokens separated by one space, got '"
                        + line + "'; is this a GPT-2 merges.txt?");
            }
            for (String part : parts) {
                if (ByteLevelAlphabet.bytesOf(part) == null) {
                    throw InputError.at(mergesTxt, lineNo, "token '" + part
                            + "' has characters outside GPT-2's byte-level alphabet; is this a GPT-2 merges.txt?");
                }
                if (!rankOfToken.containsKey(part)) {
                    throw InputError.at(mergesTxt, lineNo, "merges '" + part
                            + "', which is neither a byte nor made by an earlier line; the merges are out of order");
                }
            }
            String merged = parts[0] + parts[1];
            if (rankOfToken.containsKey(merged)) {
                throw InputError.at(mergesTxt, lineNo, "'" + merged + "' is already made by an earlier line"
                        + " (line " + rankLines.get(rankOfToken.get(merged)) + ")");
            }
            rankOfToken.put(merged, rankTokens.size());
            rankTokens.add(merged);
            rankLines.add(lineNo);
        }

        Map<byte[], Integer> ranks = new HashMap<>();
        int[] rankToId = new int[rankTokens.size()];
        boolean identity = true;
        for (int r = 0; r < rankTokens.size(); r++) {
            String token = rankTokens.get(r);
            Integer id = vocab.get(token);
            if (id == null) {
                String from = r < 256 ? "the byte-level alphabet" : mergesTxt + " line " + rankLines.get(r);
                throw InputError.at(vocabJson, 0, "has no id for token '" + token + "' (from " + from
                        + "); vocab.json and merges.txt do not belong together");
            }
            rankToId[r] = id;
            identity &= id == r;
            ranks.put(ByteLevelAlphabet.bytesOf(token), r);
        }

        byte[][] idToBytes = new byte[vocab.size()][];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            byte[] bytes = ByteLevelAlphabet.bytesOf(e.getKey());
            // Added tokens outside the alphabet (none in GPT-2) decode to their own spelling.
            idToBytes[e.getValue()] = bytes != null ? bytes : e.getKey().getBytes(StandardCharsets.UTF_8);
        }

        String name = "bpe:" + vocabJson;
        Encoding encoding = Encodings.newLazyEncodingRegistry().registerGptBytePairEncoding(
                new GptBytePairEncodingParams(name, GPT2_SPLIT, ranks, Map.of()))
                .getEncoding(name).orElseThrow();
        return new BytePairTokenizer(encoding, identity ? null : rankToId, idToBytes, eos,
                vocabJson + " + " + mergesTxt);
    }
}
