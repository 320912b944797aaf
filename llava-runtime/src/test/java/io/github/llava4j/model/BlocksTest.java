package io.github.llava4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each block against a straightforward Java loop of the transformers definition. */
class BlocksTest {
    private static final float TOL = 1e-5f;
    private NDManager manager;
    private final Random random = new Random(42);

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private float[] gaussian(int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (scale * random.nextGaussian());
        }
        return v;
    }

    private NDArray array(float[] values, long... shape) {
        return manager.create(values, new Shape(shape));
    }

    private static void assertClose(NDArray actual, float[] expected, float tol) {
        float[] a = actual.toFloatArray();
        assertThat(a).hasSameSizeAs(expected);
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("element %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(tol));
        }
    }

    @Test
    void should_match_loop_for_rms_norm() {
        int rows = 5;
        int d = 16;
        float[] x = gaussian(rows * d, 2);
        float[] w = gaussian(d, 1);
        float[] expected = new float[x.length];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int i = 0; i < d; i++) {
                sum += x[r * d + i] * x[r * d + i];
            }
            double inv = 1 / Math.sqrt(sum / d + 1e-5);
            for (int i = 0; i < d; i++) {
                expected[r * d + i] = (float) (x[r * d + i] * inv * w[i]);
            }
        }
        assertClose(new RmsNorm(array(w, d), 1e-5).forward(array(x, rows, d)), expected, TOL);
    }

    @Test
    void should_match_loop_for_layer_norm() {
        int rows = 4;
        int d = 12;
        float[] x = gaussian(rows * d, 3);
        float[] w = gaussian(d, 1);
        float[] b = gaussian(d, 1);
        float[] expected = new float[x.length];
        for (int r = 0; r < rows; r++) {
            double mean = 0;
            for (int i = 0; i < d; i++) {
                mean += x[r * d + i];
            }
            mean /= d;
            double var = 0;
            for (int i = 0; i < d; i++) {
                var += (x[r * d + i] - mean) * (x[r * d + i] - mean);
            }
            var /= d; // biased, as torch
            for (int i = 0; i < d; i++) {
                expected[r * d + i] = (float) ((x[r * d + i] - mean) / Math.sqrt(var + 1e-5) * w[i] + b[i]);
            }
        }
        assertClose(new LayerNorm(array(w, d), array(b, d), 1e-5).forward(array(x, 2, 2, d)), expected, TOL);
    }

    @Test
    void should_match_loop_for_activations() {
        float[] x = gaussian(200, 3);
        checkActivation(Activations::gelu, x, v -> 0.5 * v * (1 + erf(v / Math.sqrt(2))));
        checkActivation(Activations::quickGelu, x, v -> v / (1 + Math.exp(-1.702 * v)));
        checkActivation(Activations::silu, x, v -> v / (1 + Math.exp(-v)));
    }

    private void checkActivation(java.util.function.UnaryOperator<NDArray> op, float[] x, DoubleUnaryOperator f) {
        float[] expected = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            expected[i] = (float) f.applyAsDouble(x[i]);
        }
        assertClose(op.apply(array(x, 10, 20)), expected, TOL);
    }

    /** Abramowitz and Stegun 7.1.26 is too coarse; this series/continued-fraction pair is accurate to ~1e-12. */
    static double erf(double x) {
        double ax = Math.abs(x);
        double result;
        if (ax < 2.5) {
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 60; n++) {
                term *= -ax * ax / n;
                sum += term / (2 * n + 1);
            }
            result = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double cf = 0;
            for (int n = 60; n >= 1; n--) {
                cf = n / 2.0 / (ax + cf);
            }
            result = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + cf);
        }
        return Math.signum(x) * result;
    }

    @Test
    void should_match_loop_for_rotary_rotate_half() {
        int hd = 8;
        int t = 3;
        int start = 5;
        double theta = 10000;
        RotaryEmbedding rope = new RotaryEmbedding(hd, theta, 16, manager);
        float[] x = gaussian(2 * t * hd, 1); // [H=2, T, hd]
        float[] expected = new float[x.length];
        for (int h = 0; h < 2; h++) {
            for (int p = 0; p < t; p++) {
                for (int i = 0; i < hd; i++) {
                    int j = i % (hd / 2);
                    double angle = (start + p) / Math.pow(theta, 2.0 * j / hd);
                    int base = (h * t + p) * hd;
                    double rotated = i < hd / 2 ? -x[base + i + hd / 2] : x[base + i - hd / 2];
                    expected[base + i] = (float) (x[base + i] * Math.cos(angle) + rotated * Math.sin(angle));
                }
            }
        }
        NDArray out = RotaryEmbedding.apply(array(x, 2, t, hd), rope.cos(start, t), rope.sin(start, t));
        assertClose(out, expected, TOL);
    }

    @Test
    void should_match_loop_for_linear_in_f32_and_f16() {
        int in = 24;
        int out = 10;
        float[] w = gaussian(out * in, 0.3);
        float[] b = gaussian(out, 0.1);
        int rows = Linear.FP16_MAX_ROWS; // the first row count that takes the upcast path
        float[] x = gaussian(rows * in, 1);
        float[] expected = new float[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int i = 0; i < in; i++) {
                    s += x[r * in + i] * w[o * in + i];
                }
                expected[r * out + o] = (float) s;
            }
        }
        NDArray weight = array(w, out, in);
        Linear f32 = new Linear(weight, array(b, out));
        assertClose(f32.forward(array(x, rows, in)), expected, TOL);

        Linear f16 = new Linear(weight.toType(DataType.FLOAT16, true), array(b, out));
        NDArray many = f16.forward(array(x, rows, in)); // upcast path
        NDArray one = f16.forward(array(x, rows, in).get(new NDIndex("0:1"))); // fp16 GEMV path
        assertThat(many.getDataType()).isEqualTo(DataType.FLOAT32);
        assertThat(one.getDataType()).isEqualTo(DataType.FLOAT32);
        assertClose(many, expected, 1e-2f);
        float[] firstRow = java.util.Arrays.copyOf(expected, out);
        assertClose(one, firstRow, 2e-2f);
    }

    @Test
    void should_match_direct_convolution_for_patch_embedding() {
        int c = 3;
        int p = 2;
        int size = 4;
        int d = 5;
        int grid = size / p;
        float[] kernel = gaussian(d * c * p * p, 1);
        float[] cls = gaussian(d, 1);
        float[] pos = gaussian((grid * grid + 1) * d, 1);
        float[] px = gaussian(c * size * size, 1);
        float[] expected = new float[(grid * grid + 1) * d];
        for (int o = 0; o < d; o++) {
            expected[o] = cls[o] + pos[o];
        }
        for (int gy = 0; gy < grid; gy++) {
            for (int gx = 0; gx < grid; gx++) {
                int token = 1 + gy * grid + gx; // row-major
                for (int o = 0; o < d; o++) {
                    double s = 0;
                    for (int ch = 0; ch < c; ch++) {
                        for (int ky = 0; ky < p; ky++) {
                            for (int kx = 0; kx < p; kx++) {
                                s += kernel[((o * c + ch) * p + ky) * p + kx]
                                        * px[(ch * size + gy * p + ky) * size + gx * p + kx];
                            }
                        }
                    }
                    expected[token * d + o] = (float) (s + pos[token * d + o]);
                }
            }
        }
        PatchEmbedding embedding = new PatchEmbedding(
                new Linear(array(kernel, d, (long) c * p * p), null), array(cls, d), array(pos, grid * grid + 1, d), p);
        assertClose(embedding.forward(array(px, 1, c, size, size)), expected, TOL);
    }

    @Test
    void should_match_loop_for_causal_llama_attention_with_cache() {
        int d = 8;
        int heads = 2;
        int hd = 4;
        int t = 3;
        float[][] w = {gaussian(d * d, 0.5), gaussian(d * d, 0.5), gaussian(d * d, 0.5), gaussian(d * d, 0.5)};
        float[] x = gaussian(t * d, 1);
        LlamaAttention attention = new LlamaAttention(
                new Linear(array(w[0], d, d), null),
                new Linear(array(w[1], d, d), null),
                new Linear(array(w[2], d, d), null),
                new Linear(array(w[3], d, d), null),
                heads,
                heads,
                hd);
        RotaryEmbedding rope = new RotaryEmbedding(hd, 10000, 8, manager);
        double[][] q = project(x, w[0], t, d);
        double[][] k = project(x, w[1], t, d);
        double[][] v = project(x, w[2], t, d);
        ropeInPlace(q, heads, hd);
        ropeInPlace(k, heads, hd);
        double[][] context = new double[t][d];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < t; i++) {
                double[] scores = new double[i + 1]; // causal: keys 0..i
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    for (int e = 0; e < hd; e++) {
                        scores[j] += q[i][h * hd + e] * k[j][h * hd + e] / Math.sqrt(hd);
                    }
                    max = Math.max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (int j = 0; j <= i; j++) {
                    for (int e = 0; e < hd; e++) {
                        context[i][h * hd + e] += scores[j] / sum * v[j][h * hd + e];
                    }
                }
            }
        }
        float[] expected = new float[t * d];
        for (int i = 0; i < t; i++) {
            for (int o = 0; o < d; o++) {
                double s = 0;
                for (int e = 0; e < d; e++) {
                    s += context[i][e] * w[3][o * d + e];
                }
                expected[i * d + o] = (float) s;
            }
        }
        float[] mask = {0, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 0, 0, Float.NEGATIVE_INFINITY, 0, 0, 0};
        try (KvCache cache = new KvCache(1, heads, hd, 8, manager.getDevice())) {
            NDArray out = attention.forward(
                    array(x, t, d), rope.cos(0, t), rope.sin(0, t), array(mask, t, t), cache, 0);
            assertClose(out, expected, TOL);
        }
    }

    private static double[][] project(float[] x, float[] w, int t, int d) {
        double[][] y = new double[t][d];
        for (int i = 0; i < t; i++) {
            for (int o = 0; o < d; o++) {
                for (int e = 0; e < d; e++) {
                    y[i][o] += x[i * d + e] * w[o * d + e];
                }
            }
        }
        return y;
    }

    private static void ropeInPlace(double[][] rows, int heads, int hd) {
        for (int p = 0; p < rows.length; p++) {
            for (int h = 0; h < heads; h++) {
                double[] r = new double[hd];
                for (int i = 0; i < hd; i++) {
                    int j = i % (hd / 2);
                    double angle = p / Math.pow(10000, 2.0 * j / hd);
                    double rotated = i < hd / 2 ? -rows[p][h * hd + i + hd / 2] : rows[p][h * hd + i - hd / 2];
                    r[i] = rows[p][h * hd + i] * Math.cos(angle) + rotated * Math.sin(angle);
                }
                System.arraycopy(r, 0, rows[p], h * hd, hd);
            }
        }
    }

    @Test
    void should_equal_mha_with_repeated_kv_weights_for_gqa() {
        int d = 16;
        int heads = 4;
        int kvHeads = 2;
        int hd = 4;
        int t = 5;
        float[] wq = gaussian(d * d, 0.4);
        float[] wk = gaussian(kvHeads * hd * d, 0.4);
        float[] wv = gaussian(kvHeads * hd * d, 0.4);
        float[] wo = gaussian(d * d, 0.4);
        // query head h reads KV head h / (heads / kvHeads): repeat each KV head's rows for its group
        float[] wkFull = new float[d * d];
        float[] wvFull = new float[d * d];
        for (int h = 0; h < heads; h++) {
            int src = h / (heads / kvHeads);
            System.arraycopy(wk, src * hd * d, wkFull, h * hd * d, hd * d);
            System.arraycopy(wv, src * hd * d, wvFull, h * hd * d, hd * d);
        }
        LlamaAttention gqa = new LlamaAttention(new Linear(array(wq, d, d), null),
                new Linear(array(wk, kvHeads * hd, d), null), new Linear(array(wv, kvHeads * hd, d), null),
                new Linear(array(wo, d, d), null), heads, kvHeads, hd);
        LlamaAttention mha = new LlamaAttention(new Linear(array(wq, d, d), null),
                new Linear(array(wkFull, d, d), null), new Linear(array(wvFull, d, d), null),
                new Linear(array(wo, d, d), null), heads, heads, hd);
        RotaryEmbedding rope = new RotaryEmbedding(hd, 10000, 16, manager);
        float[] x = gaussian(t * d, 1);
        float[] mask = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                mask[i * t + j] = Float.NEGATIVE_INFINITY;
            }
        }
        try (KvCache c1 = new KvCache(1, kvHeads, hd, 8, manager.getDevice());
                KvCache c2 = new KvCache(1, heads, hd, 8, manager.getDevice())) {
            NDArray a = gqa.forward(array(x, t, d), rope.cos(0, t), rope.sin(0, t), array(mask, t, t), c1, 0);
            NDArray b = mha.forward(array(x, t, d), rope.cos(0, t), rope.sin(0, t), array(mask, t, t), c2, 0);
            assertClose(a, b.toFloatArray(), TOL);
        }
    }
}
