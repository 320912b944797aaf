package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;

/** CLIP's bidirectional multi-head self-attention: q/k/v/out projections with biases, no mask. */
public final class ClipAttention {
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear out;
    private final int heads;

    public ClipAttention(Linear q, Linear k, Linear v, Linear out, int heads) {
        this.q = q;
        this.k = k;
        this.v = v;
        this.out = out;
        this.heads = heads;
    }

    /** {@code [N, P, D]} to {@code [N, P, D]}. */
    public NDArray forward(NDArray x) {
        long n = x.getShape().get(0);
        long p = x.getShape().get(1);
        long d = x.getShape().get(2);
        long hd = d / heads;
        double scale = Math.pow(hd, -0.5);
        try (NDArray qp = q.forward(x);
                NDArray qs = Scalars.mul(qp, scale);
                NDArray qh = splitHeads(qs, n, p, hd); // [N, H, P, hd]
                NDArray kp = k.forward(x);
                NDArray kh = splitHeads(kp, n, p, hd);
                NDArray kt = kh.transpose(0, 1, 3, 2); // [N, H, hd, P]
                NDArray vp = v.forward(x);
                NDArray vh = splitHeads(vp, n, p, hd);
                NDArray scores = qh.matMul(kt); // [N, H, P, P]
                NDArray probs = scores.softmax(-1);
                NDArray context = probs.matMul(vh); // [N, H, P, hd]
                NDArray merged = context.transpose(0, 2, 1, 3).reshape(n, p, d)) {
            return out.forward(merged);
        }
    }

    private NDArray splitHeads(NDArray x, long n, long p, long hd) {
        try (NDArray split = x.reshape(n, p, heads, hd)) {
            return split.transpose(0, 2, 1, 3);
        }
    }
}
