package io.github.llava4j.finetune.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.llava4j.io.LlavaLoader;
import io.github.llava4j.model.Linear;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Creates the LoRA adapters of one model while it loads ({@link #hook()}), and keeps them: their arrays are the
 * trainable parameters, named {@code lora_A.<layer>} and {@code lora_B.<layer>}.
 */
public final class LoraLayers {
    private final LoraConfig config;
    private final NDManager manager;
    private final SplittableRandom init;
    private final LoraDropout dropout;
    private final List<LoraAdapter> adapters = new ArrayList<>();

    /**
     * @param manager where the adapter arrays live (the model's weights manager, so they share its device)
     * @param seed initialisation seed of the A matrices
     */
    public LoraLayers(LoraConfig config, NDManager manager, long seed) {
        this.config = config;
        this.manager = manager;
        this.init = new SplittableRandom(seed);
        this.dropout = new LoraDropout(config.dropout());
    }

    public LoraConfig config() {
        return config;
    }

    public LoraDropout dropout() {
        return dropout;
    }

    /** The adapters created so far, in load order. */
    public List<LoraAdapter> adapters() {
        return Collections.unmodifiableList(adapters);
    }

    /** A loader hook that wraps every targeted language-model linear layer with a new adapter. */
    public LlavaLoader.LinearHook hook() {
        return (name, linear) -> config.targets(name) ? adapt(name, linear) : linear;
    }

    private Linear adapt(String name, Linear linear) {
        int in = Math.toIntExact(linear.inFeatures());
        int out = Math.toIntExact(linear.outFeatures());
        int r = config.rank();
        // PEFT: A ~ kaiming_uniform(a = sqrt(5)), i.e. U(-1/sqrt(in), 1/sqrt(in)); B = 0, so the adapter starts as a no-op
        float bound = (float) (1.0 / Math.sqrt(in));
        float[] a = new float[r * in];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((init.nextDouble() * 2 - 1) * bound);
        }
        NDArray aArray = manager.create(a, new Shape(r, in));
        NDArray bArray = manager.zeros(new Shape(out, r));
        LoraAdapter adapter = new LoraAdapter(name, aArray, bArray, config.scale(), dropout);
        adapters.add(adapter);
        return linear.withAdapter(adapter);
    }
}
