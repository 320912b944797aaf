package io.github.llava4j.config;

import java.util.List;

/** generation_config.json: the special ids generation needs; sampling settings come from the caller. */
public record GenerationDefaults(int bosTokenId, List<Integer> eosTokenIds, int padTokenId) {
    public GenerationDefaults {
        eosTokenIds = List.copyOf(eosTokenIds);
        if (eosTokenIds.isEmpty()) {
            throw new ConfigException("generation_config.json: eos_token_id must name at least one token");
        }
    }
}
