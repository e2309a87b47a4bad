package dev.lora.adapter.merge;

/**
 * scale * L R added to columns [column, column + cols) of a [rows, *] base tensor: L is [rows, rank] and
 * R [rank, cols], both row-major in double. For a Conv1D weight [in, out], L = A^T and R = B^T, so L R is
 * (B A)^T in the stored layout.
 */
record LowRankUpdate(String tensor, int column, int rows, int cols, int rank, double[] left, double[] right, double scale) {
    LowRankUpdate {
        if (left.length != (long) rows * rank || right.length != (long) rank * cols) {
            throw new IllegalArgumentException(tensor + ": factor sizes do not match " + rows + "x" + rank + "x" + cols);
        }
    }

    /** Adds this update's row {@code row} into {@code acc} (a full row of the target tensor). */
    void addRow(int row, double[] acc) {
        for (int k = 0; k < rank; k++) {
            double l = scale * left[row * rank + k];
            if (l == 0) continue;
            int from = k * cols;
            for (int j = 0; j < cols; j++) acc[column + j] += l * right[from + j];
        }
    }
}
