package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Objects;

/**
 * A fully connected layer, {@code y = x·Wᵀ + b}: the one place where activations are multiplied by a weight matrix.
 *
 * <p>The weight keeps the Hugging Face {@code [out, in]} layout (fp16 matmul on this layout is fast; on {@code [in,
 * out]} it is 100x slower). Weights may be FLOAT32 or FLOAT16; activations are FLOAT32 in and out. Precision policy
 * for FLOAT16 weights: few rows (decode, the new tokens of a follow-up question) or any input on an accelerator are
 * computed in fp16 (memory bound, half the bytes); many rows on the CPU (prefill, vision tower) upcast the weight to
 * fp32 for this call only, because fp16 GEMM on the CPU is about 3x slower than fp32 GEMM. The bias is FLOAT32 and added in fp32.
 *
 * <p>Uses DJL's {@code Linear.linear} (torch {@code linear}) rather than {@code x.matMul(W.transpose())}: measured
 * on 2 shared cores at 2048x2048, equal for one row and about 25% faster for 256 rows in fp32.
 */
public final class Linear {
    /**
     * Below this many rows fp16 GEMM beats upcasting the weight on the CPU. Measured for an 11008x4096 fp16 weight
     * on 2 cores: 1 row 3.9 vs 50.7 ms, 24 rows 35.5 vs 70.0 ms, 64 rows 91.2 vs 90.3 ms, 128 rows 179.8 vs 113.0 ms.
     */
    static final int FP16_MAX_ROWS = 64;

    private final NDArray weight; // [out, in]
    private final NDArray bias; // [out] or null
    private final LinearAdapter adapter; // or null

    /**
     * @param weight {@code [out, in]}, FLOAT32 or FLOAT16
     * @param bias {@code [out]} FLOAT32, or null for none
     */
    public Linear(NDArray weight, NDArray bias) {
        this(weight, bias, null);
    }

    private Linear(NDArray weight, NDArray bias, LinearAdapter adapter) {
        this.weight = Objects.requireNonNull(weight, "weight");
        this.bias = bias;
        this.adapter = adapter;
        if (weight.getShape().dimension() != 2) {
            throw new IllegalArgumentException("Linear weight must be [out, in], got " + weight.getShape());
        }
        DataType type = weight.getDataType();
        if (type != DataType.FLOAT32 && type != DataType.FLOAT16) {
            throw new IllegalArgumentException("Linear weight must be FLOAT32 or FLOAT16, got " + type);
        }
        if (bias != null && (bias.getShape().dimension() != 1 || bias.getShape().get(0) != outFeatures())) {
            throw new IllegalArgumentException(
                    "Linear bias must be [" + outFeatures() + "], got " + bias.getShape());
        }
    }

    public long inFeatures() {
        return weight.getShape().get(1);
    }

    public long outFeatures() {
        return weight.getShape().get(0);
    }

    /** The weight, {@code [out, in]} as stored (for tests and tools such as LoRA). */
    public NDArray weight() {
        return weight;
    }

    /** The bias {@code [out]}, or null when the layer has none. */
    public NDArray bias() {
        return bias;
    }

    /** The adapter added to this layer's output, or null. */
    public LinearAdapter adapter() {
        return adapter;
    }

    /** The same weight and bias with {@code adapter}'s output added (replacing any adapter this layer had). */
    public Linear withAdapter(LinearAdapter adapter) {
        return new Linear(weight, bias, Objects.requireNonNull(adapter, "adapter"));
    }

    /** {@code x [..., in]} FLOAT32 to {@code [..., out]} FLOAT32. */
    public NDArray forward(NDArray x) {
        if (adapter == null) {
            return base(x);
        }
        // not in place: autograd needs both addends as they were
        try (NDArray y = base(x);
                NDArray delta = adapter.forward(x)) {
            return y.add(delta);
        }
    }

    private NDArray base(NDArray x) {
        if (weight.getDataType() == DataType.FLOAT32) {
            return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
        }
        long rows = x.size() / inFeatures();
        if (rows < FP16_MAX_ROWS || !ai.djl.Device.Type.CPU.equals(weight.getDevice().getDeviceType())) {
            try (NDArray half = x.toType(DataType.FLOAT16, false);
                    NDArray product = ai.djl.nn.core.Linear.linear(half, weight).singletonOrThrow()) {
                NDArray y = product.toType(DataType.FLOAT32, false);
                return bias == null ? y : y.addi(bias);
            }
        }
        try (NDArray wide = weight.toType(DataType.FLOAT32, false)) {
            return ai.djl.nn.core.Linear.linear(x, wide, bias).singletonOrThrow();
        }
    }
}
