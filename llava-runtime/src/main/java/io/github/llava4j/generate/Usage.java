package io.github.llava4j.generate;

/**
 * @param promptTokens decoder positions of the prompt (images expanded to their feature rows)
 * @param completionTokens tokens generated, the final EOS included
 */
public record Usage(int promptTokens, int completionTokens) {}
