package dev.lora.tokenizer;

import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.IntArrayList;

import java.io.ByteArrayOutputStream;

/**
 * A jtokkit encoding plus what jtokkit does not give us: a rank-to-id map (jtokkit's numbers are merge ranks,
 * a model's ids come from its vocab.json) and a byte table per id for decoding.
 */
final class BytePairTokenizer implements Gpt2Tokenizer {
    private final Encoding encoding;
    /** Null when ranks already are the ids, as in GPT-2's own files. */
    private final int[] rankToId;
    private final byte[][] idToBytes;
    private final int eosId;
    private final String source;

    BytePairTokenizer(Encoding encoding, int[] rankToId, byte[][] idToBytes, int eosId, String source) {
        this.encoding = encoding;
        this.rankToId = rankToId;
        this.idToBytes = idToBytes;
        this.eosId = eosId;
        this.source = source;
    }

    @Override
    public int[] encode(String text) {
        // encodeOrdinary: jtokkit's encode() throws on "<|endoftext|>" in the text; we want it as plain text.
        IntArrayList ranks = encoding.encodeOrdinary(text);
        int[] ids = ranks.toArray();
        if (rankToId != null) {
            for (int i = 0; i < ids.length; i++) ids[i] = rankToId[ids[i]];
        }
        return ids;
    }

    @Override
    public byte[] decodeBytes(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            if (id < 0 || id >= idToBytes.length) {
                throw new IllegalArgumentException("token id " + id + " is outside [0, " + idToBytes.length + ")");
            }
            out.writeBytes(idToBytes[id]);
        }
        return out.toByteArray();
    }

    @Override
    public String decode(int[] ids) {
        return Utf8.decodeReplacing(decodeBytes(ids));
    }

    @Override
    public int eosId() {
        return eosId;
    }

    @Override
    public int vocabSize() {
        return idToBytes.length;
    }

    @Override
    public String source() {
        return source;
    }

    /** True when encoding needs no rank-to-id translation (the case for GPT-2's own files). */
    boolean idsAreRanks() {
        return rankToId == null;
    }

    @Override
    public String toString() {
        return "Gpt2Tokenizer(" + source + ", " + vocabSize() + " ids)";
    }
}
