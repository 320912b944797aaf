package io.github.llava4j.finetune.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llava4j.config.ConfigReader;
import io.github.llava4j.finetune.data.BadDataException;
import io.github.llava4j.finetune.data.BadDataReason;
import io.github.llava4j.finetune.data.DataReport;
import io.github.llava4j.finetune.data.LlavaJsonReader;
import io.github.llava4j.finetune.masking.LabelMasker;
import io.github.llava4j.finetune.masking.MaskedSample;
import io.github.llava4j.finetune.masking.Template;
import io.github.llava4j.text.LlavaTokenizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code inspect-data}: prints each sample's input_ids and labels exactly as they would be fed to the model. */
@Command(name = "inspect-data", mixinStandardHelpOptions = true,
        description = "Tokenize and mask a LLaVA JSON data file; one line per sample, then a summary on stderr.")
final class InspectDataCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "llava-hf folder (config.json, tokenizer.json)")
    Path model;

    @Option(names = "--data", required = true, description = "LLaVA JSON file: [{id, image?, conversations}]")
    Path data;

    @Option(names = "--images", required = true, description = "folder the samples' image paths are relative to")
    Path images;

    @Option(names = "--template", required = true, description = "plain, v1 or v0")
    String template;

    @Option(names = "--max-length", defaultValue = "2048",
            description = "model_max_length: truncation length in tokens (default ${DEFAULT-VALUE})")
    int maxLength;

    @Option(names = "--skip-bad", description = "count and skip bad samples instead of failing on the first one")
    boolean skipBad;

    @Option(names = "--non-legacy-offsets",
            description = "apply the reference's -1 round offsets for non-legacy LLaMA tokenizers (v1 only)")
    boolean nonLegacyOffsets;

    @Option(names = "--json", description = "one JSON line per sample: {\"id\", \"input_ids\", \"labels\"}")
    boolean json;

    @Override
    public Integer call() {
        Template parsed = Template.parse(template);
        int imageToken = ConfigReader.readLlavaConfig(model).imageTokenIndex();
        PrintWriter out = spec.commandLine().getOut();
        ObjectMapper mapper = new ObjectMapper();
        DataReport report = new DataReport();
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(model)) {
            LabelMasker masker = new LabelMasker(parsed, tokenizer::encode, tokenizer.bosId(), tokenizer.eosId(),
                    tokenizer.padId(), imageToken, maxLength, nonLegacyOffsets);
            new LlavaJsonReader(images, skipBad).read(data, sample -> {
                MaskedSample masked;
                try {
                    masked = masker.mask(sample);
                } catch (BadDataException e) {
                    if (!skipBad) {
                        throw e;
                    }
                    report.record(e.reason(), e.sampleId());
                    return;
                }
                if (masked.tokenizationMismatch()) {
                    report.record(BadDataReason.TOKENIZATION_MISMATCH, masked.id());
                }
                out.println(json ? jsonLine(mapper, masked) : textLine(masked));
            }, report);
        }
        out.flush();
        int unusable = report.count(BadDataReason.TEMPLATE_MISMATCH);
        spec.commandLine().getErr().println("llava-finetune: " + summary(report, unusable));
        return 0;
    }

    private static String summary(DataReport report, int unusable) {
        String s = report.summary();
        return unusable == 0 ? s : s + " (" + unusable + " of the used samples did not fit the template)";
    }

    private static String jsonLine(ObjectMapper mapper, MaskedSample masked) {
        ObjectNode node = mapper.createObjectNode();
        node.put("id", masked.id());
        ArrayNode ids = node.putArray("input_ids");
        for (int t : masked.inputIds()) {
            ids.add(t);
        }
        ArrayNode labels = node.putArray("labels");
        for (int t : masked.labels()) {
            labels.add(t);
        }
        try {
            return mapper.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String textLine(MaskedSample masked) {
        int learned = 0;
        for (int l : masked.labels()) {
            learned += l != MaskedSample.IGNORE_INDEX ? 1 : 0;
        }
        return masked.id() + ": " + masked.inputIds().length + " tokens, " + learned + " learned"
                + (masked.tokenizationMismatch() ? " (tokenization mismatch: all masked)" : "");
    }
}
