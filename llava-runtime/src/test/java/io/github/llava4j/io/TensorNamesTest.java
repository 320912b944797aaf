package io.github.llava4j.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.llava4j.io.TensorNames.Scheme;
import org.junit.jupiter.api.Test;

class TensorNamesTest {
    @Test
    void should_map_new_names_to_the_old_canonical_ones_and_back() {
        String[][] pairs = {
            {"model.language_model.layers.0.self_attn.q_proj.weight",
                "language_model.model.layers.0.self_attn.q_proj.weight"},
            {"lm_head.weight", "language_model.lm_head.weight"},
            {"model.vision_tower.vision_model.embeddings.class_embedding",
                "vision_tower.vision_model.embeddings.class_embedding"},
            {"model.multi_modal_projector.linear_1.bias", "multi_modal_projector.linear_1.bias"},
        };
        for (String[] p : pairs) {
            assertThat(TensorNames.canonical(p[0])).isEqualTo(p[1]);
            assertThat(TensorNames.canonical(p[1])).isEqualTo(p[1]);
            assertThat(TensorNames.inScheme(p[1], Scheme.NEW)).isEqualTo(p[0]);
            assertThat(TensorNames.inScheme(p[1], Scheme.OLD)).isEqualTo(p[1]);
            assertThat(TensorNames.isKnown(p[1])).isTrue();
        }
    }

    @Test
    void should_leave_unknown_names_alone_and_report_them() {
        assertThat(TensorNames.canonical("model.layers.0.mlp.up_proj.weight"))
                .isEqualTo("model.layers.0.mlp.up_proj.weight");
        assertThat(TensorNames.isKnown("model.layers.0.mlp.up_proj.weight")).isFalse();
        assertThat(TensorNames.isKnown("model.mm_projector.0.weight")).isFalse();
    }

    @Test
    void should_recognise_ignorable_buffers() {
        assertThat(TensorNames.isIgnorable("vision_tower.vision_model.embeddings.position_ids")).isTrue();
        assertThat(TensorNames.isIgnorable("language_model.model.layers.3.self_attn.rotary_emb.inv_freq")).isTrue();
        assertThat(TensorNames.isIgnorable("language_model.model.norm.weight")).isFalse();
    }
}
