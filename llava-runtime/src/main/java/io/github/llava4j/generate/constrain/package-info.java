/**
 * Grammar-constrained JSON decoding: the answer always parses as JSON and matches a schema, because every token that
 * cannot continue such a value is masked out before sampling. LLaVA has no JSON mode or tool calling of its own; this
 * package is the runtime half of both (structured output and tool calls are built on it), independent of any
 * framework.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link io.github.llava4j.generate.constrain.JsonShape}: the supported JSON Schema subset (object, array,
 *       string with optional enum, number, integer, boolean, null, anyOf, any value, free-form object), built by hand
 *       or read with {@code JsonShape.fromSchema(JsonNode)}, which names the place of any unsupported keyword.</li>
 *   <li>{@link io.github.llava4j.generate.constrain.JsonRecognizer}: an immutable byte-level pushdown recogniser;
 *       {@code accept(b)} returns the next state or null, {@code isComplete()}, {@code minRemaining()} (fewest bytes
 *       to finish the value). anyOf keeps one stack per alternative that still fits.</li>
 *   <li>{@link io.github.llava4j.generate.constrain.TokenVocabulary}: every token's bytes in a byte trie, built once
 *       per tokenizer and shared.</li>
 *   <li>{@link io.github.llava4j.generate.constrain.JsonConstraint}: the {@code LogitsProcessor}; one per
 *       generation.</li>
 * </ul>
 *
 * <h2>Canonical layout</h2>
 * To keep the grammar small and the model on track, the value is written compactly: no whitespace anywhere except
 * one optional space after ':' and after ',' (both are what LLaMA tokenizers produce naturally, e.g. {@code ": "}),
 * and one optional space before the whole value (the "▁{" token; the decoder drops that space from the text).
 * Objects list <em>every</em> schema property, optional ones included, exactly in schema order, and no other key;
 * keys are forced byte by byte. Strings take raw bytes &gt;= 0x20 except '"' and '\', which must be well-formed
 * UTF-8 (a token may end mid-character; the recogniser tracks the continuation bytes due), plus the JSON escapes.
 * Enum values are matched as their canonical JSON text. Numbers follow the JSON grammar; integers take no fraction
 * or exponent.
 *
 * <h2>The mask</h2>
 * Each step the constraint walks the vocabulary trie from its current state: a byte the recogniser rejects prunes
 * every token below it, and tokens sharing a prefix share the work (immutable states make the "copy" free). Plain
 * text inside a string does not change the state, so the common case costs one comparison per trie edge; a step over
 * a 32000-token vocabulary takes about 2-4 ms. Special tokens (no bytes) are never allowed; once the value is
 * complete, EOS is the <em>only</em> allowed token, so generation stops right after the value (a top-level number
 * therefore ends at its first complete form).
 *
 * <h2>Token budget</h2>
 * Given the request's {@code maxNewTokens}, the constraint also removes a token when the value could no longer be
 * closed in the tokens left after it: it needs {@code minRemaining()} more tokens (one byte per token, which LLaMA's
 * byte-fallback vocabulary always offers) plus one for EOS. By induction some token always qualifies, so even a random
 * model ends with a valid value and {@code FinishReason.STOP}; strings and numbers are cut short, never left open.
 * Without a budget the caller must leave the model enough tokens.
 *
 * <h2>State</h2>
 * A {@code JsonConstraint} follows one answer: the first {@code process} call takes the context's length as the
 * prompt length, later calls feed it the ids generated since. Create one per request; reusing one fails loudly when
 * the next answer does not continue the old one.
 */
package io.github.llava4j.generate.constrain;
