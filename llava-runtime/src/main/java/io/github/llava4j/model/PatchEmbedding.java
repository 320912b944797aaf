package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * CLIP's embeddings: a stride-p convolution without bias (done as unfold-to-patches + {@link Linear}), a class token
 * prepended, learned absolute positions added.
 *
 * <p>Patches are flattened row-major (row = y, column = x), as PyTorch's {@code flatten(2)} of the conv output.
 */
public final class PatchEmbedding {
    private final Linear projection; // weight [D, C·p·p], the conv kernel flattened in (c, ky, kx) order
    private final NDArray classEmbedding; // [D] f32
    private final NDArray positionEmbedding; // [P+1, D] f32
    private final int patchSize;

    /**
     * @param projection the conv weight {@code [D, C, p, p]} reshaped to {@code [D, C·p·p]}
     */
    public PatchEmbedding(Linear projection, NDArray classEmbedding, NDArray positionEmbedding, int patchSize) {
        this.projection = projection;
        this.classEmbedding = classEmbedding;
        this.positionEmbedding = positionEmbedding;
        this.patchSize = patchSize;
    }

    /** Pixels {@code [N, C, S, S]} to embeddings {@code [N, 1 + (S/p)², D]} (CLS first). */
    public NDArray forward(NDArray pixels) {
        long n = pixels.getShape().get(0);
        long c = pixels.getShape().get(1);
        long grid = pixels.getShape().get(2) / patchSize;
        long d = projection.outFeatures();
        NDArray patches = pixels.reshape(n, c, grid, patchSize, grid, patchSize) // [N, C, gy, p, gx, p]
                .transpose(0, 2, 4, 1, 3, 5) // [N, gy, gx, C, p, p]
                .reshape(n, grid * grid, c * patchSize * patchSize);
        NDArray embedded = projection.forward(patches); // [N, g², D]
        NDArray cls = classEmbedding.reshape(1, 1, d).repeat(0, n); // [N, 1, D]
        NDArray withCls = cls.concat(embedded, 1); // [N, g²+1, D]
        long positions = withCls.getShape().get(1);
        NDArray pos = positionEmbedding.get(new NDIndex(":{}", positions));
        return withCls.addi(pos);
    }
}
