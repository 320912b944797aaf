package io.github.llava4j.config;

import io.github.llava4j.CheckpointException;

/** A config.json / preprocessor_config.json value is missing or invalid; the message names the file and field. */
public class ConfigException extends CheckpointException {
    public ConfigException(String message) {
        super(message);
    }
}
