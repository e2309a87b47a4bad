package dev.lora.reliability;

import dev.lora.io.DType;
import dev.lora.io.InputError;
import dev.lora.io.Tensor;
import dev.lora.model.Gpt2Loader;
import dev.lora.model.WeightCheck;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WeightCheckTest {
    private static final Path FILE = Path.of("/models/x/model.safetensors");

    private static Map<String, Tensor> tensors(float[]... values) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            m.put("t" + i, new Tensor("t" + i, DType.F32, new long[] {2, values[i].length / 2}, values[i]));
        }
        return m;
    }

    @Test
    void finiteWeightsPass() {
        assertThatCode(() -> WeightCheck.scan(tensors(new float[] {1, -2, Float.MAX_VALUE, -Float.MIN_VALUE}, new float[0]), FILE))
                .doesNotThrowAnyException();
        assertThatCode(() -> WeightCheck.scan(Gpt2Loader.readTensors(Scratch.MODEL), FILE)).doesNotThrowAnyException();
    }

    @Test
    void namesTheFileTheFirstBadTensorItsCountAndPlace() {
        float[] clean = {1, 2, 3, 4};
        float[] bad = {0, 1, 2, Float.POSITIVE_INFINITY, 4, Float.NaN};
        float[] worse = {Float.NaN, Float.NaN};
        assertThatThrownBy(() -> WeightCheck.scan(tensors(clean, bad, worse), FILE))
                .isInstanceOf(InputError.class)
                .hasMessage(FILE + ": tensor 't1' [2, 3] holds 2 non-finite values, the first Infinity at [1, 0];"
                        + " the weights are damaged (or were saved from a diverged run): download or convert them again");
    }

    @Test
    void aNanAlone() {
        assertThatThrownBy(() -> WeightCheck.scan(tensors(new float[] {Float.NaN, 0}), FILE))
                .hasMessageStartingWith(FILE + ": tensor 't0' [2, 1] holds 1 non-finite value, the first NaN at [0, 0];");
    }
}
