package io.github.llava4j.finetune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.llava4j.CheckpointException;
import io.github.llava4j.io.SafeTensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AdamW, zeroing and clipping of real DJL gradients. Only one GradientCollector may exist per JVM, so every test
 * that runs backward lives in this class (JUnit runs a class's methods one at a time).
 */
class AdamWTest {
    @TempDir
    Path dir;

    NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private TrainableParameter param(String name, float[] values, Shape shape, double lr) {
        NDArray a = manager.create(values, shape);
        a.setRequiresGradient(true);
        return new TrainableParameter(name, a, lr);
    }

    /** Sets each parameter's gradient to {@code grads[i]} through backward of sum(p_i * c_i). */
    private void setGradients(List<TrainableParameter> params, float[][] grads) {
        if (params.get(0).value().getGradient() != null) {
            Gradients.zero(params);
        }
        try (NDManager tmp = manager.newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = null;
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i).value();
                NDArray c = tmp.create(grads[i], p.getShape());
                NDArray term = p.mul(c).sum();
                loss = loss == null ? term : loss.add(term);
            }
            gc.backward(loss);
        }
    }

    private static float[] values(TrainableParameter p) {
        return p.value().toFloatArray();
    }

    private static float[] gradient(TrainableParameter p) {
        try (NDArray g = p.value().getGradient()) {
            return g.toFloatArray();
        }
    }

    /** torch.optim.AdamW's update in double precision (checked once against torch 1.13 AdamW + LambdaLR in float64 on
     *  the values of the three-step test: equal to 1e-15). */
    private static final class Reference {
        final double[] w;
        final double[] m;
        final double[] v;

        Reference(float[] init) {
            w = new double[init.length];
            for (int i = 0; i < init.length; i++) {
                w[i] = init[i];
            }
            m = new double[init.length];
            v = new double[init.length];
        }

        void step(int t, float[] g, double lr, AdamWConfig c) {
            double bc1 = 1 - Math.pow(c.beta1(), t);
            double bc2 = 1 - Math.pow(c.beta2(), t);
            for (int i = 0; i < w.length; i++) {
                w[i] -= lr * c.weightDecay() * w[i];
                m[i] = c.beta1() * m[i] + (1 - c.beta1()) * g[i];
                v[i] = c.beta2() * v[i] + (1 - c.beta2()) * g[i] * g[i];
                double denom = Math.sqrt(v[i]) / Math.sqrt(bc2) + c.epsilon();
                w[i] -= lr / bc1 * m[i] / denom;
            }
        }
    }

    @Test
    void should_match_the_torch_update_rule_over_three_steps() {
        AdamWConfig config = new AdamWConfig(0.9, 0.99, 1e-3, 0.1);
        float[] a0 = {1.5f};
        float[] b0 = {0.5f, -2.0f, 0.25f, 3.0f};
        TrainableParameter a = param("a", a0, new Shape(), 0.1);
        TrainableParameter b = param("b", b0, new Shape(2, 2), 0.05);
        List<TrainableParameter> params = List.of(a, b);
        float[][][] grads = {
            {{0.3f}, {1.0f, -0.5f, 0.0f, 2.0f}},
            {{-0.7f}, {0.2f, 0.1f, 0.0f, -1.0f}},
            {{0.05f}, {-3.0f, 0.4f, 0.001f, 0.5f}},
        };
        double[] factors = {1.0, 0.5, 0.25};
        Reference ra = new Reference(a0);
        Reference rb = new Reference(b0);
        try (AdamW adamW = new AdamW(config, manager)) {
            for (int t = 0; t < 3; t++) {
                setGradients(params, grads[t]);
                adamW.step(params, factors[t]);
                ra.step(t + 1, grads[t][0], 0.1 * factors[t], config);
                rb.step(t + 1, grads[t][1], 0.05 * factors[t], config);
            }
            assertThat(adamW.stepCount()).isEqualTo(3);
        }
        assertThat(a.value().getShape()).isEqualTo(new Shape());
        assertThat(a.value().hasGradient()).isTrue();
        for (int i = 0; i < ra.w.length; i++) {
            assertThat((double) values(a)[i]).as("a[%d]", i).isCloseTo(ra.w[i], within(1e-6));
        }
        for (int i = 0; i < rb.w.length; i++) {
            assertThat((double) values(b)[i]).as("b[%d]", i).isCloseTo(rb.w[i], within(1e-6));
        }
        // the parameters really moved (the comparison is not trivially satisfied)
        assertThat(values(b)[0]).isNotEqualTo(b0[0]);
    }

    @Test
    void should_decay_weights_decoupled_from_the_gradient() {
        AdamWConfig config = AdamWConfig.defaults().withWeightDecay(0.5);
        TrainableParameter p = param("p", new float[] {2.0f, -4.0f}, new Shape(2), 0.1);
        List<TrainableParameter> params = List.of(p);
        try (AdamW adamW = new AdamW(config, manager)) {
            setGradients(params, new float[][] {{0f, 0f}});
            adamW.step(params, 1.0);
        }
        // with L2 regularisation folded into the gradient Adam would move each weight by about lr = 0.1;
        // decoupled decay only scales it by (1 - lr * wd)
        assertThat(values(p)[0]).isCloseTo(2.0f * 0.95f, within(1e-6f));
        assertThat(values(p)[1]).isCloseTo(-4.0f * 0.95f, within(1e-6f));
    }

    @Test
    void should_continue_bit_identically_after_save_and_load() {
        AdamWConfig config = new AdamWConfig(0.9, 0.999, 1e-8, 0.01);
        float[][] g1 = {{0.3f, -0.1f, 0.7f}, {1.0f}};
        float[][] g2 = {{-0.2f, 0.5f, 0.1f}, {-0.4f}};
        float[][] g3 = {{0.9f, 0.05f, -0.3f}, {0.25f}};
        Path state = dir.resolve("optimizer.safetensors");

        List<TrainableParameter> run = List.of(param("w", new float[] {1f, 2f, 3f}, new Shape(3), 1e-2),
                param("s", new float[] {-1f}, new Shape(1), 1e-3));
        float[][] afterTwo;
        try (AdamW adamW = new AdamW(config, manager)) {
            setGradients(run, g1);
            adamW.step(run, 1.0);
            setGradients(run, g2);
            adamW.step(run, 0.8);
            adamW.save(state);
            afterTwo = new float[][] {values(run.get(0)), values(run.get(1))};
            setGradients(run, g3);
            adamW.step(run, 0.6);
        }

        List<TrainableParameter> resumed = List.of(param("w", afterTwo[0], new Shape(3), 1e-2),
                param("s", afterTwo[1], new Shape(1), 1e-3));
        try (AdamW adamW = new AdamW(config, manager)) {
            adamW.load(state, resumed);
            assertThat(adamW.stepCount()).isEqualTo(2);
            setGradients(resumed, g3);
            adamW.step(resumed, 0.6);
            assertThat(adamW.stepCount()).isEqualTo(3);
        }
        assertThat(values(resumed.get(0))).containsExactly(values(run.get(0)));
        assertThat(values(resumed.get(1))).containsExactly(values(run.get(1)));
        try (SafeTensors st = SafeTensors.open(state)) {
            assertThat(st.metadata()).containsEntry("step", "2");
            assertThat(st.tensors()).containsKeys("m.w", "v.w", "m.s", "v.s");
        }
    }

    @Test
    void should_name_file_and_tensor_when_the_state_does_not_match() {
        Path state = dir.resolve("opt.safetensors");
        List<TrainableParameter> params = List.of(param("proj.weight", new float[] {1f, 2f}, new Shape(2), 1e-3));
        try (AdamW adamW = new AdamW(AdamWConfig.defaults(), manager)) {
            setGradients(params, new float[][] {{1f, 1f}});
            adamW.step(params, 1.0);
            adamW.save(state);

            List<TrainableParameter> other = List.of(param("other.weight", new float[] {1f, 2f}, new Shape(2), 1e-3));
            assertThatThrownBy(() -> adamW.load(state, other))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(state.toString())
                    .hasMessageContaining("m.other.weight");

            List<TrainableParameter> reshaped =
                    List.of(param("proj.weight", new float[] {1f, 2f, 3f}, new Shape(3), 1e-3));
            assertThatThrownBy(() -> adamW.load(state, reshaped))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(state.toString())
                    .hasMessageContaining("m.proj.weight")
                    .hasMessageContaining("[2]")
                    .hasMessageContaining("[3]");
            // a failed load leaves the state as it was
            assertThat(adamW.stepCount()).isEqualTo(1);
        }
    }

    @Test
    void guarded_update_should_step_on_finite_values_and_skip_non_finite_ones_until_the_limit() {
        List<TrainableParameter> params = List.of(param("w", new float[] {1f, 2f}, new Shape(2), 1e-1));
        try (AdamW adamW = new AdamW(AdamWConfig.defaults(), manager)) {
            GuardedUpdate update = new GuardedUpdate(adamW, 1.0, 1, "lower the learning rate");

            setGradients(params, new float[][] {{3f, 4f}});
            double norm = update.apply(params, 0.5, 1.0, () -> "step 1");
            assertThat(norm).isCloseTo(5.0, within(1e-6));
            assertThat(adamW.stepCount()).isEqualTo(1);
            float[] afterStep = values(params.get(0));
            assertThat(afterStep[0]).isLessThan(1f);
            assertThat(gradient(params.get(0)))
                    .containsExactly(0f, 0f);

            setGradients(params, new float[][] {{Float.NaN, 1f}});
            assertThat(update.apply(params, 0.5, 1.0, () -> "step 2")).isNaN();
            assertThat(update.skipped()).isEqualTo(1);
            assertThat(adamW.stepCount()).isEqualTo(1);
            assertThat(values(params.get(0))).containsExactly(afterStep);
            assertThat(gradient(params.get(0)))
                    .containsExactly(0f, 0f);

            setGradients(params, new float[][] {{1f, 1f}});
            assertThatThrownBy(() -> update.apply(params, Double.POSITIVE_INFINITY, 1.0, () -> "clip step 3"))
                    .isInstanceOf(io.github.llava4j.LlavaException.class)
                    .hasMessageContaining("clip step 3")
                    .hasMessageContaining("loss Infinity")
                    .hasMessageContaining("lower the learning rate");
            assertThat(adamW.stepCount()).isEqualTo(1);
            assertThat(gradient(params.get(0)))
                    .containsExactly(0f, 0f);
        }
    }

    @Test
    void should_zero_gradients_in_place_including_nan() {
        List<TrainableParameter> params = List.of(param("a", new float[] {1f, 2f}, new Shape(2), 1e-3),
                param("b", new float[] {3f}, new Shape(), 1e-3));
        setGradients(params, new float[][] {{Float.NaN, 2f}, {5f}});
        assertThat(params.get(0).value().getGradient().toFloatArray()[1]).isEqualTo(2f);
        AdamW.zeroGradients(params);
        assertThat(params.get(0).value().getGradient().toFloatArray()).containsExactly(0f, 0f);
        assertThat(params.get(1).value().getGradient().toFloatArray()).containsExactly(0f);
    }

    @Test
    void should_clip_parameter_gradients_by_their_global_norm() {
        List<TrainableParameter> params = List.of(param("a", new float[] {0f, 0f}, new Shape(2), 1e-3),
                param("b", new float[] {0f}, new Shape(1), 1e-3));
        setGradients(params, new float[][] {{3f, 0f}, {4f}});
        double norm = GradientClipping.clipParameters(params, 1.0);
        assertThat(norm).isCloseTo(5.0, within(1e-6));
        List<float[]> clipped = new ArrayList<>();
        params.forEach(p -> clipped.add(p.value().getGradient().toFloatArray()));
        assertThat(clipped.get(0)[0]).isCloseTo(0.6f, within(1e-6f));
        assertThat(clipped.get(1)[0]).isCloseTo(0.8f, within(1e-6f));
    }

    @Test
    void should_update_half_precision_weights_in_float32() {
        NDArray h = manager.create(new float[] {1f, -1f}, new Shape(2)).toType(DataType.FLOAT16, false);
        h.setRequiresGradient(true);
        List<TrainableParameter> params = List.of(new TrainableParameter("h", h, 0.25));
        try (AdamW adamW = new AdamW(AdamWConfig.defaults(), manager)) {
            setGradients(params, new float[][] {{1f, -1f}});
            adamW.step(params, 1.0);
        }
        // the first Adam step moves each weight by lr * sign(g)
        assertThat(h.getDataType()).isEqualTo(DataType.FLOAT16);
        assertThat(h.toType(DataType.FLOAT32, false).toFloatArray()).containsExactly(0.75f, -0.75f);
    }
}
