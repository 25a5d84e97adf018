package io.witness.appliance.crypto;

import java.util.List;

/**
 * Shamir's secret sharing over GF(2^8) (the AES field, polynomial 0x11b): a secret is split into {@code n} shares of
 * which any {@code m} give it back and fewer tell nothing about it. Each byte of the secret is the constant term of
 * its own random polynomial of degree {@code m - 1}; share {@code x} (1..n) holds the polynomials' values at x.
 * Used for the root key's recovery kit ({@link RecoveryKit}).
 */
final class Shamir {
  private static final int[] EXP = new int[512];
  private static final int[] LOG = new int[256];

  static {
    int v = 1;
    for (int i = 0; i < 255; i++) {
      EXP[i] = v;
      LOG[v] = i;
      v ^= (v << 1) ^ ((v & 0x80) != 0 ? 0x11b : 0); // v * 3 in GF(2^8): 3 generates the field
      v &= 0xff;
    }
    for (int i = 255; i < 512; i++) {
      EXP[i] = EXP[i - 255];
    }
  }

  /** One share: its x coordinate (1..255) and the polynomials' values there. */
  @SuppressWarnings("ArrayRecordComponent") // a value, compared by its parts in tests
  record Share(int x, byte[] y) {}

  private Shamir() {}

  static List<Share> split(byte[] secret, int m, int n) {
    if (m < 2 || n < m || n > 255) {
      throw new IllegalArgumentException("need 2 <= threshold <= shares <= 255");
    }
    byte[][] coefficients = new byte[secret.length][m];
    for (int i = 0; i < secret.length; i++) {
      CryptoBackend.random().nextBytes(coefficients[i]);
      coefficients[i][0] = secret[i];
    }
    Share[] shares = new Share[n];
    for (int x = 1; x <= n; x++) {
      byte[] y = new byte[secret.length];
      for (int i = 0; i < secret.length; i++) {
        int acc = 0;
        for (int k = m - 1; k >= 0; k--) { // Horner
          acc = mul(acc, x) ^ (coefficients[i][k] & 0xff);
        }
        y[i] = (byte) acc;
      }
      shares[x - 1] = new Share(x, y);
    }
    for (byte[] c : coefficients) {
      java.util.Arrays.fill(c, (byte) 0);
    }
    return List.of(shares);
  }

  /** The secret from {@code shares} (at least the threshold, distinct x); garbage if there are fewer. */
  static byte[] combine(List<Share> shares) {
    int len = shares.get(0).y().length;
    byte[] secret = new byte[len];
    for (int j = 0; j < shares.size(); j++) {
      int xj = shares.get(j).x();
      // Lagrange basis at 0: prod over k != j of x_k / (x_k - x_j); subtraction is XOR.
      int basis = 1;
      for (int k = 0; k < shares.size(); k++) {
        if (k != j) {
          int xk = shares.get(k).x();
          if (xk == xj) {
            throw new IllegalArgumentException("two shares have the same number " + xj);
          }
          basis = mul(basis, div(xk, xk ^ xj));
        }
      }
      byte[] y = shares.get(j).y();
      for (int i = 0; i < len; i++) {
        secret[i] ^= (byte) mul(y[i] & 0xff, basis);
      }
    }
    return secret;
  }

  static int mul(int a, int b) {
    return a == 0 || b == 0 ? 0 : EXP[LOG[a] + LOG[b]];
  }

  static int div(int a, int b) {
    if (b == 0) {
      throw new ArithmeticException("division by zero in GF(256)");
    }
    return a == 0 ? 0 : EXP[LOG[a] + 255 - LOG[b]];
  }
}
