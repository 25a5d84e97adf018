package io.witness.audit;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/witness audit verify <export.zip> [--key <verifier key or file>] [--checkpoint <note file>]...}: checks
 * an audit export offline ({@link AuditVerifier}); prints {@code OK ...} and exits 0, or
 * {@code FAIL: first bad entry seq N: ...} and exits 1; exits 2 when it cannot run (bad arguments, unreadable file).
 */
public final class VerifyCommand {
  private VerifyCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command; returns its exit code (0 OK, 1 FAIL, 2 cannot run). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Path zip = null;
    SignedNote.VerifierKey key = null;
    List<String> held = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--key" -> key = SignedNote.VerifierKey.parse(valueOrFile(args, ++i));
          case "--checkpoint" -> held.add(Files.readString(Path.of(arg(args, ++i)), StandardCharsets.UTF_8));
          default -> {
            if (zip != null || args[i].startsWith("--")) {
              throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            zip = Path.of(args[i]);
          }
        }
      }
      if (zip == null) {
        throw new IllegalArgumentException("which export?");
      }
      AuditVerifier.Result r = AuditVerifier.verify(zip, key, held, provider());
      out.println(r.line());
      return r.ok() ? 0 : 1;
    } catch (IllegalArgumentException | IOException e) {
      err.println("audit verify: " + (e instanceof java.nio.file.NoSuchFileException ? "no such file: " : "")
          + e.getMessage());
      err.println("usage: bin/witness audit verify <export.zip> [--key <verifier key or file>]"
          + " [--checkpoint <note file>]...");
      return 2;
    }
  }

  private static String arg(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }

  private static String valueOrFile(String[] args, int i) throws IOException {
    String v = arg(args, i);
    Path p = Path.of(v);
    return Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8).trim() : v;
  }

  /** Bouncy Castle's provider, FIPS or not, whichever is on the class path; else the JDK's own Ed25519. */
  public static Provider provider() {
    for (String name : List.of("org.bouncycastle.jcajce.provider.BouncyCastleFipsProvider",
        "org.bouncycastle.jce.provider.BouncyCastleProvider")) {
      try {
        return Class.forName(name).asSubclass(Provider.class).getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException | LinkageError e) {
        // not on the class path: try the next
      }
    }
    return null;
  }
}
