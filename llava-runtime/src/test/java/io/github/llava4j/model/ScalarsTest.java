package io.github.llava4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.github.llava4j.FreedBuffers;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ScalarsTest {
    private static final float[] X = {0.25f, 1.5f, 2f, 3.75f};

    @Test
    void should_compute_what_djls_number_overloads_compute() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (DataType type : List.of(DataType.FLOAT32, DataType.FLOAT16)) {
                NDArray x = m.create(X).toType(type, false);
                assertThat(Scalars.mul(x, 1 / Math.sqrt(2)).toType(DataType.FLOAT32, false).toFloatArray())
                        .containsExactly(x.mul(1 / Math.sqrt(2)).toType(DataType.FLOAT32, false).toFloatArray());
                assertThat(Scalars.div(x, 8).toType(DataType.FLOAT32, false).toFloatArray())
                        .containsExactly(x.div(8).toType(DataType.FLOAT32, false).toFloatArray());
                assertThat(Scalars.pow(x, -0.5).toType(DataType.FLOAT32, false).toFloatArray())
                        .containsExactly(x.pow(-0.5).toType(DataType.FLOAT32, false).toFloatArray());
                assertThat(Scalars.mul(x, 2).getDataType()).isEqualTo(type);
            }
        }
    }

    @Test
    void should_keep_the_constant_for_the_backward_pass_when_the_jvm_frees_buffers_in_between() {
        // d/dx sum(0.5·x) = 0.5, d/dx sum(x / 4) = 0.25, d/dx sum(x^-0.5) = -0.5·x^-1.5
        assertThat(gradientAfterFreeing(x -> Scalars.mul(x, 0.5))).containsExactly(0.5f, 0.5f, 0.5f, 0.5f);
        assertThat(gradientAfterFreeing(x -> Scalars.div(x, 4))).containsExactly(0.25f, 0.25f, 0.25f, 0.25f);
        float[] expected = new float[X.length];
        for (int i = 0; i < X.length; i++) {
            expected[i] = (float) (-0.5 * Math.pow(X[i], -1.5));
        }
        assertThat(gradientAfterFreeing(x -> Scalars.pow(x, -0.5)))
                .usingElementComparator((a, b) -> Math.abs(a - b) <= 1e-6f * Math.abs(b) ? 0 : 1)
                .containsExactly(expected);
    }

    /** The gradient of {@code sum(op(x))}, with the JVM freeing and reusing buffers between forward and backward. */
    private static float[] gradientAfterFreeing(Function<NDArray, NDArray> op) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(X);
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = op.apply(x).sum();
                List<ByteBuffer> filler = FreedBuffers.reuse();
                collector.backward(y);
                assertThat(filler).isNotEmpty();
            }
            return x.getGradient().toFloatArray();
        }
    }
}
