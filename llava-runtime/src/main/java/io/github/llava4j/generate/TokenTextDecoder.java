package io.github.llava4j.generate;

/** Turns generated ids into text incrementally without splitting a UTF-8 character. */
public interface TokenTextDecoder {
    /** Text that became complete with this token (possibly empty). */
    String push(int tokenId);

    /** Whatever is still held back at the end. */
    String flush();

    /** The token's own text, for {@link TokenInfo#text()}. */
    String tokenText(int tokenId);
}
