package io.github.llava4j.io;

import ai.djl.ndarray.types.DataType;
import java.util.Optional;

/**
 * Element types of a safetensors file. Only {@link #F32}, {@link #F16} and {@link #BF16} can be loaded as weights;
 * the others are recognised so that headers validate (their byte sizes are known) and tensors nobody loads, such as
 * {@code *.position_ids} (I64), do not make a whole checkpoint unreadable.
 */
public enum DType {
    F32(4, true),
    F16(2, true),
    BF16(2, true),
    F64(8, false),
    I64(8, false),
    I32(4, false),
    I16(2, false),
    I8(1, false),
    U8(1, false),
    BOOL(1, false),
    F8_E4M3(1, false),
    F8_E5M2(1, false);

    private final int byteSize;
    private final boolean weight;

    DType(int byteSize, boolean weight) {
        this.byteSize = byteSize;
        this.weight = weight;
    }

    /** Bytes per element on disk. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether tensors of this type can be loaded as weights (F32, F16, BF16). */
    public boolean isWeightType() {
        return weight;
    }

    /** The safetensors name ("F32", "BF16", ...), which is the enum constant's name. */
    public String safetensorsName() {
        return name();
    }

    /** Parses a safetensors dtype name; empty when it is not a dtype of the format. */
    public static Optional<DType> parse(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** The DJL compute dtype this maps to: F32 or F16 (never BFLOAT16, which aborts DJL's JVM). */
    public static DType ofCompute(DataType dataType) {
        if (dataType == DataType.FLOAT32) {
            return F32;
        }
        if (dataType == DataType.FLOAT16) {
            return F16;
        }
        throw new IllegalArgumentException("weights load as FLOAT32 or FLOAT16 only, got " + dataType);
    }

    /** DJL's dtype for F32 / F16; BF16 has none that DJL can hold. */
    public DataType toDjl() {
        return switch (this) {
            case F32 -> DataType.FLOAT32;
            case F16 -> DataType.FLOAT16;
            default -> throw new IllegalArgumentException(this + " has no DJL data type that can be used safely");
        };
    }
}
