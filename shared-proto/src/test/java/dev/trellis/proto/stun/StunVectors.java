package dev.trellis.proto.stun;

import java.util.HexFormat;

/** STUN messages as hex: the RFC 5769 test vectors and the tests' own. */
final class StunVectors {
  private static final HexFormat HEX = HexFormat.of();

  /**
   * RFC 5769 §2.1 sample request (SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME, MI, FINGERPRINT).
   */
  static final String RFC5769_REQUEST =
      "000100582112a442b7e7a701bc34d686fa87dfae802200105354554e20746573742063"
          + "6c69656e74002400046e0001ff80290008932ff9b151263b36000600096576746a3a68"
          + "367659202020000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf";

  /** RFC 5769 §2.2 IPv4 response: mapped 192.0.2.1:32853. */
  static final String RFC5769_RESPONSE_V4 =
      "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220"
          + "002000080001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7"
          + "80280004c07d4c96";

  /** RFC 5769 §2.3 IPv6 response: mapped [2001:db8:1234:5678:11:2233:4455:6677]:32853. */
  static final String RFC5769_RESPONSE_V6 =
      "010100482112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220"
          + "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
          + "00080014a382954e4be67bf11784c97c8292c275bfe3ed41"
          + "80280004c8fb0b4c";

  /** The transaction id of the RFC 5769 vectors. */
  static final String RFC5769_TX = "b7e7a701bc34d686fa87dfae";

  private StunVectors() {}

  static byte[] bytes(String hex) {
    return HEX.parseHex(hex);
  }
}
