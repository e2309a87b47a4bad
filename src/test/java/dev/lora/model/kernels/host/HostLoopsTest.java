package dev.lora.model.kernels.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.assertj.core.api.Assertions.assertThat;

class HostLoopsTest {
    @ParameterizedTest(name = "{0}, {1} rows")
    @CsvSource({"FLOAT, 3", "DOUBLE, 3", "FLOAT, 200", "DOUBLE, 200"})
    void addRowVectorAddsToEveryRow(DataType type, int rows) {
        int width = 300; // 200 rows x 300 takes the parallel path
        double[][] ys = new double[rows][width];
        double[] vs = new double[width];
        for (int j = 0; j < width; j++) {
            vs[j] = -(j + 1);
            for (int i = 0; i < rows; i++) ys[i][j] = i * width + j + 1;
        }
        INDArray y = Nd4j.createFromArray(ys).castTo(type), v = Nd4j.createFromArray(vs).castTo(type);
        HostLoops.addRowVector(y, v);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < width; j++) assertThat(y.getDouble(i, j)).isEqualTo((double) (i * width + j + 1) - (j + 1));
        }
    }

    @Test
    void toDoubleRowsWidensEveryRowExactlyFromViewsToo() {
        INDArray big = Nd4j.rand(DataType.FLOAT, 5, 7);
        INDArray view = big.get(NDArrayIndex.interval(1, 4),
                NDArrayIndex.all());
        double[][] rows = HostLoops.toDoubleRows(view, new double[3][7]);
        assertThat(rows).hasDimensions(3, 7);
        for (int r = 0; r < 3; r++) for (int c = 0; c < 7; c++) {
            assertThat(rows[r][c]).isEqualTo((double) big.getFloat(r + 1, c));
        }
        INDArray d = big.castTo(DataType.DOUBLE);
        assertThat(HostLoops.toDoubleRows(d, new double[5][7])[4][6]).isEqualTo(d.getDouble(4, 6));
    }
}
