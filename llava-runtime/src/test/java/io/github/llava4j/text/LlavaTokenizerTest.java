package io.github.llava4j.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llava4j.CheckpointException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlavaTokenizerTest {
    private static final LlavaTokenizer tokenizer = TinyTokenizers.shared();

    @Test
    void should_expose_llama_special_ids_and_the_image_token() {
        assertThat(tokenizer.bosId()).isEqualTo(1);
        assertThat(tokenizer.eosId()).isEqualTo(2);
        assertThat(tokenizer.specialTokenId("</s>")).isEqualTo(2);
        assertThat(tokenizer.imageTokenId()).hasValue(TinyTokenizers.IMAGE);
        assertThat(tokenizer.vocabSize()).isEqualTo(TinyTokenizers.VOCAB);
        assertThatThrownBy(() -> tokenizer.specialTokenId("<nope>")).hasMessageContaining("<nope>");
    }

    @Test
    void should_round_trip_ascii_accents_and_emoji() {
        for (String text : new String[] {"What is in the image?", "The cat sat on the table.",
                "Crème brûlée à São Paulo", "rocket 🚀 and 猫", "tabs\tand\nnewlines", "x"}) {
            int[] ids = tokenizer.encode(text);
            assertThat(ids).as(text).isNotEmpty().doesNotContain(0, 1, 2, TinyTokenizers.IMAGE);
            assertThat(tokenizer.decode(ids)).as(text).isEqualTo(text);
        }
    }

    @Test
    void should_use_learned_merges_for_corpus_words() {
        int[] ids = tokenizer.encode("the image");
        assertThat(ids.length).isLessThan("the image".length());
    }

    @Test
    void should_use_byte_fallback_for_characters_outside_the_vocabulary() {
        int[] ids = tokenizer.encode("🚀");
        // "▁" then the four UTF-8 bytes F0 9F 9A 80 as <0xNN> pieces (id = 3 + byte)
        assertThat(Arrays.copyOfRange(ids, ids.length - 4, ids.length))
                .containsExactly(3 + 0xF0, 3 + 0x9F, 3 + 0x9A, 3 + 0x80);
        assertThat(tokenizer.tokenBytes(3 + 0xF0)).containsExactly((byte) 0xF0);
    }

    @Test
    void should_never_turn_typed_special_tokens_into_special_ids() {
        for (String text : new String[] {"</s>", "<s>", "<unk>", "<image>", "a </s> b <image>\n<s>", "<image><image>"}) {
            int[] ids = tokenizer.encode(text);
            assertThat(ids).as(text).doesNotContain(0, 1, 2, TinyTokenizers.IMAGE);
            assertThat(tokenizer.decode(ids)).as(text).isEqualTo(text);
        }
    }

    @Test
    void should_not_add_bos_and_should_encode_empty_text_to_nothing() {
        assertThat(tokenizer.encode("")).isEmpty();
        assertThat(tokenizer.encode("hello")[0]).isNotEqualTo(tokenizer.bosId());
    }

    @Test
    void should_prepend_the_word_marker_to_every_encoded_chunk() {
        int[] ids = tokenizer.encode("\n");
        assertThat(ids).hasSize(2);
        assertThat(tokenizer.pieceText(ids[0])).isEqualTo("\u2581");
        assertThat(tokenizer.pieceText(ids[1])).isEqualTo("<0x0A>");
        assertThat(tokenizer.tokenText(ids[0])).isEqualTo(" ");
        assertThat(tokenizer.tokenText(ids[1])).isEqualTo("\n");
        assertThat(tokenizer.tokenText(3 + 0xE2)).as("a lone lead byte stays a piece").isEqualTo("<0xE2>");
        assertThat(tokenizer.tokenText(tokenizer.eosId())).isEqualTo("</s>");
    }

    @Test
    void should_skip_special_tokens_when_decoding() {
        int[] hello = tokenizer.encode("hello");
        int[] ids = new int[hello.length + 3];
        ids[0] = 1;
        ids[1] = TinyTokenizers.IMAGE;
        System.arraycopy(hello, 0, ids, 2, hello.length);
        ids[ids.length - 1] = 2;
        assertThat(tokenizer.decode(ids)).isEqualTo("hello");
        assertThat(tokenizer.tokenBytes(2)).isEmpty();
        assertThat(tokenizer.tokenBytes(TinyTokenizers.IMAGE)).isEmpty();
    }

    @Test
    void should_give_piece_bytes_with_spaces_for_word_markers() {
        int[] ids = tokenizer.encode("a");
        String joined = "";
        for (int id : ids) {
            joined += new String(tokenizer.tokenBytes(id), StandardCharsets.UTF_8);
        }
        assertThat(joined).isEqualTo(" a");
    }

    @Test
    void should_name_the_missing_tokenizer_file(@TempDir Path dir) {
        assertThatThrownBy(() -> LlavaTokenizer.load(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tokenizer.json");
    }

    @Test
    void should_load_without_tokenizer_config(@TempDir Path dir) throws Exception {
        TokenizerJsonBuilder.builder().vocabSize(400).build().write(dir);
        Files.delete(dir.resolve("tokenizer_config.json"));
        try (LlavaTokenizer t = LlavaTokenizer.load(dir)) {
            assertThat(t.bosId()).isEqualTo(1);
            assertThat(t.imageTokenId()).isEmpty();
            assertThat(t.padId()).as("no <pad>: pad with <unk> as the original LLaVA").isZero();
            assertThat(t.decode(t.encode("The image"))).isEqualTo("The image");
        }
    }

    @Test
    void should_write_a_llama_layout_for_a_full_size_vocabulary(@TempDir Path dir) throws Exception {
        TokenizerJsonBuilder.builder().vocabSize(32064).imageTokenId(32000).padTokenId(32001).build().write(dir);
        JsonNode root = new ObjectMapper().readTree(dir.resolve("tokenizer.json").toFile());
        JsonNode vocab = root.path("model").path("vocab");
        assertThat(vocab.path("<unk>").asInt()).isEqualTo(0);
        assertThat(vocab.path("<0x00>").asInt()).isEqualTo(3);
        assertThat(vocab.path("<0xFF>").asInt()).isEqualTo(258);
        assertThat(vocab.path("\u2581").asInt()).isEqualTo(259);
        assertThat(root.path("model").path("byte_fallback").asBoolean()).isTrue();
        assertThat(root.path("added_tokens")).hasSize(5);
        assertThat(root.path("normalizer").path("normalizers").path(0).path("type").asText()).isEqualTo("Prepend");
        assertThat(root.path("post_processor").path("type").asText()).isEqualTo("TemplateProcessing");
        assertThat(root.path("decoder").path("decoders").path(3).path("type").asText()).isEqualTo("Strip");
        JsonNode config = new ObjectMapper().readTree(dir.resolve("tokenizer_config.json").toFile());
        assertThat(config.path("add_bos_token").asBoolean()).isTrue();
        assertThat(config.path("add_eos_token").asBoolean()).isFalse();
        assertThat(dir.resolve("special_tokens_map.json")).exists();
        try (LlavaTokenizer t = LlavaTokenizer.load(dir)) {
            assertThat(t.vocabSize()).isEqualTo(32064);
            assertThat(t.imageTokenId()).hasValue(32000);
            assertThat(t.specialTokenId("<pad>")).isEqualTo(32001);
            assertThat(t.padId()).isEqualTo(32001);
            assertThat(t.pieceText(259)).isEqualTo("\u2581");
            assertThat(t.decode(t.encode("A chat about a rocket 🚀"))).isEqualTo("A chat about a rocket 🚀");
        }
    }

    @Test
    void should_reject_impossible_builder_options() {
        assertThatThrownBy(() -> TokenizerJsonBuilder.builder().vocabSize(100).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenizerJsonBuilder.builder().vocabSize(300).imageTokenId(300).build())
                .hasMessageContaining("300");
        assertThatThrownBy(() -> TokenizerJsonBuilder.builder().vocabSize(300).imageTokenId(299).padTokenId(299)
                .build()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void should_write_the_same_files_every_time(@TempDir Path dir) throws Exception {
        TokenizerJsonBuilder.builder().vocabSize(300).imageTokenId(299).build().write(dir.resolve("a"));
        TokenizerJsonBuilder.builder().vocabSize(300).imageTokenId(299).build().write(dir.resolve("b"));
        assertThat(Files.readAllBytes(dir.resolve("a/tokenizer.json")))
                .isEqualTo(Files.readAllBytes(dir.resolve("b/tokenizer.json")));
    }
}
