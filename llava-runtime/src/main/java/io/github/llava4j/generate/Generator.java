package io.github.llava4j.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The generation loop: prefill, then pick, stream and feed one token at a time until EOS, a stop string or
 * {@code maxNewTokens}.
 *
 * <p>Contract: {@code source} holds a prepared prompt and is advanced by this call (its prefill once, then one
 * {@code step} per generated token except the last, which is never fed). {@code listener} is called on this thread
 * once per generated token, in order, after the token is chosen; concatenating its deltas gives exactly the result's
 * text. The EOS token and any stop string are counted in {@link Usage} but excluded from the text. After each
 * {@code onToken} the listener's {@link GenerationListener#cancelled()} is polled; true ends generation with
 * {@link FinishReason#CANCELLED} and the text streamed so far, without stepping the model again.
 */
public final class Generator {
    private Generator() {}

    /**
     * @param promptIds the prompt's ids, the context of the repetition penalty and of constraint processors
     * @param promptPositions decoder positions of the prompt (images expanded), reported in {@link Usage}
     */
    public static GenerationResult generate(
            LogitsSource source,
            TokenTextDecoder decoder,
            GenerationConfig config,
            GenerationListener listener,
            int[] promptIds,
            int promptPositions) {
        List<LogitsProcessor> processors = processors(config);
        Sampler sampler = config.greedy()
                ? Sampler.GREEDY
                : Sampler.categorical(config.seed() != null ? config.seed() : ThreadLocalRandom.current().nextLong());
        StopStrings stops = new StopStrings(config.stopStrings());
        List<TokenInfo> tokens = new ArrayList<>();
        int[] context = Arrays.copyOf(promptIds, promptIds.length + config.maxNewTokens());
        int contextLength = promptIds.length;

        long start = System.nanoTime();
        float[] logits = source.prefill();
        long prefillEnd = System.nanoTime();
        long firstToken = 0;
        FinishReason finish = FinishReason.LENGTH;
        for (int i = 0; i < config.maxNewTokens(); i++) {
            double logSumExp = LogProbs.logSumExp(logits);
            List<TokenInfo.Alternative> top =
                    config.logprobs() > 0 ? LogProbs.top(logits, logSumExp, config.logprobs()) : List.of();
            float[] work = logits.clone();
            int[] contextSoFar = Arrays.copyOf(context, contextLength);
            for (LogitsProcessor processor : processors) {
                processor.process(work, contextSoFar);
            }
            int id = sampler.sample(work);
            if (i == 0) {
                firstToken = System.nanoTime();
            }
            TokenInfo token = new TokenInfo(id, decoder.tokenText(id), logits[id] - logSumExp, top);
            tokens.add(token);
            context[contextLength++] = id;
            if (!config.ignoreEos() && config.eosTokenIds().contains(id)) {
                String tail = stops.append(decoder.flush());
                listener.onToken(stops.matched() ? tail : tail + stops.finish(), token);
                finish = FinishReason.STOP;
                break;
            }
            String delta = stops.append(decoder.push(id));
            if (stops.matched()) {
                listener.onToken(delta, token);
                finish = FinishReason.STOP;
                break;
            }
            if (i == config.maxNewTokens() - 1) {
                delta += stops.append(decoder.flush());
                delta += stops.matched() ? "" : stops.finish();
                listener.onToken(delta, token);
                finish = stops.matched() ? FinishReason.STOP : FinishReason.LENGTH;
                break;
            }
            listener.onToken(delta, token);
            if (listener.cancelled()) {
                finish = FinishReason.CANCELLED;
                break;
            }
            logits = source.step(id);
        }
        long end = System.nanoTime();
        Timings timings = new Timings(
                (prefillEnd - start) / 1_000_000, (end - firstToken) / 1_000_000, (firstToken - start) / 1_000_000);
        return new GenerationResult(
                // A cancelled answer ends with what was streamed; held-back text might have begun a stop string.
                finish == FinishReason.CANCELLED ? stops.releasedText() : stops.text(), tokens, finish, new Usage(promptPositions, tokens.size()), timings);
    }

    /** Penalty first, then the caller's processors (constraints), then the sampling warpers, as transformers. */
    private static List<LogitsProcessor> processors(GenerationConfig config) {
        List<LogitsProcessor> processors = new ArrayList<>();
        if (config.repetitionPenalty() != 1.0) {
            processors.add(new RepetitionPenalty(config.repetitionPenalty()));
        }
        processors.addAll(config.processors());
        if (!config.greedy()) {
            processors.add(new Temperature(config.temperature()));
            if (config.topK() > 0) {
                processors.add(new TopK(config.topK()));
            }
            if (config.topP() < 1.0) {
                processors.add(new TopP(config.topP()));
            }
        }
        return processors;
    }
}
