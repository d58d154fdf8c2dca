/**
 * HTTP conventions every service follows on vertx-web: one {@link
 * dev.trellis.runtime.http.ApiRouter} with a body-size limit and one failure handler ({@link
 * dev.trellis.runtime.http.ErrorResponder}) that writes {@code
 * {"error":{"code":"STABLE_CODE","message":"..."}}} from the error registry; {@link
 * dev.trellis.runtime.http.ApiException} to fail a request with a code; {@link
 * dev.trellis.runtime.http.JsonBodies} to parse a JSON body naming the field at fault; {@link
 * dev.trellis.runtime.http.BearerToken} for the Authorization header; {@code /healthz} and {@code
 * /readyz} over {@link dev.trellis.runtime.http.Readiness} checks.
 */
package dev.trellis.runtime.http;
