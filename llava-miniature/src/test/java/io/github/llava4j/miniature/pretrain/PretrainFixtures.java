package io.github.llava4j.miniature.pretrain;

import io.github.llava4j.io.Checkpoint;
import io.github.llava4j.io.SafeTensors;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Helpers of the pretraining tests. */
final class PretrainFixtures {
    private PretrainFixtures() {}

    /** Every F32 tensor of {@code folder/model.safetensors} by name. */
    static Map<String, float[]> weights(Path folder) {
        return tensors(folder.resolve(Checkpoint.SINGLE_FILE));
    }

    static Map<String, float[]> tensors(Path file) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (SafeTensors st = SafeTensors.open(file)) {
            for (String name : st.tensors().keySet()) {
                FloatBuffer data = st.map(name).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                float[] values = new float[data.remaining()];
                data.get(values);
                out.put(name, values);
            }
        }
        return out;
    }
}
