package dev.lora.adapter.formats;

/**
 * One module's low-rank update in loralib's form, as read from any format: for c_attn, {@code slices} are the
 * enabled q/k/v output blocks (0, 1, 2; ascending), A is [k*rank, C] and B is [k*C, rank] (MergedLinear);
 * otherwise A is [rank, in] and B [out, rank]. The update is (alpha / rank) * B A (transposed into the
 * Conv1D layout when merged). {@code source} names the tensor it came from, for errors.
 */
record ModuleUpdate(ModuleKind.Name name, int[] slices, Matrix a, Matrix b, int rank, double alpha, String source) {
    ModuleUpdate {
        if (name.kind() != ModuleKind.C_ATTN && slices.length != 0) throw new IllegalArgumentException("slices on " + name);
    }

    double scaling() {
        return alpha / rank;
    }
}
