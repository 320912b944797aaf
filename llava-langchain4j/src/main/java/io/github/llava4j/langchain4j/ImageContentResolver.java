package io.github.llava4j.langchain4j;

import dev.langchain4j.data.image.Image;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.TimeoutException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;

/**
 * Turns a LangChain4j {@link Image} into the encoded bytes the runtime decodes (PNG, JPEG, WebP, ...): inline base64
 * data, {@code data:} URLs, {@code file:} URLs, and {@code http(s):} URLs fetched with a timeout and a size limit.
 * Every source is held to the same size limit, so one huge image cannot exhaust the heap. Thread-safe.
 */
public final class ImageContentResolver {
    /** Default bound of one image: 20 MiB, well above any photo LLaVA would see (it is resized to 336 px). */
    public static final long DEFAULT_MAX_IMAGE_BYTES = 20L << 20;

    public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(30);

    private final Duration httpTimeout;
    private final long maxImageBytes;
    private final HttpClient http;

    public ImageContentResolver(Duration httpTimeout, long maxImageBytes) {
        if (httpTimeout.isNegative() || httpTimeout.isZero()) {
            throw new IllegalArgumentException("httpTimeout must be > 0, got " + httpTimeout);
        }
        if (maxImageBytes <= 0) {
            throw new IllegalArgumentException("maxImageBytes must be > 0, got " + maxImageBytes);
        }
        this.httpTimeout = httpTimeout;
        this.maxImageBytes = maxImageBytes;
        this.http = HttpClient.newBuilder()
                .connectTimeout(httpTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    public static ImageContentResolver withDefaults() {
        return new ImageContentResolver(DEFAULT_HTTP_TIMEOUT, DEFAULT_MAX_IMAGE_BYTES);
    }

    /** The image's encoded bytes; fails with {@link InvalidRequestException} naming the source and the reason. */
    public byte[] resolve(Image image) {
        if (image.base64Data() != null && !image.base64Data().isBlank()) {
            return checked(decodeBase64(image.base64Data(), "the image's base64 data"), "the image's base64 data");
        }
        URI url = image.url();
        if (url == null) {
            throw new InvalidRequestException("an ImageContent has neither base64 data nor a URL");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "data" -> dataUrl(url.toString());
            case "file" -> file(url);
            case "http", "https" -> fetch(url);
            default -> throw new InvalidRequestException("image URL " + abbreviate(url.toString())
                    + ": unsupported scheme '" + scheme + "'; expected data:, file:, http: or https:");
        };
    }

    private byte[] dataUrl(String url) {
        int comma = url.indexOf(',');
        if (comma < 0) {
            throw new InvalidRequestException("data URL " + abbreviate(url) + " has no ',' before its data");
        }
        String header = url.substring("data:".length(), comma);
        String payload = url.substring(comma + 1);
        if (header.toLowerCase(Locale.ROOT).endsWith(";base64")) {
            return checked(decodeBase64(payload, "data URL " + abbreviate(url)), "data URL " + abbreviate(url));
        }
        // Percent-encoded bytes; ISO-8859-1 keeps each %XX as one byte.
        return checked(URLDecoder.decode(payload, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1),
                "data URL " + abbreviate(url));
    }

    private byte[] file(URI url) {
        Path path;
        try {
            path = Path.of(url);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("image URL " + url + " is not a valid file path: " + e.getMessage(), e);
        }
        try {
            long size = Files.size(path);
            if (size > maxImageBytes) {
                throw tooLarge("image file " + path, size);
            }
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new InvalidRequestException("cannot read image file " + path + ": " + e, e);
        }
    }

    private byte[] fetch(URI url) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(httpTimeout).GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() / 100 != 2) {
                    throw new InvalidRequestException("fetching image " + url + " failed: HTTP " + response.statusCode());
                }
                long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (declared > maxImageBytes) {
                    throw tooLarge("image " + url, declared);
                }
                // Content-Length may be absent or wrong: read at most one byte past the limit to know.
                byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxImageBytes + 1));
                if (bytes.length > maxImageBytes) {
                    throw tooLarge("image " + url, bytes.length);
                }
                return bytes;
            }
        } catch (HttpTimeoutException e) {
            throw new TimeoutException("fetching image " + url + " timed out after " + httpTimeout, e);
        } catch (IOException e) {
            throw new InvalidRequestException("fetching image " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvalidRequestException("fetching image " + url + " was interrupted", e);
        }
    }

    private static byte[] decodeBase64(String data, String what) {
        try {
            return Base64.getMimeDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(what + " is not valid base64: " + e.getMessage(), e);
        }
    }

    private byte[] checked(byte[] bytes, String what) {
        if (bytes.length > maxImageBytes) {
            throw tooLarge(what, bytes.length);
        }
        if (bytes.length == 0) {
            throw new InvalidRequestException(what + " is empty");
        }
        return bytes;
    }

    private InvalidRequestException tooLarge(String what, long size) {
        return new InvalidRequestException(what + " is " + size + " bytes, more than the limit of " + maxImageBytes
                + " bytes (maxImageBytes)");
    }

    private static String abbreviate(String url) {
        return url.length() <= 60 ? url : url.substring(0, 57) + "...";
    }
}
