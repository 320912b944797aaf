package io.github.llava4j.config;

/** The LLaMA / Vicuna language model of a LLaVA checkpoint ({@code text_config} in config.json). */
public record LlamaTextConfig(
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int vocabSize,
        int maxPositionEmbeddings,
        double rmsNormEps,
        double ropeTheta,
        int bosTokenId,
        int eosTokenId,
        boolean tieWordEmbeddings) {

    public LlamaTextConfig {
        Checks.positive("text_config.hidden_size", hiddenSize);
        Checks.positive("text_config.intermediate_size", intermediateSize);
        Checks.positive("text_config.num_hidden_layers", numHiddenLayers);
        Checks.positive("text_config.num_attention_heads", numAttentionHeads);
        Checks.positive("text_config.num_key_value_heads", numKeyValueHeads);
        Checks.positive("text_config.vocab_size", vocabSize);
        Checks.positive("text_config.max_position_embeddings", maxPositionEmbeddings);
        Checks.positive("text_config.rms_norm_eps", rmsNormEps);
        Checks.positive("text_config.rope_theta", ropeTheta);
        Checks.divides("text_config.num_attention_heads", numAttentionHeads, "text_config.hidden_size", hiddenSize);
        Checks.divides(
                "text_config.num_key_value_heads",
                numKeyValueHeads,
                "text_config.num_attention_heads",
                numAttentionHeads);
        if (headDimOf(hiddenSize, numAttentionHeads) % 2 != 0) {
            throw new ConfigException("text_config: head dim hidden_size/num_attention_heads = "
                    + headDimOf(hiddenSize, numAttentionHeads) + " must be even for rotary embeddings");
        }
    }

    private static int headDimOf(int hidden, int heads) {
        return hidden / heads;
    }

    public int headDim() {
        return headDimOf(hiddenSize, numAttentionHeads);
    }

    /** Width of one K or V row over all KV heads: num_key_value_heads * head_dim. */
    public int kvDim() {
        return numKeyValueHeads * headDim();
    }

    /** Query heads that share one K/V head (1 without grouped-query attention). */
    public int queriesPerKvHead() {
        return numAttentionHeads / numKeyValueHeads;
    }
}
