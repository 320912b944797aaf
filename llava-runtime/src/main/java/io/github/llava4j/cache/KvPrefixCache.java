package io.github.llava4j.cache;

import io.github.llava4j.model.KvCache;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps the KV caches of recently finished sequences so that a new request sharing a prefix with one of them (the
 * next turn of a conversation, or another question about the same image under the same system prompt) prefills only
 * what is new: the decoder state of the shared prefix, image positions included, is reused instead of recomputed.
 *
 * <p>An entry is leased exclusively: {@link #lease} removes the best match, so two requests never advance the same
 * cache; {@link #offer} puts a cache back after its request. Least recently offered entries beyond the bound are
 * closed. Thread-safe (all methods synchronized; they do no tensor work).
 */
public final class KvPrefixCache implements AutoCloseable {
    private final int maxEntries;
    private final LinkedList<Entry> entries = new LinkedList<>(); // most recent first
    private long reusedPositions;
    private long leases;
    private long hits;

    /**
     * What occupies the positions of a cached sequence: token ids with one placeholder per image, the images' keys
     * in order, and how many decoder rows one image fills.
     */
    public record Content(int[] ids, List<ImageKey> images, int imageTokenId, int imageSeqLength) {
        public Content {
            ids = ids.clone();
            images = List.copyOf(images);
        }

        /** Decoder positions this content occupies (each image placeholder stands for imageSeqLength rows). */
        public int expandedLength() {
            int length = 0;
            for (int id : ids) {
                length += id == imageTokenId ? imageSeqLength : 1;
            }
            return length;
        }

        /**
         * Decoder positions shared with {@code other} from the start: equal token ids one by one, equal images
         * (same key) as whole blocks; stops at the first difference.
         */
        public int commonPrefix(Content other) {
            if (imageTokenId != other.imageTokenId || imageSeqLength != other.imageSeqLength) {
                return 0;
            }
            int positions = 0;
            int image = 0;
            for (int i = 0; i < Math.min(ids.length, other.ids.length); i++) {
                if (ids[i] != other.ids[i]) {
                    break;
                }
                if (ids[i] == imageTokenId) {
                    if (image >= images.size()
                            || image >= other.images.size()
                            || !images.get(image).equals(other.images.get(image))) {
                        break;
                    }
                    image++;
                    positions += imageSeqLength;
                } else {
                    positions++;
                }
            }
            return positions;
        }
    }

    /** A leased cache whose first {@code reusable} positions already hold the shared prefix. */
    public record Lease(KvCache cache, int reusable) {}

    public record Stats(long leases, long hits, long reusedPositions, int entries) {}

    private record Entry(Content content, KvCache cache) {}

    public KvPrefixCache(int maxEntries) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries must be >= 0, got " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    /**
     * Takes the cached sequence sharing the longest prefix with {@code prompt}, truncated to that prefix, if it has
     * room for {@code capacityNeeded} positions. At least one position of the prompt is always left to prefill (the
     * logits of the last prompt position are needed), and a shared image is never cut in half.
     */
    public synchronized Optional<Lease> lease(Content prompt, int capacityNeeded) {
        leases++;
        Entry best = null;
        int bestLength = 0;
        for (Entry entry : entries) {
            int shared = Math.min(entry.content.commonPrefix(prompt), entry.cache.position());
            if (shared > bestLength && entry.cache.capacity() >= capacityNeeded) {
                best = entry;
                bestLength = shared;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        int reusable = leaveOnePosition(prompt, bestLength);
        if (reusable <= 0) {
            return Optional.empty();
        }
        entries.remove(best);
        best.cache.truncate(reusable);
        hits++;
        reusedPositions += reusable;
        return Optional.of(new Lease(best.cache, reusable));
    }

    /** Returns a cache after a request; {@code content} describes exactly the positions the cache holds. */
    public synchronized void offer(Content content, KvCache cache) {
        Objects.requireNonNull(cache, "cache");
        if (maxEntries == 0 || content.expandedLength() != cache.position()) {
            cache.close();
            return;
        }
        entries.addFirst(new Entry(content, cache));
        while (entries.size() > maxEntries) {
            entries.removeLast().cache.close();
        }
    }

    public synchronized Stats stats() {
        return new Stats(leases, hits, reusedPositions, entries.size());
    }

    /** Frees every cached sequence. */
    public synchronized void clear() {
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            it.next().cache.close();
            it.remove();
        }
    }

    @Override
    public void close() {
        clear();
    }

    /** Backs off from the full prompt (last position must be recomputed) and out of a partly shared image. */
    private static int leaveOnePosition(Content prompt, int shared) {
        int target = Math.min(shared, prompt.expandedLength() - 1);
        List<Integer> boundaries = new ArrayList<>();
        int position = 0;
        for (int id : prompt.ids) {
            boundaries.add(position);
            position += id == prompt.imageTokenId ? prompt.imageSeqLength : 1;
        }
        boundaries.add(position);
        int best = 0;
        for (int boundary : boundaries) {
            if (boundary <= target) {
                best = boundary;
            }
        }
        return best;
    }
}
