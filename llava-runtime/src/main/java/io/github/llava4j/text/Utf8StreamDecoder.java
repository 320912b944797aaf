package io.github.llava4j.text;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns generated ids into text one token at a time without ever splitting a UTF-8 character: byte-fallback tokens
 * ({@code <0xF0>}, {@code <0x9F>}, ...) are held until their character is complete. As the tokenizer's decoder, it
 * drops the single space that starts the answer ("▁The" at the start decodes to "The"). Bytes that can never form
 * a character become one U+FFFD each, as in the tokenizer's ByteFallback decoder.
 *
 * <p>The concatenation of every {@link #push} and {@link #flush} equals {@link LlavaTokenizer#decode} of the same ids
 * whenever each run of byte tokens is valid UTF-8 (what a model emits), or is an invalid byte or an unfinished
 * character. One known difference: the tokenizer turns a whole run to U+FFFD when any byte of it is invalid, while
 * this decoder has already emitted the run's complete characters before the bad byte (it cannot know the future).
 *
 * <p>Not thread-safe: one per answer.
 */
public final class Utf8StreamDecoder {
    private final LlavaTokenizer tokenizer;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private boolean started;

    Utf8StreamDecoder(LlavaTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Text completed by this token (possibly empty). */
    public String push(int tokenId) {
        pending.writeBytes(tokenizer.tokenBytes(tokenId));
        return drain(false);
    }

    /** Whatever is still held back at the end (incomplete characters as U+FFFD). */
    public String flush() {
        return drain(true);
    }

    private String drain(boolean endOfInput) {
        byte[] bytes = pending.toByteArray();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(2 * bytes.length + 1);
        utf8.reset();
        while (true) {
            CoderResult result = utf8.decode(in, out, endOfInput);
            if (result.isUnderflow()) {
                break;
            }
            // As the tokenizer's ByteFallback decoder: one U+FFFD per byte that cannot form a character.
            for (int i = 0; i < result.length(); i++) {
                out.put('\uFFFD');
            }
            in.position(in.position() + result.length());
        }
        if (endOfInput) {
            utf8.flush(out);
        }
        // Without end of input, an incomplete character at the end stays in `in`: keep it for the next token.
        pending.reset();
        pending.write(bytes, in.position(), in.remaining());
        out.flip();
        String text = out.toString();
        if (!started && !text.isEmpty()) {
            started = true;
            if (text.charAt(0) == ' ') {
                text = text.substring(1);
            }
        }
        return text;
    }
}
