package dev.lora.model;

import dev.lora.model.kernels.Bf16Speed;
import dev.lora.model.kernels.Kernels;
import dev.lora.model.kernels.Workspaces;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * GPT-2 (Hugging Face GPT2LMHeadModel): token + position embeddings, pre-LayerNorm blocks,
 * final LayerNorm, LM head tied to the base token embedding. A batch is sequences of tokens whose
 * activations are rows, [N, C], sequence after sequence ({@link Sequences}): right-padded [B, T] id
 * matrices, or padding-free concatenations of examples. Not thread-safe: a forward with {@code keep}
 * remembers what the following {@link #backward} needs.
 */
public final class Gpt2Model {
    private final Gpt2Weights weights;
    private final TokenEmbedding wte;
    private final List<Block> blocks = new ArrayList<>();
    private final LayerNorm lnF;
    private final Kernels kernels;
    private boolean kept;

    /** The model under {@code kernels}; {@code adapters} wraps its projections and embedding as they are built. */
    public Gpt2Model(Gpt2Weights weights, Adapters adapters, Kernels kernels) {
        this.weights = weights;
        this.kernels = kernels;
        Gpt2Config c = weights.config();
        this.wte = adapters.wrapEmbedding(new Embedding(weights.get("transformer.wte.weight")));
        for (int i = 0; i < c.nLayer(); i++) {
            String p = "transformer.h." + i + ".";
            Linear cAttn = adapters.wrap(i, Adapters.Site.C_ATTN, new Conv1D(weights.get(p + "attn.c_attn.weight"),
                    weights.get(p + "attn.c_attn.bias"), c.nEmbd(), 2L * c.nEmbd(), kernels));
            Linear attnProj = adapters.wrap(i, Adapters.Site.ATTN_PROJ, conv(p + "attn.c_proj"));
            Linear fc = adapters.wrap(i, Adapters.Site.MLP_FC, conv(p + "mlp.c_fc"));
            Linear mlpProj = adapters.wrap(i, Adapters.Site.MLP_PROJ, conv(p + "mlp.c_proj"));
            blocks.add(new Block(norm(p + "ln_1"), new Attention(cAttn, attnProj, c.nHead(), kernels), norm(p + "ln_2"),
                    new Mlp(fc, mlpProj, kernels)));
        }
        this.lnF = norm("transformer.ln_f");
        if (weights.bfloat16Products()) {
            // Once per model: a user who chose bfloat16 for speed learns at once whether it is faster on this CPU.
            Bf16Speed speed = Bf16Speed.measure(kernels, KernelChoice.fromEnvironment());
            if (speed.slower()) LoggerFactory.getLogger(Gpt2Model.class).warn(speed.line());
            else LoggerFactory.getLogger(Gpt2Model.class).info(speed.line());
        }
    }

    /** The plain GPT-2 under the kernels LORA_KERNELS chooses. */
    public Gpt2Model(Gpt2Weights weights) {
        this(weights, Adapters.NONE, KernelChoice.forWeights(weights));
    }

    private Conv1D conv(String module) {
        return new Conv1D(weights.get(module + ".weight"), weights.get(module + ".bias"), kernels);
    }

    private LayerNorm norm(String module) {
        return new LayerNorm(weights.get(module + ".weight"), weights.get(module + ".bias"),
                weights.config().layerNormEpsilon(), kernels);
    }

    public Gpt2Config config() {
        return weights.config();
    }

    public Kernels kernels() {
        return kernels;
    }

    public DataType dtype() {
        return weights.dtype();
    }

    public Gpt2Weights weights() {
        return weights;
    }

    /** Final hidden states (after ln_f) of a right-padded batch, [B*T, C]; row b*T + t is token t of row b. */
    public INDArray hidden(int[][] ids, boolean keep) {
        return hidden(ids, Pass.of(keep));
    }

    /** As {@link #hidden(int[][], boolean)} for any pass (a training pass's rows are then this padded batch's). */
    public INDArray hidden(int[][] ids, Pass pass) {
        int batch = ids.length, time = ids[0].length;
        int[] flat = new int[batch * time];
        for (int b = 0; b < batch; b++) {
            if (ids[b].length != time) throw new IllegalArgumentException("ragged batch: pad rows to one length");
            System.arraycopy(ids[b], 0, flat, b * time, time);
        }
        return hidden(flat, Sequences.padded(batch, time), pass);
    }

    /**
     * Final hidden states of sequences given as one run of tokens, [N, C]: row seqs.offset(s) + t is token t of
     * sequence s, at position t. With the examples of a batch concatenated, no row is padding.
     */
    public INDArray hidden(int[] tokens, Sequences seqs, boolean keep) {
        return hidden(tokens, seqs, Pass.of(keep));
    }

    /** As {@link #hidden(int[], Sequences, boolean)} for any pass; a training pass must describe {@code seqs}. */
    public INDArray hidden(int[] tokens, Sequences seqs, Pass pass) {
        boolean keep = pass.keep();
        if (tokens.length != seqs.rows()) throw new IllegalArgumentException(tokens.length + " tokens for " + seqs.rows() + " rows");
        checkLength(seqs.longest(), 0);
        int[] positions = new int[tokens.length];
        for (int s = 0; s < seqs.count(); s++) {
            for (int t = 0; t < seqs.length(s); t++) positions[seqs.offset(s) + t] = t;
        }
        INDArray x = embed(tokens, positions, keep);
        for (Block b : blocks) x = b.forward(x, seqs, pass);
        kept = keep;
        return lnF.forward(x, keep);
    }

    /**
     * Backpropagates dL/d(hidden) of the last {@code hidden(ids, true)} into the trainable parameters.
     * Inside a workspace (training steps), each block's backward gets a nested workspace that is reset
     * once the block is done, and only the block's input gradient is copied out: a block's backward
     * temporaries are dead after it, and keeping those of all blocks until the step ends would more
     * than double peak memory.
     */
    public void backward(INDArray dHidden) {
        if (!kept) throw new IllegalStateException("backward without a kept forward pass");
        INDArray dx = lnF.backward(dHidden);
        MemoryWorkspace outer = Nd4j.getMemoryManager().getCurrentWorkspace();
        for (int i = blocks.size() - 1; i >= 0; i--) {
            if (outer == null) {
                dx = blocks.get(i).backward(dx);
                continue;
            }
            try (MemoryWorkspace ws = Workspaces.open("lora-block-backward")) {
                dx = blocks.get(i).backward(dx).leverageTo(outer.getId());
            }
        }
        wte.backward(dx);
        kept = false;
    }


    /** A cache for incremental decoding of {@code batch} rows of up to {@code capacity} positions. */
    public KvCache newCache(int batch, int capacity) {
        Gpt2Config c = config();
        checkLength(capacity, 0);
        return new KvCache(c.nLayer(), new int[batch], c.nHead(), capacity, c.headDim(), dtype(), kernels);
    }

    /**
     * A cache of {@code capacity} slots whose row b starts with {@code leftPad[b]} padding slots (see
     * {@link KvCache}), so that prompts of different lengths, left-padded to one length, decode
     * together. Positions are checked per row as tokens are added.
     */
    public KvCache newCache(int[] leftPad, int capacity) {
        Gpt2Config c = config();
        for (int p : leftPad) {
            if (p < 0 || p >= capacity) throw new IllegalArgumentException("left padding " + p + " outside [0, " + capacity + ")");
        }
        return new KvCache(c.nLayer(), leftPad, c.nHead(), capacity, c.headDim(), dtype(), kernels);
    }

    /**
     * Hidden states of new tokens [B, Tnew] that follow the cached slots; appends them to the cache.
     * Tokens in a row's padding slots are placeholders: their hidden states are meaningless and no
     * real token sees them.
     */
    public INDArray hiddenCached(int[][] ids, KvCache cache) {
        int batch = ids.length, time = ids[0].length, start = cache.length();
        if (batch != cache.batch()) {
            throw new IllegalArgumentException(batch + " rows of tokens for a cache of " + cache.batch() + " rows");
        }
        checkLength(time, start - cache.minLeftPad());
        // Each row's positions count from the end of its padding; padding slots take any valid position.
        int[] flat = new int[batch * time], positions = new int[batch * time];
        for (int b = 0; b < batch; b++) {
            if (ids[b].length != time) throw new IllegalArgumentException("ragged batch: pad rows to one length");
            for (int t = 0; t < time; t++) {
                flat[b * time + t] = ids[b][t];
                positions[b * time + t] = Math.max(0, start + t - cache.leftPad(b));
            }
        }
        INDArray x = embed(flat, positions, false);
        INDArray mask = cache.attentionMask(time, config().nHead(), dtype());
        for (int i = 0; i < blocks.size(); i++) {
            x = blocks.get(i).forwardCached(x, batch, time, cache.layer(i), mask);
        }
        return lnF.forward(x, false);
    }

    /** LM-head logits of hidden rows, [N, vocab] (tied to the base token embedding). */
    public INDArray logits(INDArray hiddenRows) {
        return kernels.timesTransposed(hiddenRows, lmHead());
    }

    /** The LM head's weight [vocab, C]: the base token embedding, unless the checkpoint unties them. */
    public INDArray lmHead() {
        Param head = weights.params().get("lm_head.weight");
        return (head != null ? head : weights.get("transformer.wte.weight")).value();
    }

    /** Token + position embeddings of rows: token ids and their positions. */
    private INDArray embed(int[] tokens, int[] positions, boolean keep) {
        INDArray wpe = Nd4j.pullRows(weights.get("transformer.wpe.weight").value(), 1, positions);
        return wte.forward(tokens, keep).addi(wpe);
    }

    private void checkLength(int time, int start) {
        int max = config().nPositions();
        if (start + time > max) {
            throw new IllegalArgumentException((start + time) + " positions exceed the model's n_positions " + max);
        }
    }
}
