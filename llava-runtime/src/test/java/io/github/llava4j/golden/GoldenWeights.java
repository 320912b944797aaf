package io.github.llava4j.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llava4j.io.MapTensorSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-only reader of the golden checkpoints' safetensors into an in-memory {@link MapTensorSource} with canonical
 * (older llava-hf) names, widening F16/BF16 to float32. Lets the parity test run the model before a production
 * safetensors reader is wired; replace it with that reader when it lands.
 */
final class GoldenWeights {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Newer transformers prefixes to the canonical ones (LlavaForConditionalGeneration's conversion mapping). */
    private static final List<String[]> NEW_TO_OLD = List.of(
            new String[] {"model.language_model.", "language_model.model."},
            new String[] {"lm_head.", "language_model.lm_head."},
            new String[] {"model.vision_tower.", "vision_tower."},
            new String[] {"model.multi_modal_projector.", "multi_modal_projector."});

    private GoldenWeights() {}

    static MapTensorSource load(GoldenFixture golden) {
        Map<String, MapTensorSource.Tensor> tensors = new LinkedHashMap<>();
        for (String file : golden.weightFiles()) {
            read(golden.dir().resolve(file), tensors);
        }
        return new MapTensorSource(tensors);
    }

    private static void read(Path file, Map<String, MapTensorSource.Tensor> into) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            int headerLen = (int) ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            JsonNode header = JSON.readTree(new String(bytes, 8, headerLen, StandardCharsets.UTF_8));
            int base = 8 + headerLen;
            header.fields().forEachRemaining(e -> {
                if (e.getKey().equals("__metadata__")) {
                    return;
                }
                JsonNode t = e.getValue();
                long[] shape = new long[t.get("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = t.get("shape").get(i).asLong();
                }
                int start = base + t.get("data_offsets").get(0).asInt();
                int end = base + t.get("data_offsets").get(1).asInt();
                ByteBuffer buf = ByteBuffer.wrap(bytes, start, end - start).order(ByteOrder.LITTLE_ENDIAN);
                String dtype = t.get("dtype").asText();
                float[] values = new float[(end - start) / (dtype.equals("F32") ? 4 : 2)];
                for (int i = 0; i < values.length; i++) {
                    values[i] = switch (dtype) {
                        case "F32" -> buf.getFloat();
                        case "F16" -> halfToFloat(buf.getShort());
                        case "BF16" -> Float.intBitsToFloat((buf.getShort() & 0xffff) << 16);
                        default -> throw new IllegalStateException(file + ": dtype " + dtype + " of " + e.getKey());
                    };
                }
                into.put(canonical(e.getKey()), new MapTensorSource.Tensor(values, shape));
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** IEEE 754 binary16 to float (Float.float16ToFloat needs Java 20). */
    static float halfToFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f; // subnormal (or zero): exact in float
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static String canonical(String name) {
        if (name.startsWith("language_model.") || name.startsWith("vision_tower.")
                || name.startsWith("multi_modal_projector.")) {
            return name;
        }
        for (String[] m : NEW_TO_OLD) {
            if (name.startsWith(m[0])) {
                return m[1] + name.substring(m[0].length());
            }
        }
        throw new IllegalStateException("unexpected tensor name " + name);
    }
}
