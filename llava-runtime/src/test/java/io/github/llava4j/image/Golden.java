package io.github.llava4j.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * Reads {@code images/golden/preprocess_golden.json}, written by {@code tools/reference/preprocess_golden.py}
 * (PIL + numpy), and compares arrays with it: small arrays are stored in full, large ones as SHA-256 + samples.
 */
final class Golden {

    static final String RESOURCE = "/images/golden/preprocess_golden.json";
    private static JsonNode root;

    private Golden() {}

    static synchronized JsonNode root() {
        if (root == null) {
            try (InputStream in = Golden.class.getResourceAsStream(RESOURCE)) {
                root = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    static List<JsonNode> cases() {
        return StreamSupport.stream(root().get("cases").spliterator(), false).toList();
    }

    static byte[] resourceBytes(String path) {
        try (InputStream in = Golden.class.getResourceAsStream("/images/" + path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /images/" + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] base64(JsonNode node) {
        return Base64.getDecoder().decode(node.asText());
    }

    static float[] floats(JsonNode node) {
        ByteBuffer buf = ByteBuffer.wrap(base64(node)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[buf.remaining() / 4];
        buf.asFloatBuffer().get(out);
        return out;
    }

    static byte[] littleEndian(float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return buf.array();
    }

    /** Largest |ours - golden| over the full golden array or, when only samples were stored, over the samples. */
    static int maxByteError(byte[] ours, JsonNode golden) {
        int max = 0;
        if (golden.has("data")) {
            byte[] expected = base64(golden.get("data"));
            if (expected.length != ours.length) {
                return Integer.MAX_VALUE;
            }
            for (int i = 0; i < ours.length; i++) {
                max = Math.max(max, Math.abs((ours[i] & 0xFF) - (expected[i] & 0xFF)));
            }
        } else {
            for (JsonNode s : golden.get("samples")) {
                max = Math.max(max, Math.abs((ours[s.get(0).asInt()] & 0xFF) - s.get(1).asInt()));
            }
        }
        return max;
    }

    static double maxFloatError(float[] ours, JsonNode golden) {
        double max = 0;
        if (golden.has("data")) {
            float[] expected = floats(golden.get("data"));
            if (expected.length != ours.length) {
                return Double.POSITIVE_INFINITY;
            }
            for (int i = 0; i < ours.length; i++) {
                max = Math.max(max, Math.abs(ours[i] - expected[i]));
            }
        } else {
            for (JsonNode s : golden.get("samples")) {
                max = Math.max(max, Math.abs(ours[s.get(0).asInt()] - s.get(1).asDouble()));
            }
        }
        return max;
    }
}
