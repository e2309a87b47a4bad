package dev.lora.adapter.formats;

import dev.lora.io.DType;
import dev.lora.io.InputError;
import dev.lora.io.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;

/**
 * A row-major float matrix, the form adapter tensors are rearranged in when converting between formats.
 * Every operation copies values or inserts zeros (no arithmetic except {@link #scaled}), so a conversion
 * that only moves blocks is bit-exact.
 */
record Matrix(int rows, int cols, float[] data) {
    Matrix {
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException(rows + "x" + cols + " needs " + (long) rows * cols + " values, got " + data.length);
        }
    }

    static Matrix zeros(int rows, int cols) {
        return new Matrix(rows, cols, new float[Math.multiplyExact(rows, cols)]);
    }

    /** A stored two-dimensional tensor; anything else is an InputError naming it. */
    static Matrix of(Tensor t, Object source) {
        if (t.shape().length != 2) {
            throw new InputError(source + ": tensor '" + t.name() + "' has shape " + Arrays.toString(t.shape())
                    + ", but a LoRA matrix has two dimensions");
        }
        return new Matrix((int) t.shape()[0], (int) t.shape()[1], t.data());
    }

    static Matrix of(INDArray a) {
        if (a.rank() != 2) throw new IllegalArgumentException("not a matrix: " + Arrays.toString(a.shape()));
        return new Matrix((int) a.size(0), (int) a.size(1), a.castTo(DataType.FLOAT).dup('c').data().asFloat());
    }

    INDArray toArray() {
        return Nd4j.create(data.clone(), new long[]{rows, cols}, 'c');
    }

    Tensor toTensor(String name) {
        return new Tensor(name, DType.F32, new long[]{rows, cols}, data);
    }

    /** Rows [from, to) and columns [colFrom, colTo). */
    Matrix block(int from, int to, int colFrom, int colTo) {
        Matrix out = zeros(to - from, colTo - colFrom);
        for (int r = from; r < to; r++) {
            System.arraycopy(data, r * cols + colFrom, out.data, (r - from) * out.cols, out.cols);
        }
        return out;
    }

    Matrix rowRange(int from, int to) {
        return block(from, to, 0, cols);
    }

    /** Whether rows [from, to) are zero outside columns [colFrom, colTo). */
    boolean zeroOutside(int from, int to, int colFrom, int colTo) {
        for (int r = from; r < to; r++) {
            for (int c = 0; c < cols; c++) {
                if ((c < colFrom || c >= colTo) && data[r * cols + c] != 0) return false;
            }
        }
        return true;
    }

    boolean rowsZero(int from, int to) {
        return zeroOutside(from, to, 0, 0);
    }

    /** This matrix at rows [row, ...) and columns [col, ...) of a zero matrix of the given size. */
    Matrix placedIn(int totalRows, int totalCols, int row, int col) {
        Matrix out = zeros(totalRows, totalCols);
        for (int r = 0; r < rows; r++) System.arraycopy(data, r * cols, out.data, (row + r) * totalCols + col, cols);
        return out;
    }

    static Matrix stackRows(List<Matrix> parts) {
        int cols = parts.get(0).cols, rows = 0;
        for (Matrix m : parts) {
            if (m.cols != cols) throw new IllegalArgumentException("column counts differ");
            rows += m.rows;
        }
        float[] out = new float[Math.multiplyExact(rows, cols)];
        int at = 0;
        for (Matrix m : parts) {
            System.arraycopy(m.data, 0, out, at, m.data.length);
            at += m.data.length;
        }
        return new Matrix(rows, cols, out);
    }

    /** Each value times {@code factor}, computed in double and rounded once. */
    Matrix scaled(double factor) {
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) (data[i] * factor);
        return new Matrix(rows, cols, out);
    }
}
