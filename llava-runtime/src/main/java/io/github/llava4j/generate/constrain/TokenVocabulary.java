package io.github.llava4j.generate.constrain;

import io.github.llava4j.text.LlavaTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Every token's bytes, read once and arranged as a byte trie, so that a constraint can test the whole vocabulary by
 * walking the trie (tokens sharing a prefix share the work; a rejected byte prunes every token below it).
 *
 * <p>Immutable and thread-safe. Building one reads the whole vocabulary (a few ms for 32000 tokens), so build it once
 * per tokenizer and share it between requests; the per-request {@link JsonConstraint}s then cost nothing to make.
 */
public final class TokenVocabulary {
    private final int size;
    private final byte[][] bytes;
    private final Set<Integer> eosIds;
    /** Trie node n: its children's bytes and node indices, and the tokens whose bytes end exactly at n. */
    final byte[][] childBytes;
    final int[][] childNodes;
    final int[][] tokensAt;

    private TokenVocabulary(int size, byte[][] bytes, Set<Integer> eosIds) {
        this.size = size;
        this.bytes = bytes;
        this.eosIds = Set.copyOf(eosIds);
        // Edges keyed by node * 256 + byte while building (a 256-slot table per node would take ~1 KiB a node).
        Map<Integer, Integer> edges = new HashMap<>();
        List<List<Integer>> ends = new ArrayList<>();
        ends.add(new ArrayList<>());
        for (int id = 0; id < size; id++) {
            byte[] token = bytes[id];
            if (token.length == 0) {
                continue;
            }
            int node = 0;
            for (byte value : token) {
                int key = node * 256 + (value & 0xFF);
                Integer child = edges.get(key);
                if (child == null) {
                    child = ends.size();
                    ends.add(new ArrayList<>());
                    edges.put(key, child);
                }
                node = child;
            }
            ends.get(node).add(id);
        }
        int nodes = ends.size();
        int[] counts = new int[nodes];
        for (int key : edges.keySet()) {
            counts[key / 256]++;
        }
        childBytes = new byte[nodes][];
        childNodes = new int[nodes][];
        tokensAt = new int[nodes][];
        for (int n = 0; n < nodes; n++) {
            childBytes[n] = new byte[counts[n]];
            childNodes[n] = new int[counts[n]];
            tokensAt[n] = ends.get(n).stream().mapToInt(Integer::intValue).toArray();
        }
        int[] filled = new int[nodes];
        for (Map.Entry<Integer, Integer> edge : edges.entrySet()) {
            int node = edge.getKey() / 256;
            childBytes[node][filled[node]] = (byte) (edge.getKey() % 256);
            childNodes[node][filled[node]++] = edge.getValue();
        }
    }

    /** The vocabulary of a LLaVA tokenizer; its EOS token ends a constrained answer. */
    public static TokenVocabulary of(LlavaTokenizer tokenizer) {
        return of(tokenizer.vocabSize(), tokenizer::tokenBytes, Set.of(tokenizer.eosId()));
    }

    /**
     * @param tokenBytes the exact bytes a token adds to the answer; empty for special tokens (never allowed)
     * @param eosIds tokens allowed, alone, once the value is complete
     */
    public static TokenVocabulary of(int size, IntFunction<byte[]> tokenBytes, Set<Integer> eosIds) {
        if (size <= 0) {
            throw new IllegalArgumentException("vocabulary size must be > 0, got " + size);
        }
        if (eosIds.isEmpty()) {
            throw new IllegalArgumentException("at least one EOS id is needed to end a constrained answer");
        }
        for (int eos : eosIds) {
            if (eos < 0 || eos >= size) {
                throw new IllegalArgumentException("EOS id " + eos + " is outside the vocabulary [0, " + size + ")");
            }
        }
        byte[][] bytes = new byte[size][];
        for (int id = 0; id < size; id++) {
            byte[] b = tokenBytes.apply(id);
            bytes[id] = eosIds.contains(id) || b == null ? new byte[0] : Arrays.copyOf(b, b.length);
        }
        return new TokenVocabulary(size, bytes, eosIds);
    }

    public int size() {
        return size;
    }

    public Set<Integer> eosIds() {
        return eosIds;
    }

    /** The token's bytes (do not modify). */
    byte[] bytes(int id) {
        return bytes[id];
    }
}
