package io.github.llava4j.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Exact conversions between float32, IEEE half (f16) and bfloat16, done in Java because Java 17 has no
 * {@code Float.float16ToFloat} and DJL must never see a BFLOAT16 tensor. Narrowing rounds to nearest, ties to even;
 * subnormals, infinities and NaNs are handled (NaNs stay NaN, quietened).
 */
public final class HalfFloats {
    private HalfFloats() {}

    /** Widens a half's 16 bits to float32 (exact). */
    public static float halfToFloat(short half) {
        int h = half & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0) {
            // subnormal or zero: mant * 2^-24 is exact in float32
            return Float.intBitsToFloat(sign | Float.floatToRawIntBits(mant * 0x1p-24f));
        }
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** Narrows a float32 to a half's 16 bits, rounding to nearest, ties to even. */
    public static short floatToHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFFFFFF;
        if (abs >= 0x7F800000) {
            if (abs == 0x7F800000) {
                return (short) (sign | 0x7C00);
            }
            return (short) (sign | 0x7E00 | ((abs >>> 13) & 0x3FF));
        }
        if (abs >= 0x477FF000) {
            // 65520 is the midpoint between 65504 (odd mantissa) and 2^16: it and everything above round to inf
            return (short) (sign | 0x7C00);
        }
        if (abs >= 0x38800000) {
            int exp = (abs >>> 23) - 127 + 15;
            int mant = abs & 0x7FFFFF;
            int h = (exp << 10) | (mant >>> 13);
            int rest = mant & 0x1FFF;
            if (rest > 0x1000 || (rest == 0x1000 && (h & 1) == 1)) {
                h++; // a carry into the exponent is the correct next value
            }
            return (short) (sign | h);
        }
        if (abs < 0x33000000) {
            return (short) sign; // below half of the smallest subnormal (2^-25)
        }
        int exp = (abs >>> 23) - 127;
        int mant = (abs & 0x7FFFFF) | 0x800000;
        int shift = -(exp + 1); // value in units of 2^-24 is mant * 2^(exp + 1)
        int h = mant >>> shift;
        int rest = mant & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (rest > halfway || (rest == halfway && (h & 1) == 1)) {
            h++;
        }
        return (short) (sign | h);
    }

    /** Widens bfloat16 bits to float32 (exact: bfloat16 is the top half of a float32). */
    public static float bf16ToFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }

    /** Narrows a float32 to bfloat16 bits, rounding to nearest, ties to even. */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    /** bfloat16 to half, rounding to nearest even (via the exact float32 value). */
    public static short bf16ToHalf(short bf16) {
        return floatToHalf(bf16ToFloat(bf16));
    }

    /**
     * Converts {@code count} elements from {@code src} (read from its position) to {@code dst} (written at its
     * position); both buffers must be little-endian. Supports F32, F16 and BF16 in any direction.
     */
    public static void convert(ByteBuffer src, DType from, ByteBuffer dst, DType to, int count) {
        if (src.order() != ByteOrder.LITTLE_ENDIAN || dst.order() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalArgumentException("buffers must be little-endian");
        }
        if (!from.isWeightType() || !to.isWeightType()) {
            throw new IllegalArgumentException("cannot convert " + from + " to " + to);
        }
        if (from == DType.BF16 && to == DType.F32) {
            for (int i = 0; i < count; i++) {
                dst.putFloat(bf16ToFloat(src.getShort()));
            }
            return;
        }
        if (from == DType.BF16 && to == DType.F16) {
            for (int i = 0; i < count; i++) {
                dst.putShort(bf16ToHalf(src.getShort()));
            }
            return;
        }
        if (from == DType.F16 && to == DType.F32) {
            for (int i = 0; i < count; i++) {
                dst.putFloat(halfToFloat(src.getShort()));
            }
            return;
        }
        if (from == DType.F32 && to == DType.F16) {
            for (int i = 0; i < count; i++) {
                dst.putShort(floatToHalf(src.getFloat()));
            }
            return;
        }
        for (int i = 0; i < count; i++) {
            float v = switch (from) {
                case F32 -> src.getFloat();
                case F16 -> halfToFloat(src.getShort());
                default -> bf16ToFloat(src.getShort());
            };
            switch (to) {
                case F32 -> dst.putFloat(v);
                case F16 -> dst.putShort(floatToHalf(v));
                default -> dst.putShort(floatToBf16(v));
            }
        }
    }

    /** Encodes floats as {@code dtype} (F32, F16 or BF16), little-endian. */
    public static void encode(float[] values, int offset, int count, DType dtype, ByteBuffer dst) {
        for (int i = offset; i < offset + count; i++) {
            switch (dtype) {
                case F32 -> dst.putFloat(values[i]);
                case F16 -> dst.putShort(floatToHalf(values[i]));
                case BF16 -> dst.putShort(floatToBf16(values[i]));
                default -> throw new IllegalArgumentException("cannot encode floats as " + dtype);
            }
        }
    }
}
