package dev.trellis.agent.controlclient;

import dev.trellis.proto.key.MachinePublicKey;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fetches the coordinator's static public key: {@code GET <url>/control/v1/key} answers {@code
 * {"controlKey":"mkey:<hex>","capabilityVersion":N}}. The caller pins the key on first use and
 * refuses a changed one.
 *
 * <p>Thread-safety: thread-safe (the JDK HttpClient is).
 */
public final class ControlKeyFetcher {
  private static final Pattern KEY =
      Pattern.compile("\"controlKey\"\\s*:\\s*\"(mkey:[0-9a-fA-F]{64})\"");
  private static final int MAX_BODY = 16 * 1024;

  private final HttpClient http;

  public ControlKeyFetcher(HttpClient http) {
    this.http = http;
  }

  /** The server's control key; an IOException that names the URL on any failure. */
  public MachinePublicKey fetch(ControlServerUrl url) throws IOException {
    HttpRequest req =
        HttpRequest.newBuilder(url.keyUri()).timeout(Duration.ofSeconds(15)).GET().build();
    HttpResponse<byte[]> resp;
    try {
      resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + url.keyUri(), e);
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new IOException("cannot reach the login server at " + url.keyUri() + ": " + why, e);
    }
    if (resp.statusCode() != 200) {
      throw new IOException(url.keyUri() + " answered HTTP " + resp.statusCode());
    }
    byte[] body = resp.body();
    return parse(
        new String(
            body, 0, Math.min(body.length, MAX_BODY), java.nio.charset.StandardCharsets.UTF_8),
        url);
  }

  static MachinePublicKey parse(String body, ControlServerUrl url) throws IOException {
    Matcher m = KEY.matcher(body);
    if (!m.find()) {
      throw new IOException(
          url.keyUri() + " did not return a controlKey (is it a Trellis server?)");
    }
    return MachinePublicKey.parse(m.group(1).toLowerCase(java.util.Locale.ROOT));
  }
}
