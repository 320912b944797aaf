package io.github.llava4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.data.image.Image;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.TimeoutException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageContentResolverTest {
    static final byte[] PNG = TestImages.png(1);
    static HttpServer server;

    @BeforeAll
    static void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/image.png", exchange -> {
            exchange.sendResponseHeaders(200, PNG.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(PNG);
            }
        });
        server.createContext("/chunked.png", exchange -> {
            exchange.sendResponseHeaders(200, 0); // no Content-Length: chunked
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(PNG);
            }
        });
        server.createContext("/slow.png", exchange -> {
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, PNG.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(PNG);
            } catch (IOException ignored) {
                // the client gave up
            }
        });
        server.createContext("/missing.png", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    static URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    static Image urlImage(URI url) {
        return Image.builder().url(url).build();
    }

    final ImageContentResolver resolver = ImageContentResolver.withDefaults();

    @Test
    void should_decode_base64_data() {
        Image image = Image.builder().base64Data(Base64.getEncoder().encodeToString(PNG)).mimeType("image/png").build();
        assertThat(resolver.resolve(image)).isEqualTo(PNG);
    }

    @Test
    void should_decode_base64_and_percent_encoded_data_urls() {
        URI base64 = URI.create("data:image/png;base64," + Base64.getEncoder().encodeToString(PNG));
        assertThat(resolver.resolve(urlImage(base64))).isEqualTo(PNG);
        assertThat(resolver.resolve(urlImage(URI.create("data:text/plain,a%20b")))).isEqualTo("a b".getBytes());
    }

    @Test
    void should_read_file_urls(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("photo.png"), PNG);
        assertThat(resolver.resolve(urlImage(file.toUri()))).isEqualTo(PNG);
        assertThatThrownBy(() -> resolver.resolve(urlImage(dir.resolve("absent.png").toUri())))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("absent.png");
    }

    @Test
    void should_fetch_http_urls_with_and_without_content_length() {
        assertThat(resolver.resolve(urlImage(url("/image.png")))).isEqualTo(PNG);
        assertThat(resolver.resolve(urlImage(url("/chunked.png")))).isEqualTo(PNG);
    }

    @Test
    void should_fail_clearly_on_http_errors_and_timeouts() {
        assertThatThrownBy(() -> resolver.resolve(urlImage(url("/missing.png"))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("HTTP 404");
        ImageContentResolver impatient = new ImageContentResolver(Duration.ofMillis(300), 1 << 20);
        assertThatThrownBy(() -> impatient.resolve(urlImage(url("/slow.png"))))
                .isInstanceOf(TimeoutException.class)
                .hasMessageContaining("timed out");
    }

    @Test
    void should_refuse_images_over_the_size_limit_from_every_source(@TempDir Path dir) throws IOException {
        ImageContentResolver small = new ImageContentResolver(Duration.ofSeconds(5), 100);
        Path file = Files.write(dir.resolve("big.png"), PNG);
        Image base64 = Image.builder().base64Data(Base64.getEncoder().encodeToString(PNG)).build();
        for (Image image : new Image[] {base64, urlImage(file.toUri()), urlImage(url("/image.png")),
                urlImage(url("/chunked.png"))}) {
            assertThatThrownBy(() -> small.resolve(image))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("more than the limit of 100 bytes");
        }
    }

    @Test
    void should_refuse_unknown_schemes_and_bad_base64() {
        assertThatThrownBy(() -> resolver.resolve(urlImage(URI.create("ftp://example.com/a.png"))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("unsupported scheme 'ftp'");
        assertThatThrownBy(() -> resolver.resolve(Image.builder().base64Data("@@not base64@@").build()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("not valid base64");
    }
}
