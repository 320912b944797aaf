package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.github.llava4j.LlavaException;

/**
 * Rotary position embedding in the Hugging Face "rotate half" layout (the layout of HF LLaMA/Vicuna checkpoints).
 *
 * <p>{@code inv_freq[j] = 1 / theta^(2j/hd)}, the angle of position p is {@code p·inv_freq} duplicated to hd values, and
 * {@code rope(x) = x·cos + rotate_half(x)·sin} with {@code rotate_half([x1, x2]) = [-x2, x1]}. The cos/sin tables
 * are computed once in fp32 arithmetic (as transformers does) for every position up to {@code maxPositions}.
 */
public final class RotaryEmbedding {
    private final int headDim;
    private final int maxPositions;
    private final NDArray cos; // [maxPositions, hd]
    private final NDArray sin; // [maxPositions, hd]

    /** Builds the tables in {@code manager} (which sets the device); they live as long as that manager. */
    public RotaryEmbedding(int headDim, double theta, int maxPositions, NDManager manager) {
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("rotary head dim must be even, got " + headDim);
        }
        this.headDim = headDim;
        this.maxPositions = maxPositions;
        int half = headDim / 2;
        float[] invFreq = new float[half];
        for (int j = 0; j < half; j++) {
            float exponent = (float) (2 * j) / headDim;
            invFreq[j] = 1.0f / (float) Math.pow(theta, exponent);
        }
        float[] cosTable = new float[maxPositions * headDim];
        float[] sinTable = new float[maxPositions * headDim];
        for (int p = 0; p < maxPositions; p++) {
            for (int j = 0; j < half; j++) {
                float angle = (float) p * invFreq[j];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                int base = p * headDim;
                cosTable[base + j] = c;
                cosTable[base + j + half] = c;
                sinTable[base + j] = s;
                sinTable[base + j + half] = s;
            }
        }
        this.cos = manager.create(cosTable, new Shape(maxPositions, headDim));
        this.sin = manager.create(sinTable, new Shape(maxPositions, headDim));
    }

    public int maxPositions() {
        return maxPositions;
    }

    /** The {@code [count, hd]} cos rows for positions {@code start .. start+count-1}. */
    public NDArray cos(int start, int count) {
        return rows(cos, start, count);
    }

    /** The {@code [count, hd]} sin rows for positions {@code start .. start+count-1}. */
    public NDArray sin(int start, int count) {
        return rows(sin, start, count);
    }

    private NDArray rows(NDArray table, int start, int count) {
        if (start < 0 || start + count > maxPositions) {
            throw new LlavaException("positions " + start + ".." + (start + count - 1)
                    + " exceed the rotary table of " + maxPositions + " positions (max_position_embeddings)");
        }
        return table.get(new NDIndex("{}:{}", start, start + count));
    }

    /** Rotates {@code x [..., T, hd]} by the angles {@code cos/sin [T, hd]} of its positions. */
    public static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        long half = x.getShape().get(x.getShape().dimension() - 1) / 2;
        try (NDArray x1 = x.get(new NDIndex("..., :{}", half));
                NDArray x2 = x.get(new NDIndex("..., {}:", half));
                NDArray minusX2 = x2.neg();
                NDArray rotated = minusX2.concat(x1, -1);
                NDArray rotatedSin = rotated.mul(sin);
                NDArray xCos = x.mul(cos)) {
            return xCos.add(rotatedSin);
        }
    }

    /** Head dim the tables were built for. */
    public int headDim() {
        return headDim;
    }
}
