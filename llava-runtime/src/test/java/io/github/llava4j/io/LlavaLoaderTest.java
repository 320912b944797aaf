package io.github.llava4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.llava4j.CheckpointException;
import io.github.llava4j.config.FeatureSelect;
import io.github.llava4j.config.LlavaConfig;
import io.github.llava4j.config.ProjectorType;
import io.github.llava4j.io.MapTensorSource.Tensor;
import io.github.llava4j.model.KvCache;
import io.github.llava4j.model.LlavaModel;
import io.github.llava4j.model.TinyLlava;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LlavaLoaderTest {
    private static final LlavaConfig CONFIG = TinyLlava.config();

    private static Map<String, Tensor> weights() {
        return new LinkedHashMap<>(TinyLlava.weights(CONFIG, 11));
    }

    private static LlavaModel load(Map<String, Tensor> weights, LlavaConfig config) {
        return LlavaLoader.load(new MapTensorSource(weights), config, DataType.FLOAT32, Device.cpu());
    }

    @Test
    void should_load_a_complete_checkpoint_and_skip_unused_tensors() {
        Map<String, Tensor> w = weights();
        w.put("vision_tower.vision_model.embeddings.position_ids", new Tensor(new float[5], new long[] {1, 5}));
        w.put("language_model.model.layers.0.self_attn.rotary_emb.inv_freq", new Tensor(new float[8], new long[] {8}));
        // layer 2 (the last) and post_layernorm are present but never loaded for vision_feature_layer -2
        assertThat(w).containsKey("vision_tower.vision_model.encoder.layers.2.mlp.fc1.weight");
        try (LlavaModel model = load(w, CONFIG)) {
            assertThat(model.config()).isSameAs(CONFIG);
            assertThat(model.weightsManager().getDevice()).isEqualTo(Device.cpu());
        }
    }

    @Test
    void should_name_a_missing_tensor_and_the_source() {
        Map<String, Tensor> w = weights();
        w.remove("language_model.model.layers.1.mlp.up_proj.weight");
        assertThatThrownBy(() -> load(w, CONFIG))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("missing tensor 'language_model.model.layers.1.mlp.up_proj.weight'")
                .hasMessageContaining("expected shape [128, 64]")
                .hasMessageContaining("in-memory tensors");
    }

    @Test
    void should_name_a_tensor_with_the_wrong_shape() {
        Map<String, Tensor> w = weights();
        w.put("multi_modal_projector.linear_1.weight", new Tensor(new float[64 * 31], new long[] {64, 31}));
        assertThatThrownBy(() -> load(w, CONFIG))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("tensor 'multi_modal_projector.linear_1.weight' in in-memory tensors ("
                        + w.size() + ") has shape [64, 31], expected [64, 32] from the config");
    }

    @Test
    void should_check_shapes_of_unused_vision_tensors_it_skips() {
        Map<String, Tensor> w = weights();
        w.put("vision_tower.vision_model.encoder.layers.2.mlp.fc1.weight", new Tensor(new float[4], new long[] {2, 2}));
        assertThatThrownBy(() -> load(w, CONFIG))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tensor 'vision_tower.vision_model.encoder.layers.2.mlp.fc1.weight'")
                .hasMessageContaining("has shape [2, 2], expected [64, 32]");
        Map<String, Tensor> w2 = weights();
        w2.put("vision_tower.vision_model.post_layernorm.bias", new Tensor(new float[3], new long[] {3}));
        assertThatThrownBy(() -> load(w2, CONFIG)).hasMessageContaining("expected [32]");
    }

    @Test
    void should_reject_unexpected_tensors() {
        Map<String, Tensor> w = weights();
        w.put("language_model.model.layers.2.mlp.up_proj.weight", new Tensor(new float[4], new long[] {2, 2}));
        w.put("multi_modal_projector.linear_3.weight", new Tensor(new float[4], new long[] {2, 2}));
        w.put("vision_tower.vision_model.encoder.layers.3.mlp.fc1.weight", new Tensor(new float[4], new long[] {2, 2}));
        assertThatThrownBy(() -> load(w, CONFIG))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("unexpected tensors language_model.model.layers.2.mlp.up_proj.weight, "
                        + "multi_modal_projector.linear_3.weight, "
                        + "vision_tower.vision_model.encoder.layers.3.mlp.fc1.weight in in-memory tensors");
    }

    @Test
    void should_tie_lm_head_to_the_embeddings() {
        LlavaConfig tied = TinyLlava.config(FeatureSelect.DEFAULT, ProjectorType.MLP2X_GELU, true);
        Map<String, Tensor> w = TinyLlava.weights(tied, 5);
        assertThat(w).doesNotContainKey("language_model.lm_head.weight");
        Map<String, Tensor> untiedWeights = new LinkedHashMap<>(w);
        untiedWeights.put("language_model.lm_head.weight", w.get("language_model.model.embed_tokens.weight"));
        LlavaConfig untied = TinyLlava.config(FeatureSelect.DEFAULT, ProjectorType.MLP2X_GELU, false);
        try (LlavaModel a = load(w, tied);
                LlavaModel b = load(untiedWeights, untied);
                NDManager m = NDManager.newBaseManager();
                KvCache ca = a.newKvCache(8);
                KvCache cb = b.newKvCache(8)) {
            int[] ids = {1, 2, 3};
            NDArray la = a.forward(a.embed(ids, List.of(), m), ca, true, m);
            NDArray lb = b.forward(b.embed(ids, List.of(), m), cb, true, m);
            assertThat(la.toFloatArray()).containsExactly(lb.toFloatArray());
        }
        assertThatThrownBy(() -> load(w, untied))
                .hasMessageContaining("missing tensor 'language_model.lm_head.weight'");
    }

    @Test
    void should_load_big_matrices_as_fp16_and_norms_as_f32() {
        Map<String, Tensor> w = weights();
        try (LlavaModel model = LlavaLoader.load(new MapTensorSource(w), CONFIG, DataType.FLOAT16, Device.cpu())) {
            long halves = model.weightsManager().getManagedArrays().stream()
                    .filter(a -> a.getDataType() == DataType.FLOAT16)
                    .count();
            long fp32Matrices = model.weightsManager().getManagedArrays().stream()
                    .filter(a -> a.getDataType() == DataType.FLOAT32 && a.getShape().dimension() == 2
                            && a.getShape().get(0) != CONFIG.vision().numPositions()
                            && a.getShape().get(0) != CONFIG.text().maxPositionEmbeddings())
                    .count();
            assertThat(halves).isGreaterThan(20);
            assertThat(fp32Matrices).as("only position table and rotary tables stay f32").isZero();
        }
        assertThatThrownBy(() -> LlavaLoader.load(new MapTensorSource(w), CONFIG, DataType.INT8, Device.cpu()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("FLOAT32 or FLOAT16");
    }

    @Test
    void should_keep_weights_valid_after_the_loaded_arrays_buffers_are_collected() {
        // MapTensorSource wraps direct buffers that only the arrays it returns keep alive; the loader must not keep
        // a view of an array it closes (the patch kernel once was one: NaN features after a garbage collection).
        LlavaConfig config = TinyLlava.config();
        try (LlavaModel model = LlavaLoader.load(
                        new MapTensorSource(TinyLlava.weights(config, 7)), config, DataType.FLOAT32, Device.cpu());
                NDManager m = NDManager.newBaseManager()) {
            for (int i = 0; i < 5; i++) {
                System.gc();
                byte[] pressure = new byte[64 << 20]; // churn the heap so collected buffers are reused
                pressure[i] = 1;
            }
            NDArray pixels = m.randomNormal(new ai.djl.ndarray.types.Shape(1, 3, 28, 28));
            float[] features = model.encodeImages(pixels, m).toFloatArray();
            for (float f : features) {
                assertThat(Float.isFinite(f)).as("every feature is finite").isTrue();
            }
        }
    }
}
