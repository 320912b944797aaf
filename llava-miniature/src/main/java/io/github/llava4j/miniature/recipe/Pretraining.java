package io.github.llava4j.miniature.recipe;

import io.github.llava4j.miniature.pretrain.BaseCheckpoint;
import io.github.llava4j.miniature.pretrain.ClipPretrainer;
import io.github.llava4j.miniature.pretrain.ClipPretrainerConfig;
import io.github.llava4j.miniature.pretrain.HardNegatives;
import io.github.llava4j.miniature.pretrain.ImageCaption;
import io.github.llava4j.miniature.pretrain.ImageRegion;
import io.github.llava4j.miniature.pretrain.LanguageModelPretrainer;
import io.github.llava4j.miniature.pretrain.LanguageModelPretrainerConfig;
import io.github.llava4j.miniature.pretrain.PretrainResult;
import io.github.llava4j.miniature.world.Captioner;
import io.github.llava4j.miniature.world.Scene;
import io.github.llava4j.miniature.world.SceneRenderer;
import io.github.llava4j.miniature.world.WorldWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Step 1 of the recipe, the stand-ins for what LLaVA downloads: a random llava-hf checkpoint with a tokenizer learned
 * from the world's text, its CLIP vision tower trained contrastively on the training captions, then its LLaMA
 * pretrained on the world's text. Only the checkpoint folder leaves this step.
 */
final class Pretraining {
    /** Ids in the tokenizer: enough BPE merges that nearly every world word, and the chat template's, is one token. */
    static final int VOCAB_SIZE = 1024;
    /**
     * Tokens per language-model pretraining sequence: a whole scene document (five captions and its questions with
     * answers, about 200 tokens) fits, so the answers can be read from the captions before them.
     */
    static final int LANGUAGE_MODEL_SEQUENCE = 256;

    private Pretraining() {}

    /** @return the pretrained base checkpoint folder (random projector, trained vision tower and language model) */
    static Path run(RecipeConfig config, WorldWriter.Split train, List<String> documents, Path dir) {
        Path random = dir.resolve("random");
        BaseCheckpoint.write(random, config.architecture(), String.join("\n", documents), config.seed(), VOCAB_SIZE);

        PretrainResult clip = new ClipPretrainer(ClipPretrainerConfig.builder()
                        .steps(config.clipSteps()).seed(config.seed()).progressBar(config.progressBar())
                        .metrics(dir.resolve("clip-metrics.jsonl")).build())
                .trainGroups(random, clipGroups(config, train, dir.resolve("clip-negatives")), dir.resolve("clip"));

        PretrainResult lm = new LanguageModelPretrainer(LanguageModelPretrainerConfig.builder()
                        .steps(config.languageModelSteps()).sequenceLength(LANGUAGE_MODEL_SEQUENCE)
                        .seed(config.seed()).progressBar(config.progressBar())
                        .metrics(dir.resolve("lm-metrics.jsonl")).build())
                .train(clip.folder(), documents, dir.resolve("pretrained"));
        return lm.folder();
    }

    /** Each training image with its captions, followed by its hard negatives (rendered into {@code negatives}). */
    static List<List<ImageCaption>> clipGroups(RecipeConfig config, WorldWriter.Split train, Path negatives) {
        Captioner captioner = new Captioner(config.world(), config.seed());
        HardNegatives edits = new HardNegatives(config.world().shapes(), config.seed());
        SceneRenderer renderer = new SceneRenderer();
        List<List<ImageCaption>> groups = new ArrayList<>();
        try {
            Files.createDirectories(negatives);
            for (Scene scene : train.scenes()) {
                List<ImageCaption> group = new ArrayList<>();
                group.add(ImageCaption.ofFile(train.dir().resolve("images").resolve(WorldWriter.fileName(scene.id())),
                        captioner.captions(scene), regions(scene)));
                List<Scene> edited = edits.of(scene, config.clipHardNegatives());
                for (int i = 0; i < edited.size(); i++) {
                    Path file = negatives.resolve(scene.id() + "-" + (i + 1) + ".png");
                    Files.write(file, renderer.png(edited.get(i)));
                    group.add(ImageCaption.ofFile(file, captioner.captions(edited.get(i)), regions(edited.get(i))));
                }
                groups.add(group);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the hard-negative images to " + negatives, e);
        }
        return groups;
    }

    /** Each object's box with its phrase ("a small red circle in the top left"), for the region-level loss. */
    static List<ImageRegion> regions(Scene scene) {
        return scene.objects().stream().map(o -> new ImageRegion(o.normalizedBox(), Captioner.located(o))).toList();
    }
}
