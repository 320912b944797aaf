package io.github.llava4j.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {
    /** Independent half decoding: sign * mantissa * 2^exponent in double arithmetic. */
    private static double referenceHalf(int h) {
        int sign = (h & 0x8000) != 0 ? -1 : 1;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return mant == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        }
        if (exp == 0) {
            return sign * mant * Math.pow(2, -24);
        }
        return sign * (1024 + mant) * Math.pow(2, exp - 25);
    }

    /** Positive finite halves in increasing order (bits 0x0000..0x7BFF are monotonic). */
    private static final double[] POSITIVE = new double[0x7C00];

    static {
        for (int h = 0; h < POSITIVE.length; h++) {
            POSITIVE[h] = referenceHalf(h);
        }
    }

    /** Nearest half by search over all finite halves, ties to the even bit pattern; beyond 65520 infinity. */
    private static int referenceRound(float f) {
        double x = Math.abs((double) f);
        int sign = Float.floatToRawIntBits(f) < 0 ? 0x8000 : 0;
        if (x >= 65520.0) {
            return sign | 0x7C00;
        }
        int lo = 0;
        int hi = POSITIVE.length - 1;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (POSITIVE[mid] <= x) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        int best;
        if (x <= POSITIVE[lo]) {
            best = lo;
        } else {
            double dLo = x - POSITIVE[lo];
            double dHi = POSITIVE[hi] - x;
            best = dLo < dHi ? lo : dHi < dLo ? hi : ((lo & 1) == 0 ? lo : hi);
        }
        return sign | best;
    }

    @Test
    void should_widen_every_half_value_exactly() {
        for (int h = 0; h < 0x10000; h++) {
            float f = HalfFloats.halfToFloat((short) h);
            double expected = referenceHalf(h);
            if (Double.isNaN(expected)) {
                assertThat(f).as("half 0x%04x", h).isNaN();
            } else {
                assertThat((double) f).as("half 0x%04x", h).isEqualTo(expected);
                assertThat(Float.floatToRawIntBits(f) < 0).as("sign of 0x%04x", h).isEqualTo((h & 0x8000) != 0);
            }
        }
    }

    @Test
    void should_round_trip_every_half_through_float() {
        for (int h = 0; h < 0x10000; h++) {
            short back = HalfFloats.floatToHalf(HalfFloats.halfToFloat((short) h));
            if (Float.isNaN(HalfFloats.halfToFloat((short) h))) {
                assertThat(HalfFloats.halfToFloat(back)).isNaN();
            } else {
                assertThat(back & 0xFFFF).as("half 0x%04x", h).isEqualTo(h);
            }
        }
    }

    @Test
    void should_round_midpoints_and_neighbours_to_nearest_even() {
        for (int h = 0; h < 0x7C00; h++) {
            float a = HalfFloats.halfToFloat((short) h);
            float b = h + 1 < 0x7C00 ? HalfFloats.halfToFloat((short) (h + 1)) : 65536f;
            float mid = (float) (((double) a + b) / 2); // exact in float: halves have 11 significant bits
            for (float f : new float[] {mid, Math.nextDown(mid), Math.nextUp(mid), -mid, -Math.nextUp(mid)}) {
                assertThat(HalfFloats.floatToHalf(f) & 0xFFFF).as("%s (a=%s)", f, a).isEqualTo(referenceRound(f));
            }
        }
    }

    @Test
    void should_convert_every_bfloat16_to_half_as_a_nearest_search_does() {
        for (int b = 0; b < 0x10000; b++) {
            float f = HalfFloats.bf16ToFloat((short) b);
            short h = HalfFloats.bf16ToHalf((short) b);
            if (Float.isNaN(f)) {
                assertThat(HalfFloats.halfToFloat(h)).isNaN();
            } else {
                assertThat(h & 0xFFFF).as("bf16 0x%04x = %s", b, f).isEqualTo(referenceRound(f));
            }
        }
    }

    @Test
    void should_round_random_floats_like_the_reference() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (Float.isNaN(f)) {
                assertThat(HalfFloats.halfToFloat(HalfFloats.floatToHalf(f))).isNaN();
            } else {
                assertThat(HalfFloats.floatToHalf(f) & 0xFFFF).as("%s", f).isEqualTo(referenceRound(f));
            }
        }
    }

    @Test
    void should_widen_bfloat16_by_a_shift_and_round_floats_to_even() {
        for (int b = 0; b < 0x10000; b++) {
            float f = HalfFloats.bf16ToFloat((short) b);
            assertThat(Float.floatToRawIntBits(f)).isEqualTo(b << 16);
            if (!Float.isNaN(f)) {
                assertThat(HalfFloats.floatToBf16(f) & 0xFFFF).isEqualTo(b);
            }
        }
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties to the even mantissa (1.0)
        assertThat(HalfFloats.floatToBf16(1f + 0x1p-8f) & 0xFFFF).isEqualTo(0x3F80);
        assertThat(HalfFloats.floatToBf16(1f + 0x1p-8f + 0x1p-20f) & 0xFFFF).isEqualTo(0x3F81);
        assertThat(HalfFloats.floatToBf16(Float.NaN) & 0x7FFF).isGreaterThan(0x7F80);
    }

    @Test
    void should_convert_buffers_between_all_weight_dtypes() {
        float[] values = {0f, -0f, 1f, -2.5f, 65504f, 1e-7f, Float.POSITIVE_INFINITY, 3.140625f};
        for (DType from : new DType[] {DType.F32, DType.F16, DType.BF16}) {
            for (DType to : new DType[] {DType.F32, DType.F16, DType.BF16}) {
                ByteBuffer src = ByteBuffer.allocate(values.length * from.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
                HalfFloats.encode(values, 0, values.length, from, src);
                src.flip();
                ByteBuffer dst = ByteBuffer.allocate(values.length * to.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
                HalfFloats.convert(src, from, dst, to, values.length);
                dst.flip();
                for (float v : values) {
                    float onDisk = decode(encode(v, from), from);
                    float expected = decode(encode(onDisk, to), to);
                    float actual = to == DType.F32 ? dst.getFloat()
                            : to == DType.F16 ? HalfFloats.halfToFloat(dst.getShort())
                                    : HalfFloats.bf16ToFloat(dst.getShort());
                    assertThat(actual).as("%s %s->%s", v, from, to).isEqualTo(expected);
                }
            }
        }
    }

    private static int encode(float v, DType d) {
        return switch (d) {
            case F32 -> Float.floatToRawIntBits(v);
            case F16 -> HalfFloats.floatToHalf(v);
            default -> HalfFloats.floatToBf16(v);
        };
    }

    private static float decode(int bits, DType d) {
        return switch (d) {
            case F32 -> Float.intBitsToFloat(bits);
            case F16 -> HalfFloats.halfToFloat((short) bits);
            default -> HalfFloats.bf16ToFloat((short) bits);
        };
    }
}
