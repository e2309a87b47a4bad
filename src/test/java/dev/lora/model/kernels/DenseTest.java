package dev.lora.model.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.assertj.core.api.Assertions.assertThat;

class DenseTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"FLOAT", "DOUBLE"})
    void denseCopiesOnlyWhatIsNotOneRowMajorRun(DataType type) {
        INDArray a = Nd4j.linspace(1, 12, 12, DataType.DOUBLE).reshape(3, 4).castTo(type);
        assertThat(Dense.of(a)).isSameAs(a);
        INDArray block = a.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3));
        INDArray copy = Dense.of(block);
        assertThat(copy).isNotSameAs(block).isEqualTo(block);
        assertThat(Dense.of(a.transpose())).isEqualTo(a.transpose());
        assertThat(Dense.of(a.transpose()).ordering()).isEqualTo('c');
    }

    /** Size-1 dimensions do not make an array less dense, whatever strides ND4J gave them. */
    @org.junit.jupiter.api.Test
    void sizeOneDimensionsAreDense() {
        INDArray probs = Nd4j.createUninitialized(DataType.FLOAT, new long[]{1, 4, 1, 1}, 'c');
        assertThat(Dense.of(probs)).isSameAs(probs);
        assertThat(Dense.require(probs)).isSameAs(probs);
        INDArray column = Nd4j.zeros(DataType.FLOAT, 5, 1);
        assertThat(Dense.of(column)).isSameAs(column);
    }
}
