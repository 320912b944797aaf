import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llava4j.miniature.teacher.WorldTeacher;
import io.github.llava4j.text.ChatTemplates;
import io.github.llava4j.text.Conversation;
import io.github.llava4j.text.LlavaTokenizer;
import io.github.llava4j.text.PromptTokens;
import java.nio.file.Path;

/**
 * Writes the token ids of the evaluation prompts (vicuna_v1, one image, LLaVA-1.5's short-answer suffix) of the first
 * N held-out questions of one type, exactly as the runtime encodes them, as a JSON list of {sceneId, question, answer,
 * ids}. Python has no tokenizer here, so attention.py reads the ids from this file.
 *
 * <p>Usage: java DumpPrompts RUN_DIR MODEL_DIR TYPE N OUT_FILE (see attention.sh)
 */
public class DumpPrompts {
    public static void main(String[] args) throws Exception {
        Path run = Path.of(args[0]);
        Path model = Path.of(args[1]);
        String type = args[2];
        int n = Integer.parseInt(args[3]);
        ObjectMapper json = new ObjectMapper();
        JsonNode questions = json.readTree(run.resolve("world/heldout/questions_heldout.json").toFile());
        int imageToken = json.readTree(model.resolve("config.json").toFile()).path("image_token_index").asInt();
        ArrayNode out = json.createArrayNode();
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(model)) {
            for (JsonNode q : questions) {
                if (out.size() == n) {
                    break;
                }
                if (!q.path("type").asText().equals(type)) {
                    continue;
                }
                String prompt = WorldTeacher.shortAnswer(q.path("question").asText());
                PromptTokens tokens = ChatTemplates.defaultTemplate()
                        .encode(Conversation.builder().user(prompt, 1).build(), tokenizer, imageToken);
                ObjectNode o = out.addObject();
                o.put("sceneId", q.path("sceneId").asLong());
                o.put("question", q.path("question").asText());
                o.put("answer", q.path("answer").asText());
                ArrayNode ids = o.putArray("ids");
                for (int id : tokens.ids()) {
                    ids.add(id);
                }
            }
        }
        json.writeValue(Path.of(args[4]).toFile(), out);
    }
}
