/**
 * Image input: bytes to the vision tower's pixel values, matching the PIL-based reference pipelines exactly.
 *
 * <pre>
 * byte[] / Path --ImageLoader--> RgbImage --ImagePreprocessor--> PixelValues [3, H, W] float32
 *                 (size guard, decode,       (PAD: expand2square; resize shortest edge with
 *                  EXIF, 8-bit RGB)           BicubicResampler; center crop; rescale; normalize)
 * </pre>
 *
 * <p>Parity (measured by the golden tests against PIL 9.4 + numpy, tools/reference/preprocess_golden.py): decoding
 * of PNG/JPEG (4:4:4 and 4:2:0)/WebP/BMP/GIF byte-identical to PIL's {@code convert('RGB')}, bicubic resizes
 * byte-identical to {@code Image.resize(..., BICUBIC)}, final pixel values bit-identical in float32. Known
 * deliberate differences: EXIF orientation is applied by default (option), CMYK JPEGs are colour-managed to sRGB
 * rather than PIL's naive formula, and 16-bit grayscale keeps its high byte where PIL clips.
 */
package io.github.llava4j.image;
