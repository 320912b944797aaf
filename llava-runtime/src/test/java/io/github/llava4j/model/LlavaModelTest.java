package io.github.llava4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.llava4j.LlavaException;
import io.github.llava4j.config.FeatureSelect;
import io.github.llava4j.config.LlavaConfig;
import io.github.llava4j.config.ProjectorType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LlavaModelTest {
    private static final int S = 4; // image rows of the tiny config (2x2 patches, CLS dropped)
    private static LlavaModel model;
    private static NDManager manager;

    @BeforeAll
    static void load() {
        model = TinyLlava.load(TinyLlava.config(), 7, DataType.FLOAT32);
        manager = NDManager.newBaseManager(model.weightsManager().getDevice());
    }

    @AfterAll
    static void close() {
        manager.close();
        model.close();
    }

    private static NDArray pixels(NDManager m, int n, long seed) {
        Random r = new Random(seed);
        float[] values = new float[n * 3 * 28 * 28];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) r.nextGaussian();
        }
        return m.create(values, new Shape(n, 3, 28, 28));
    }

    private static float maxAbsDiff(NDArray a, NDArray b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        assertThat(x).hasSameSizeAs(y);
        float max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs(x[i] - y[i]));
        }
        return max;
    }

    @Test
    void should_encode_images_to_projected_patch_rows() {
        try (NDManager m = manager.newSubManager()) {
            NDArray features = model.encodeImages(pixels(m, 2, 1), m);
            assertThat(features.getShape()).isEqualTo(new Shape(2, S, 64));
            assertThat(features.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(features.getManager()).isSameAs(m);
        }
    }

    @Test
    void should_keep_cls_with_full_feature_select() {
        LlavaConfig full = TinyLlava.config(FeatureSelect.FULL, ProjectorType.LINEAR, false);
        try (LlavaModel m2 = TinyLlava.load(full, 3, DataType.FLOAT32);
                NDManager m = NDManager.newBaseManager()) {
            assertThat(full.imageSeqLength()).isEqualTo(5);
            assertThat(m2.encodeImages(pixels(m, 1, 1), m).getShape()).isEqualTo(new Shape(1, 5, 64));
        }
    }

    @Test
    void should_give_same_logits_with_kv_cache_as_full_forward() {
        int[] ids = {1, 5, 17, 42, 99, 7, 250, 3, 11, 64};
        try (NDManager m = manager.newSubManager();
                KvCache full = model.newKvCache(32);
                KvCache stepped = model.newKvCache(32)) {
            NDArray embeds = model.embed(ids, List.of(), m);
            NDArray all = model.forward(embeds, full, true, m); // [T, V]
            assertThat(all.getShape()).isEqualTo(new Shape(ids.length, 300));
            assertThat(full.position()).isEqualTo(ids.length);

            int k = 6;
            NDArray prefill = model.forward(embeds.get(new NDIndex(":{}", k)), stepped, false, m); // [1, V]
            assertThat(prefill.getShape()).isEqualTo(new Shape(1, 300));
            assertThat(maxAbsDiff(prefill, all.get(new NDIndex("{}:{}", k - 1, k)))).isLessThan(1e-5f);
            for (int i = k; i < ids.length; i++) {
                NDArray step = model.forward(embeds.get(new NDIndex("{}:{}", i, i + 1)), stepped, false, m);
                assertThat(maxAbsDiff(step, all.get(new NDIndex("{}:{}", i, i + 1))))
                        .as("position %d", i)
                        .isLessThan(1e-5f);
            }
            assertThat(stepped.position()).isEqualTo(ids.length);
        }
    }

    @Test
    void should_reuse_a_prefix_after_truncate() {
        int[] ids = {1, 5, 17, 42, 99, 7};
        try (NDManager m = manager.newSubManager();
                KvCache cache = model.newKvCache(16)) {
            NDArray embeds = model.embed(ids, List.of(), m);
            NDArray first = model.forward(embeds, cache, false, m);
            cache.truncate(3);
            NDArray again = model.forward(embeds.get(new NDIndex("3:")), cache, false, m);
            assertThat(maxAbsDiff(first, again)).isLessThan(1e-5f);
            assertThatThrownBy(() -> model.forward(model.embed(new int[11], List.of(), m), cache, false, m))
                    .isInstanceOf(LlavaException.class)
                    .hasMessageContaining("KV cache full: 6 tokens cached + 11 new exceed its capacity of 16");
        }
    }

    @Test
    void should_splice_features_at_placeholders_in_both_forms() {
        int img = TinyLlava.IMAGE_TOKEN;
        int[] placeholder = {1, 10, img, 20, 21, img, 30};
        int[] expanded = {1, 10, img, img, img, img, 20, 21, img, img, img, img, 30};
        assertThat(model.expandedLength(placeholder)).isEqualTo(13);
        assertThat(model.expandedLength(expanded)).isEqualTo(13);
        try (NDManager m = manager.newSubManager();
                KvCache c1 = model.newKvCache(16);
                KvCache c2 = model.newKvCache(16)) {
            NDArray features = model.encodeImages(pixels(m, 2, 5), m); // [2, S, D]
            NDArray a = model.embed(placeholder, List.of(features), m);
            NDArray b = model.embed(expanded, List.of(features.get(0), features.get(1)), m);
            assertThat(a.getShape()).isEqualTo(new Shape(13, 64));
            assertThat(maxAbsDiff(a, b)).isEqualTo(0f);
            // image rows are the features, text rows the token embeddings
            assertThat(maxAbsDiff(a.get(new NDIndex("2:6")), features.get(0))).isEqualTo(0f);
            assertThat(maxAbsDiff(a.get(new NDIndex("8:12")), features.get(1))).isEqualTo(0f);
            NDArray text = model.embed(new int[] {20, 21}, List.of(), m);
            assertThat(maxAbsDiff(a.get(new NDIndex("6:8")), text)).isEqualTo(0f);
            assertThat(maxAbsDiff(model.forward(a, c1, true, m), model.forward(b, c2, true, m))).isEqualTo(0f);
        }
    }

    @Test
    void should_fail_with_transformers_wording_on_count_mismatch() {
        int img = TinyLlava.IMAGE_TOKEN;
        try (NDManager m = manager.newSubManager()) {
            NDArray features = model.encodeImages(pixels(m, 1, 5), m);
            assertThatThrownBy(() -> model.embed(new int[] {1, img, 5, img}, List.of(features), m))
                    .isInstanceOf(LlavaException.class)
                    .hasMessageStartingWith("Image features and image tokens do not match: tokens: 8, features: 4");
            assertThatThrownBy(() -> model.embed(new int[] {1, 5}, List.of(features), m))
                    .hasMessageStartingWith("Image features and image tokens do not match: tokens: 0, features: 4");
            assertThatThrownBy(() -> model.embed(new int[] {1, 300}, List.of(), m))
                    .isInstanceOf(LlavaException.class)
                    .hasMessage("token id 300 at position 1 is outside the vocabulary of 300");
        }
    }

    @Test
    void should_give_close_logits_with_fp16_weights() {
        int img = TinyLlava.IMAGE_TOKEN;
        int[] ids = {1, 10, img, 20, 21, 22};
        try (LlavaModel half = TinyLlava.load(TinyLlava.config(), 7, DataType.FLOAT16);
                NDManager m = manager.newSubManager();
                KvCache c1 = model.newKvCache(16);
                KvCache c2 = half.newKvCache(16)) {
            NDArray px = pixels(m, 1, 9);
            NDArray full = model.forward(model.embed(ids, List.of(model.encodeImages(px, m)), m), c1, true, m);
            NDArray halfLogits =
                    half.forward(half.embed(ids, List.of(half.encodeImages(px, m)), m), c2, true, m);
            // prefill path (upcast weights): only fp16 rounding of the weights themselves
            assertThat(maxAbsDiff(full, halfLogits)).isLessThan(2e-2f);
            // decode path (one row computed in fp16)
            NDArray step32 = model.forward(model.embed(new int[] {23}, List.of(), m), c1, false, m);
            NDArray step16 = half.forward(half.embed(new int[] {23}, List.of(), m), c2, false, m);
            assertThat(maxAbsDiff(step32, step16)).isLessThan(2e-2f);
            assertThat(maxAbsDiff(step32, step16)).isGreaterThan(0f);
        }
    }

    @Test
    void should_not_leak_native_arrays_across_calls() {
        int img = TinyLlava.IMAGE_TOKEN;
        BaseNDManager weights = (BaseNDManager) model.weightsManager();
        try (NDManager m = manager.newSubManager();
                KvCache cache = model.newKvCache(64)) {
            BaseNDManager out = (BaseNDManager) m;
            BaseNDManager kv = (BaseNDManager) cache.manager();
            NDArray px = pixels(m, 1, 2);
            int weightArrays = weights.getManagedArrays().size();
            int kvArrays = kv.getManagedArrays().size();
            int outArrays = out.getManagedArrays().size();
            for (int i = 0; i < 5; i++) {
                NDArray features = model.encodeImages(px, m);
                NDArray embeds = model.embed(new int[] {1, img, 5, 6}, List.of(features), m);
                NDArray logits = model.forward(embeds, cache, false, m);
                NDArray step = model.forward(model.embed(new int[] {8}, List.of(), m), cache, false, m);
                // the caller owns exactly what it got back
                assertThat(out.getManagedArrays().size()).isEqualTo(outArrays + 5);
                for (NDArray a : new NDArray[] {features, embeds, logits, step}) {
                    a.close();
                }
                // the single-token embed result
                out.getManagedArrays().stream()
                        .filter(a -> a != px)
                        .forEach(NDArray::close);
                cache.truncate(0);
            }
            assertThat(weights.getManagedArrays().size()).isEqualTo(weightArrays);
            assertThat(kv.getManagedArrays().size()).isEqualTo(kvArrays);
            assertThat(out.getManagedArrays()).containsExactly(px);
        }
    }

    @Test
    void should_give_identical_results_to_concurrent_threads() throws Exception {
        int[][] prompts = {{1, 5, 9, 13, 17}, {1, 200, 100, 50, 25, 12}, {1, 2}, {1, 77, 78, 79}};
        float[][] expected = new float[prompts.length][];
        for (int p = 0; p < prompts.length; p++) {
            expected[p] = greedyLogits(prompts[p]);
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<float[]>> futures = new java.util.ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (int[] prompt : prompts) {
                    futures.add(pool.submit(() -> greedyLogits(prompt)));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get()).containsExactly(expected[i % prompts.length]);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Prefill then four greedy decode steps; returns the logits of the last step. */
    private static float[] greedyLogits(int[] prompt) {
        try (NDManager m = NDManager.newBaseManager(); KvCache cache = model.newKvCache(16)) {
            NDArray logits = model.forward(model.embed(prompt, List.of(), m), cache, false, m);
            for (int step = 0; step < 4; step++) {
                int next = (int) logits.argMax(1).toLongArray()[0];
                logits = model.forward(model.embed(new int[] {next}, List.of(), m), cache, false, m);
            }
            return logits.toFloatArray();
        }
    }

    @Test
    void should_report_named_taps_to_a_probe() {
        java.util.Map<String, Shape> taps = new java.util.LinkedHashMap<>();
        ActivationProbe probe = (name, value) -> taps.put(name, value.getShape());
        try (NDManager m = manager.newSubManager(); KvCache cache = model.newKvCache(8)) {
            NDArray features = model.encodeImages(pixels(m, 1, 4), m, probe);
            model.forward(model.embed(new int[] {1, TinyLlava.IMAGE_TOKEN}, List.of(features), m), cache, false, m,
                    probe);
        }
        assertThat(taps).containsExactly(
                java.util.Map.entry("vision.embeddings", new Shape(1, 5, 32)),
                java.util.Map.entry("vision.layers.0", new Shape(1, 5, 32)),
                java.util.Map.entry("vision.layers.1", new Shape(1, 5, 32)),
                java.util.Map.entry("vision.features", new Shape(1, 4, 32)),
                java.util.Map.entry("projector", new Shape(1, 4, 64)),
                java.util.Map.entry("decoder.embeddings", new Shape(5, 64)),
                java.util.Map.entry("decoder.layers.0", new Shape(5, 64)),
                java.util.Map.entry("decoder.layers.1", new Shape(5, 64)),
                java.util.Map.entry("decoder.norm", new Shape(1, 64)));
    }
}
