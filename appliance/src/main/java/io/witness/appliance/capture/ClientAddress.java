package io.witness.appliance.capture;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A client's IP address as Witness keeps it: truncated (IPv4 to /24, IPv6 to /48), the smallest part that still
 * tells networks apart (compliance.md §4: truncated IP). The full address is never stored.
 */
public final class ClientAddress {
  private ClientAddress() {}

  /** The truncated address ("203.0.113.0", "2001:db8:85a3::"), or null if {@code address} is not an IP literal. */
  public static String truncate(String address) {
    if (address == null || address.isBlank()) {
      return null;
    }
    String a = address.strip();
    if (a.startsWith("[") && a.contains("]")) {
      a = a.substring(1, a.indexOf(']'));
    } else if (a.indexOf(':') == a.lastIndexOf(':') && a.indexOf(':') > 0) {
      a = a.substring(0, a.indexOf(':')); // IPv4 with a port
    }
    if (!a.matches("[0-9a-fA-F:.%]+")) {
      return null; // not a literal: never resolve names here
    }
    try {
      byte[] b = InetAddress.getByName(a.contains("%") ? a.substring(0, a.indexOf('%')) : a).getAddress();
      int keep = b.length == 4 ? 3 : 6;
      for (int i = keep; i < b.length; i++) {
        b[i] = 0;
      }
      String s = InetAddress.getByAddress(b).getHostAddress();
      return b.length == 16 ? compress(s) : s;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** "2001:db8:85a3:0:0:0:0:0" → "2001:db8:85a3::". */
  private static String compress(String v6) {
    return v6.replaceFirst("(^|:)(0(:|$)){2,}", "::").replaceFirst(":::", "::");
  }
}
