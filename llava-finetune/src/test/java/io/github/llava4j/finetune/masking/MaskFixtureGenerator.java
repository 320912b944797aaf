package io.github.llava4j.finetune.masking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llava4j.text.LlavaTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes the input of tools/reference/masks_reference.py: the fixture cases and the tokenization of every text
 * chunk they need. Run by hand (see tools/reference/README.md):
 * {@code mvn -pl llava-finetune test -Dtest=MaskFixtureGenerator -Dllava4j.maskFixture=$PWD/llava-finetune/src/test/resources/masks/chunks.json}.
 */
class MaskFixtureGenerator {
    @TempDir
    Path dir;

    @Test
    @EnabledIfSystemProperty(named = "llava4j.maskFixture", matches = ".+")
    void should_write_chunk_table() throws Exception {
        ArrayNode cases = MaskFixtureCases.cases();
        TreeMap<String, int[]> table = new TreeMap<>();
        try (LlavaTokenizer tok = MaskFixtureCases.tokenizer(dir)) {
            TextEncoder recording = text -> table.computeIfAbsent(text, tok::encode);
            for (JsonNode c : cases) {
                MaskFixtureCases.masker(c, recording, tok).mask(MaskFixtureCases.toSample(c.path("sample")));
            }
            ObjectNode root = MaskFixtureCases.JSON.createObjectNode();
            root.put("bos", tok.bosId());
            root.put("eos", tok.eosId());
            root.put("pad", tok.padId());
            root.put("image_token", MaskFixtureCases.IMAGE_TOKEN);
            ObjectNode tokens = root.putObject("tokens");
            table.forEach((text, ids) -> {
                ArrayNode a = tokens.putArray(text);
                for (int id : ids) {
                    a.add(id);
                }
            });
            root.set("cases", cases);
            Path out = Path.of(System.getProperty("llava4j.maskFixture"));
            Files.createDirectories(out.getParent());
            Files.writeString(out, MaskFixtureCases.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root)
                    + "\n");
        }
    }
}
