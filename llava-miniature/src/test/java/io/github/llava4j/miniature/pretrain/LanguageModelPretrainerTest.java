package io.github.llava4j.miniature.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.llava4j.Llava;
import io.github.llava4j.LlavaEngine;
import io.github.llava4j.LlavaRequest;
import io.github.llava4j.LlavaResult;
import io.github.llava4j.finetune.train.TrainableModel;
import io.github.llava4j.generate.GenerationConfig;
import io.github.llava4j.generate.GenerationListener;
import io.github.llava4j.model.KvCache;
import io.github.llava4j.model.LlavaModel;
import io.github.llava4j.text.Conversation;
import io.github.llava4j.text.LlavaTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LanguageModelPretrainerTest {
    private static final List<String> SENTENCES = List.of(
            "the red circle is above the blue square.",
            "a green triangle sits left of the yellow star.",
            "two purple squares are below one black circle.",
            "there is nothing to the right of the orange star.");

    @TempDir
    static Path dir;

    static Path base;
    static Path trained;
    static PretrainResult result;

    @BeforeAll
    static void train() throws Exception {
        base = dir.resolve("base");
        BaseCheckpoint.write(base, MiniatureArchitecture.tiny(), String.join(" ", SENTENCES), 5, 400);
        Files.write(base.resolve(ClipHeads.FILE), new byte[] {1, 2, 3}); // a CLIP text tower travels along
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            corpus.addAll(SENTENCES);
        }
        trained = dir.resolve("lm");
        result = new LanguageModelPretrainer(LanguageModelPretrainerConfig.builder().steps(120).batchSize(4)
                .sequenceLength(48).learningRate(5e-3).seed(11).metrics(trained.resolve("lm_metrics.jsonl")).build())
                .train(base, corpus, trained);
    }

    @Test
    void should_lower_the_loss_by_a_large_factor() {
        assertThat(result.metrics()).hasSize(120);
        assertThat(result.firstLoss()).isGreaterThan(5.0); // about ln(400) at the start
        assertThat(result.finalLoss()).isLessThan(result.firstLoss() / 5);
        assertThat(trained.resolve("lm_metrics.jsonl")).isRegularFile();
    }

    @Test
    void should_train_every_step_on_tokens_across_epochs_of_varying_length() {
        // 120 steps are many epochs of this corpus; each epoch's shuffle packs into its own number of sequences
        assertThat(result.metrics().get(119).epoch()).isGreaterThan(3);
        assertThat(result.metrics()).allSatisfy(m -> assertThat(m.tokensPerSecond()).as("step %d", m.step())
                .isPositive());
        for (int i = 1; i < result.metrics().size(); i++) {
            assertThat(result.metrics().get(i).epoch()).isGreaterThan(result.metrics().get(i - 1).epoch());
        }
    }

    @Test
    void should_continue_a_training_sentence_greedily() {
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(trained);
                TrainableModel model = TrainableModel.load(trained, n -> OptionalDouble.empty(), Device.cpu())) {
            for (String sentence : SENTENCES) {
                int[] ids = tokenizer.encode(sentence);
                int prompt = 3;
                int[] continuation = greedy(model.model(), tokenizer.bosId(), Arrays.copyOf(ids, prompt),
                        ids.length - prompt + 1);
                int[] expected = Arrays.copyOf(Arrays.copyOfRange(ids, prompt, ids.length), ids.length - prompt + 1);
                expected[expected.length - 1] = tokenizer.eosId();
                assertThat(continuation).as(sentence).containsExactly(expected);
            }
        }
    }

    @Test
    void should_export_a_folder_the_runtime_loads_and_answers_from() {
        try (LlavaEngine engine = Llava.load(trained)) {
            Conversation conversation = Conversation.builder().user("the red circle").build();
            LlavaResult answer = engine.generate(LlavaRequest.builder().conversation(conversation).template("plain")
                    .generation(GenerationConfig.builder().maxNewTokens(12).build()).build(), GenerationListener.NONE);
            assertThat(answer.generation().text()).isEqualTo("is above the blue square.");
        }
    }

    @Test
    void should_leave_the_vision_tower_and_projector_untouched() throws Exception {
        Map<String, float[]> before = PretrainFixtures.weights(base);
        Map<String, float[]> after = PretrainFixtures.weights(trained);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        int changedLanguage = 0;
        for (String name : before.keySet()) {
            boolean same = Arrays.equals(before.get(name), after.get(name));
            if (name.startsWith("language_model.")) {
                changedLanguage += same ? 0 : 1;
            } else {
                assertThat(same).as(name + " unchanged").isTrue();
            }
        }
        assertThat(changedLanguage).isEqualTo((int) before.keySet().stream()
                .filter(n -> n.startsWith("language_model.")).count());
        assertThat(Files.readAllBytes(trained.resolve(ClipHeads.FILE))).containsExactly(1, 2, 3);
    }

    @Test
    void should_pack_texts_with_bos_and_eos_and_cut_only_a_text_longer_than_a_sequence() {
        List<int[]> packed = SequencePacker.pack(List.of(new int[] {5, 6}, new int[] {7, 8, 9}), 4, 1, 2);
        assertThat(packed).containsExactly(new int[] {1, 5, 6, 2}, new int[] {1, 7, 8, 9}, new int[] {1, 2});
    }

    @Test
    void should_start_a_new_sequence_rather_than_split_a_text_that_fits_in_one() {
        List<int[]> packed = SequencePacker.pack(
                List.of(new int[] {5}, new int[] {6, 7, 8}, new int[] {9}, new int[] {3}), 6, 1, 2);
        // {6, 7, 8} + EOS does not fit after "BOS 5 EOS", so it opens the next sequence whole; 9 and 3 share the third
        assertThat(packed).containsExactly(new int[] {1, 5, 2}, new int[] {1, 6, 7, 8, 2}, new int[] {1, 9, 2, 3, 2});
    }

    /** Greedy decoding of {@code n} tokens after BOS + {@code prompt}, straight on the model. */
    private static int[] greedy(LlavaModel model, int bos, int[] prompt, int n) {
        int[] ids = new int[prompt.length + 1];
        ids[0] = bos;
        System.arraycopy(prompt, 0, ids, 1, prompt.length);
        int[] out = new int[n];
        try (NDManager manager = NDManager.newBaseManager(model.weightsManager().getDevice());
                KvCache cache = model.newKvCache(ids.length + n)) {
            NDArray logits = model.forward(model.embedText(ids, manager), cache, false, manager); // [1, V]
            for (int i = 0; i < n; i++) {
                out[i] = (int) logits.argMax(1).getLong(0);
                logits = model.forward(model.embedText(new int[] {out[i]}, manager), cache, false, manager);
            }
        }
        return out;
    }
}
