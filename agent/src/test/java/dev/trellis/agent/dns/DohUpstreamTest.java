package dev.trellis.agent.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tls.TestKeyStore;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A DNS-over-HTTPS upstream (RFC 8484) served by the JDK's HTTPS server with a certificate made by
 * keytool for 127.0.0.1: the forwarder POSTs the query as application/dns-message with id 0 and
 * hands the answer back with the client's id; an upstream that answers HTTP 500 gives SERVFAIL.
 */
@IntegrationTest
class DohUpstreamTest {
  @TempDir Path dir;

  @Test
  void queriesGoOverHttpsAndAnswersComeBackWithTheClientsId() throws Exception {
    TestKeyStore key = TestKeyStore.generate(dir, "doh", "127.0.0.1", "ip:127.0.0.1");
    SSLContext serverTls = key.serverContext();
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("doh", key.certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext clientTls = SSLContext.getInstance("TLS");
    clientTls.init(null, tmf.getTrustManagers(), null);

    List<String> seen = new CopyOnWriteArrayList<>();
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
    server.createContext(
        "/dns-query",
        ex -> {
          try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            Message q = new Message(body);
            seen.add(
                ex.getRequestMethod()
                    + " "
                    + ex.getRequestHeaders().getFirst("Content-Type")
                    + " id="
                    + q.getHeader().getID());
            if (q.getQuestion().getName().toString().startsWith("broken")) {
              ex.sendResponseHeaders(500, -1);
              return;
            }
            Message a = new Message(q.getHeader().getID());
            a.getHeader().setFlag(Flags.QR);
            a.getHeader().setFlag(Flags.RA);
            a.addRecord(q.getQuestion(), Section.QUESTION);
            a.addRecord(
                new ARecord(
                    q.getQuestion().getName(),
                    DClass.IN,
                    60,
                    java.net.InetAddress.getByName("192.0.2.99")),
                Section.ANSWER);
            byte[] out = a.toWire();
            ex.getResponseHeaders().set("Content-Type", "application/dns-message");
            ex.sendResponseHeaders(200, out.length);
            try (OutputStream o = ex.getResponseBody()) {
              o.write(out);
            }
          }
        });
    server.start();
    try (Forwarder f =
        new Forwarder(new DnsCounters(), HttpClient.newBuilder().sslContext(clientTls).build())) {
      Upstream doh =
          Upstream.parse("https://127.0.0.1:" + server.getAddress().getPort() + "/dns-query");
      // Warm up the JVM's TLS code with a client of its own: on a loaded machine the first
      // handshake of a cold JVM can take longer than an upstream attempt may.
      var warm =
          HttpClient.newBuilder()
              .sslContext(clientTls)
              .build()
              .send(
                  java.net.http.HttpRequest.newBuilder(doh.doh())
                      .POST(
                          java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                              Queries.wire("warm.example.", Type.A)))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, warm.statusCode());
      seen.clear();
      Message query = Queries.query("www.example.", Type.A);
      Message answer =
          Queries.parse(f.exchange(new Responder.Forward(query, List.of(doh), 512), false));
      assertEquals(query.getHeader().getID(), answer.getHeader().getID());
      assertEquals("192.0.2.99", answer.getSection(Section.ANSWER).getFirst().rdataToString());
      assertEquals(List.of("POST application/dns-message id=0"), seen);

      Message broken = Queries.query("broken.example.", Type.A);
      Message servfail =
          Queries.parse(f.exchange(new Responder.Forward(broken, List.of(doh), 512), false));
      assertEquals(Rcode.SERVFAIL, servfail.getRcode());
    } finally {
      server.stop(0);
    }
  }
}
