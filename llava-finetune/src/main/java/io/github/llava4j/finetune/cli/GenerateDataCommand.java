package io.github.llava4j.finetune.cli;

import io.github.llava4j.finetune.teacher.CocoAnnotations;
import io.github.llava4j.finetune.teacher.GenerationSummary;
import io.github.llava4j.finetune.teacher.ImageAnnotation;
import io.github.llava4j.finetune.teacher.InstructionGenerator;
import io.github.llava4j.finetune.teacher.ResponseType;
import io.github.llava4j.finetune.teacher.RetryPolicy;
import io.github.llava4j.langchain4j.LlavaChatModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code generate-data}: LLaVA instruction data from COCO captions and boxes, with a local model as the teacher. */
@Command(name = "generate-data", mixinStandardHelpOptions = true,
        description = "Generate LLaVA instruction data (conversation, detail, complex) from COCO annotations with a"
                + " teacher model; resumable (journal beside --out).")
final class GenerateDataCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--captions", required = true, description = "COCO captions_*.json")
    Path captions;

    @Option(names = "--instances", description = "COCO instances_*.json (object boxes); without it no boxes")
    Path instances;

    @Option(names = "--teacher-model", required = true, description = "llava-hf folder used as the teacher")
    Path teacherModel;

    @Option(names = "--out", required = true, description = "output LLaVA JSON file")
    Path out;

    @Option(names = "--types", split = ",", description = "response types (default: conversation,detail,complex)")
    List<String> types;

    @Option(names = "--limit", defaultValue = "0", description = "only the first N images (0 = all)")
    int limit;

    @Option(names = "--concurrency", defaultValue = "2",
            description = "teacher calls at once (default ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--max-retries", defaultValue = "3", description = "retries per call (default ${DEFAULT-VALUE})")
    int maxRetries;

    @Option(names = "--few-shot", defaultValue = "-1", description = "few-shot examples per prompt (-1 = all)")
    int fewShot;

    @Option(names = "--seed", defaultValue = "42", description = "seed for instruction picks and sampling")
    long seed;

    @Option(names = "--temperature", defaultValue = "0", description = "teacher temperature (default ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--max-output-tokens", defaultValue = "1024", description = "teacher reply limit")
    int maxOutputTokens;

    @Option(names = "--no-progress", description = "no progress bar")
    boolean noProgress;

    @Override
    public Integer call() {
        List<ImageAnnotation> images = CocoAnnotations.read(captions, instances);
        if (limit > 0 && images.size() > limit) {
            images = images.subList(0, limit);
        }
        Set<ResponseType> wanted = EnumSet.allOf(ResponseType.class);
        if (types != null && !types.isEmpty()) {
            wanted = EnumSet.noneOf(ResponseType.class);
            for (String t : types) {
                wanted.add(ResponseType.parse(t));
            }
        }
        GenerationSummary summary;
        try (LlavaChatModel teacher = LocalChatModels.open(teacherModel, maxOutputTokens, temperature, seed)) {
            InstructionGenerator.Builder builder = InstructionGenerator.builder().teacher(teacher).types(wanted)
                    .concurrency(concurrency).retry(new RetryPolicy(maxRetries, Duration.ofSeconds(1))).seed(seed)
                    .progressBar(!noProgress);
            if (fewShot >= 0) {
                builder.fewShot(fewShot);
            }
            summary = builder.build().generate(images, out);
        }
        summary.problems().stream().limit(5).forEach(p -> spec.commandLine().getErr().println("llava-finetune: " + p));
        if (summary.problems().size() > 5) {
            spec.commandLine().getErr().println("llava-finetune: ... and " + (summary.problems().size() - 5)
                    + " more malformed or failed");
        }
        spec.commandLine().getOut().println(summary.format());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
