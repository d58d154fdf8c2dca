package dev.trellis.runtime.projection;

/**
 * One key whose live value differs from the rebuilt one. Values are summaries ({@code absent}, a
 * byte count and hash prefix, or a shortened {@code toString}), never full values. Immutable.
 */
public record Difference(String projection, String map, String key, String live, String rebuilt) {
  @Override
  public String toString() {
    return projection + "." + map + "[" + key + "]: live " + live + " vs rebuilt " + rebuilt;
  }
}
