package io.github.llava4j.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.llava4j.ImageException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLoaderTest {

    private final ImageLoader reference = new ImageLoader(ImageLoader.Options.llavaReference());

    @Test
    void should_refuse_a_png_header_claiming_100000x100000_before_decoding() {
        byte[] bomb = pngHeaderOnly(100_000, 100_000);

        assertThatThrownBy(() -> new ImageLoader().load(bomb, "bomb.png"))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("bomb.png")
                .hasMessageContaining("100000x100000")
                .hasMessageContaining("refused before decoding");
    }

    @Test
    void should_refuse_images_over_the_configured_side_and_pixel_limits() {
        byte[] png = encode(new BufferedImage(30, 10, BufferedImage.TYPE_INT_RGB), "png");

        ImageLoader narrow = new ImageLoader(ImageLoader.Options.builder().maxSide(20).build());
        ImageLoader small = new ImageLoader(ImageLoader.Options.builder().maxPixels(299).build());

        assertThatThrownBy(() -> narrow.load(png, "wide.png"))
                .isInstanceOf(ImageException.class).hasMessageContaining("30x10").hasMessageContaining("limit of 20");
        assertThatThrownBy(() -> small.load(png, "wide.png"))
                .isInstanceOf(ImageException.class).hasMessageContaining("300 pixels").hasMessageContaining("299");
        assertThat(new ImageLoader().load(png, "wide.png").width()).isEqualTo(30);
    }

    @Test
    void should_name_the_source_of_a_truncated_jpeg() {
        byte[] truncated = Golden.resourceBytes("truncated.jpg");

        assertThatThrownBy(() -> reference.load(truncated, "truncated.jpg"))
                .isInstanceOf(ImageException.class)
                .hasMessageStartingWith("truncated or corrupt JPEG image truncated.jpg");
    }

    @Test
    void should_refuse_a_jpeg_cut_inside_its_scan_data_instead_of_returning_grey() {
        byte[] jpeg = encodeJpeg(noise(64, 48, 7), 0.9f);
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length * 2 / 3);

        assertThat(reference.load(jpeg, "whole.jpg").width()).isEqualTo(64);
        assertThatThrownBy(() -> reference.load(cut, "cut.jpg"))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("truncated or corrupt JPEG image cut.jpg (64x48)");
    }

    @Test
    void should_refuse_a_truncated_png() {
        byte[] png = encode(noise(40, 40, 3), "png");
        byte[] cut = Arrays.copyOf(png, png.length / 2);

        assertThatThrownBy(() -> reference.load(cut, "cut.png"))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("truncated or corrupt PNG image cut.png");
    }

    @Test
    void should_report_unknown_empty_and_missing_inputs(@TempDir Path dir) {
        byte[] text = "hello, not an image".getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> reference.load(text, "notes.txt"))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("unrecognised image format in notes.txt (19 bytes, starting 68656c6c6f2c206e)");
        assertThatThrownBy(() -> reference.load(new byte[0], "empty.png"))
                .isInstanceOf(ImageException.class).hasMessage("image empty.png is empty (0 bytes)");
        assertThatThrownBy(() -> reference.load(dir.resolve("nope.png")))
                .isInstanceOf(ImageException.class).hasMessageContaining("image file not found: ")
                .hasMessageContaining("nope.png");
    }

    @Test
    void should_load_from_a_path(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("x.png");
        Files.write(file, Golden.resourceBytes("synthetic/tiny_5x7.png"));

        assertThat(reference.load(file)).isEqualTo(reference.load(Files.readAllBytes(file), "x.png"));
    }

    @Test
    void should_decode_webp_bmp_gif_and_subsampled_jpeg_exactly_like_PIL() {
        int checked = 0;
        for (JsonNode c : Golden.root().get("decode_only")) {
            if (!c.get("exact").asBoolean()) {
                continue;
            }
            String input = c.get("input").asText();
            RgbImage rgb = reference.load(Golden.resourceBytes(input), input);
            assertThat(rgb.width()).as(input).isEqualTo(c.get("width").asInt());
            assertThat(rgb.rgb()).as(input + " RGB bytes vs PIL convert('RGB')")
                    .isEqualTo(Golden.base64(c.get("rgb").get("data")));
            checked++;
        }
        assertThat(checked).isEqualTo(4);
    }

    @Test
    void should_convert_an_adobe_cmyk_jpeg_to_plausible_rgb() {
        RgbImage rgb = reference.load(Golden.resourceBytes("synthetic/cmyk_16x16.jpg"), "cmyk.jpg");

        int[] white = pixel(rgb, 3, 3);
        int[] cyan = pixel(rgb, 12, 3);
        int[] magenta = pixel(rgb, 3, 12);
        int[] black = pixel(rgb, 12, 12);
        assertThat(Arrays.stream(white).min().getAsInt()).as("white").isGreaterThan(220);
        assertThat(cyan[0]).as("cyan: little red").isLessThan(cyan[1] - 60).isLessThan(cyan[2] - 60);
        assertThat(magenta[1]).as("magenta: little green").isLessThan(magenta[0] - 60).isLessThan(magenta[2] - 60);
        assertThat(Arrays.stream(black).max().getAsInt()).as("black").isLessThan(70);
    }

    @Test
    void should_replicate_gray_without_gamma_and_keep_the_high_byte_of_16_bit_samples() {
        BufferedImage gray8 = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        gray8.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 77, 200});
        BufferedImage gray16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        gray16.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {0x12AB, 0xFFFF});

        RgbImage a = reference.load(encode(gray8, "png"), "gray8.png");
        RgbImage b = reference.load(encode(gray16, "png"), "gray16.png");

        assertThat(a.rgb()).containsExactly(0, 0, 0, 77, 77, 77, 200, 200, 200);
        assertThat(b.rgb()).containsExactly(0x12, 0x12, 0x12, 0xFF, 0xFF, 0xFF);
    }

    @Test
    void should_drop_alpha_by_default_and_composite_on_white_when_asked() {
        BufferedImage argb = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x000A141E);   // fully transparent (10, 20, 30)
        argb.setRGB(1, 0, 0x80000000);   // half transparent black
        argb.setRGB(2, 0, 0xFF102030);   // opaque
        byte[] png = encode(argb, "png");
        ImageLoader composite = new ImageLoader(ImageLoader.Options.transformersReference());

        assertThat(reference.load(png, "a.png").rgb()).containsExactly(10, 20, 30, 0, 0, 0, 0x10, 0x20, 0x30);
        assertThat(composite.load(png, "a.png").rgb())
                .containsExactly(255, 255, 255, 127, 127, 127, 0x10, 0x20, 0x30);
    }

    @Test
    void should_composite_alpha_exactly_like_transformers_convert_to_rgb() {
        ImageLoader composite = new ImageLoader(ImageLoader.Options.transformersReference());
        int checked = 0;
        for (JsonNode c : Golden.cases()) {
            if (!c.has("rgb_composite")) {
                continue;
            }
            String input = c.get("input").asText();
            RgbImage rgb = composite.load(Golden.resourceBytes(input), input);
            assertThat(ImageLoader.sha256(rgb.rgb())).as(input + " composited on white vs PIL alpha_composite")
                    .isEqualTo(c.get("rgb_composite").get("sha256").asText());
            checked++;
        }
        assertThat(checked).isPositive();
    }

    @Test
    void should_apply_the_exif_orientation_of_a_jpeg_unless_disabled() {
        BufferedImage img = new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 16, 16);
        g.setColor(Color.BLUE);
        g.fillRect(16, 0, 16, 16);
        g.dispose();
        byte[] jpeg = withExifOrientation(encodeJpeg(img, 1.0f), 6);

        RgbImage upright = new ImageLoader().load(jpeg, "rotated.jpg");
        RgbImage asStored = reference.load(jpeg, "rotated.jpg");

        // orientation 6 = rotate 90 degrees clockwise: the left (red) half ends up on top
        assertThat(new int[] {upright.width(), upright.height()}).containsExactly(16, 32);
        assertThat(pixel(upright, 8, 4)[0]).isGreaterThan(200);
        assertThat(pixel(upright, 8, 28)[2]).isGreaterThan(200);
        assertThat(new int[] {asStored.width(), asStored.height()}).containsExactly(32, 16);
        assertThat(ExifOrientation.read(jpeg)).isEqualTo(6);
        assertThat(ExifOrientation.read(encodeJpeg(img, 1.0f))).isEqualTo(1);
    }

    @Test
    void should_transpose_like_PIL_exif_transpose_for_every_orientation() {
        JsonNode base = Golden.root().get("exif_base");
        RgbImage image = new RgbImage(base.get("width").asInt(), base.get("height").asInt(),
                Golden.base64(base.get("data")));
        for (int o = 1; o <= 8; o++) {
            JsonNode expected = Golden.root().get("exif_orientations").get(String.valueOf(o));
            RgbImage out = ExifOrientation.apply(image, o);
            assertThat(out).as("orientation " + o).isEqualTo(new RgbImage(expected.get("width").asInt(),
                    expected.get("height").asInt(), Golden.base64(expected.get("data"))));
        }
    }

    @Test
    void should_hash_bytes_as_lower_case_sha256_hex() {
        assertThat(ImageLoader.sha256("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    // ---- fixtures built by the tests ----

    private static int[] pixel(RgbImage img, int x, int y) {
        return new int[] {img.get(x, y, 0), img.get(x, y, 1), img.get(x, y, 2)};
    }

    private static BufferedImage noise(int w, int h, long seed) {
        java.util.Random random = new java.util.Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return img;
    }

    private static byte[] encode(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(ImageIO.write(img, format, out)).as("writer for " + format).isTrue();
            return out.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] encodeJpeg(BufferedImage img, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, null), param);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        } finally {
            writer.dispose();
        }
    }

    /** Inserts an APP1 Exif segment holding only IFD0 tag 0x0112 (orientation) right after SOI. */
    static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(26);
        tiff.put(new byte[] {'M', 'M', 0, 42}).putInt(8);          // big-endian TIFF header, IFD0 at offset 8
        tiff.putShort((short) 1);                                   // one entry
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1); // orientation, SHORT, count 1
        tiff.putShort((short) orientation).putShort((short) 0);     // value, padding
        tiff.putInt(0);                                             // no next IFD
        byte[] exif = "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1);
        int length = 2 + exif.length + tiff.capacity();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(exif);
        out.writeBytes(tiff.array());
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** PNG signature + IHDR (valid CRC) for an 8-bit RGB image of the given size, and no pixel data at all. */
    static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        png.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
        return png.array();
    }
}
