package io.github.llava4j;

import ai.djl.Device;

/** The device names llava4j accepts everywhere (load options, CLIs, trainers): {@code cpu}, {@code gpu}, {@code gpu:N}. */
public final class Devices {
    private Devices() {}

    /**
     * @throws IllegalArgumentException for any other name
     */
    public static Device parse(String name) {
        if (name.equals("cpu")) {
            return Device.cpu();
        }
        if (!name.matches("gpu(:\\d+)?")) {
            throw new IllegalArgumentException("device must be cpu, gpu or gpu:N, got '" + name + "'");
        }
        return Device.gpu(name.contains(":") ? Integer.parseInt(name.substring(name.indexOf(':') + 1)) : 0);
    }
}
