package dev.trellis.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.access.ServiceCredentials;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.http.ApiRouter;
import dev.trellis.runtime.projection.TestHazelcast;
import dev.trellis.testkit.tag.IntegrationTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Service-to-service calls over real Hazelcast members and a real HTTP server: credentials shared
 * by the cluster, the directory following membership, and errors crossing the call intact.
 */
@IntegrationTest
class InternalCallsTest {
  static HazelcastInstance a;
  static HazelcastInstance b;
  static Vertx vertx;
  static TestHazelcast hz;

  @BeforeAll
  static void cluster() {
    hz = new TestHazelcast();
    a = hz.member();
    b = hz.member();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    a.shutdown();
    b.shutdown();
  }

  @Test
  void credentialsMintedOnOneMemberVerifyOnAnotherAndNowhereElse() {
    Clock clock = Clock.systemUTC();
    ServiceCredentials onA = ServiceCredentials.open(a, clock);
    ServiceCredentials onB = ServiceCredentials.open(b, clock);
    String token = onA.mint("coordinator");
    assertTrue(ServiceCredentials.looksLikeJwt(token));
    assertEquals("coordinator", onB.verify(token));

    TestHazelcast other = new TestHazelcast();
    HazelcastInstance stranger = other.member();
    try {
      var e =
          assertThrows(
              ApiException.class,
              () -> ServiceCredentials.open(stranger, clock).verify(token),
              "another deployment's secret does not verify");
      assertEquals(ErrorCode.TOKEN_INVALID, e.code());
    } finally {
      stranger.shutdown();
    }
    String tampered = token.substring(0, token.length() - 3) + "AAA";
    assertEquals(
        ErrorCode.TOKEN_INVALID,
        assertThrows(ApiException.class, () -> onB.verify(tampered)).code());
    Clock later =
        Clock.fixed(Instant.now().plus(ServiceCredentials.LIFETIME).plusSeconds(1), ZoneOffset.UTC);
    assertEquals(
        ErrorCode.TOKEN_EXPIRED,
        assertThrows(ApiException.class, () -> ServiceCredentials.open(b, later).verify(token))
            .code());
  }

  @Test
  void aCallReachesALiveInstanceWithACredentialAndCarriesTheCalleesError() throws Exception {
    ServiceCredentials creds = ServiceCredentials.open(a, Clock.systemUTC());
    ApiTokenAuthenticator auth =
        new ApiTokenAuthenticator(
            vertx, b, Clock.systemUTC(), ServiceCredentials.open(b, Clock.systemUTC()));
    Router router = ApiRouter.builder(vertx).maxBodyBytes(1 << 16).build();
    router
        .post("/api/v1/internal/echo")
        .handler(
            ctx ->
                auth.respond(
                    ctx,
                    200,
                    p -> {
                      p.requireInternal();
                      JsonObject body = ctx.body().asJsonObject();
                      if (body.getBoolean("fail", false)) {
                        throw ApiException.field(ErrorCode.ADDRESS_EXHAUSTED, "tailnetId", "full");
                      }
                      return io.vertx.core.Future.succeededFuture(
                          Map.of("caller", p.tokenId(), "service", p.isService()));
                    }));
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    try {
      HazelcastInstance leaving = hz.member();
      ServiceDirectory onB = new ServiceDirectory(leaving);
      ServiceDirectory onA = new ServiceDirectory(a);
      assertEquals(
          ErrorCode.UNAVAILABLE, assertThrows(ApiException.class, () -> onA.locate("echo")).code());
      onB.register("echo", "http://127.0.0.1:" + server.actualPort()).toCompletableFuture().join();
      InternalClient client = new InternalClient(vertx, "coordinator", onA, creds);

      JsonObject ok =
          client
              .post("echo", "/api/v1/internal/echo", Map.of("fail", false))
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      assertEquals("service:coordinator", ok.getString("caller"));
      assertTrue(ok.getBoolean("service"));

      var failed =
          assertThrows(
              java.util.concurrent.ExecutionException.class,
              () ->
                  client
                      .post("echo", "/api/v1/internal/echo", Map.of("fail", true))
                      .toCompletionStage()
                      .toCompletableFuture()
                      .get(10, TimeUnit.SECONDS));
      ApiException e = assertInstanceOf(ApiException.class, failed.getCause());
      assertEquals(ErrorCode.ADDRESS_EXHAUSTED, e.code());
      assertEquals("full", e.getMessage());

      // The member that registered leaves: its entry is dropped by the survivor.
      leaving.shutdown();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline && !a.getMap(ServiceDirectory.MAP).isEmpty()) {
        Thread.sleep(100);
      }
      assertEquals(
          ErrorCode.UNAVAILABLE, assertThrows(ApiException.class, () -> onA.locate("echo")).code());
    } finally {
      server.close();
    }
  }
}
