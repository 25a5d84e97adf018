package io.witness.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes a {@link Policy} as JSON: the whole document (what an admin edits; {@link PolicyParser} reads it back to
 * an equal policy) or the browser's view (what {@code GET /consent/v1/sites/{siteKey}/policy} serves: no PII
 * action or consent lifetime, plus the notice's SHA-256). Sets are written sorted, so the output is stable.
 */
public final class PolicyWriter {
  private static final JsonFactory JSON = new JsonFactory();

  private PolicyWriter() {}

  /** The whole policy, pretty-printed. */
  public static String document(Policy p) {
    return write(g -> {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeNumberField("version", p.version());
      consent(g, p, true);
      rest(g, p);
      g.writeObjectFieldStart("pii");
      g.writeStringField("action", p.pii().action().wire());
      strings(g, "detect", new TreeSet<>(p.pii().detect()));
      g.writeEndObject();
      g.writeEndObject();
    });
  }

  /** What the recorder SDK needs, with {@code site} as the site's name. */
  public static String browserView(Policy p, String site) {
    return write(g -> {
      g.writeStartObject();
      g.writeStringField("site", site);
      g.writeNumberField("version", p.version());
      consent(g, p, false);
      rest(g, p);
      g.writeEndObject();
    });
  }

  /** SHA-256 (lower-case hex) of the notice text's UTF-8 bytes: what a consent record binds. */
  public static String noticeSha256(Policy p) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(p.consent().notice().text().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static void consent(JsonGenerator g, Policy p, boolean whole) throws IOException {
    Policy.Consent c = p.consent();
    g.writeObjectFieldStart("consent");
    g.writeStringField("mode", c.mode().wire());
    g.writeObjectFieldStart("regions");
    for (Map.Entry<String, Policy.Mode> r : new TreeMap<>(c.regions()).entrySet()) {
      g.writeStringField(r.getKey(), r.getValue().wire());
    }
    g.writeEndObject();
    g.writeStringField("gpc", c.gpc().wire());
    g.writeStringField("dnt", c.dnt().wire());
    strings(g, "purposes", c.purposes());
    if (whole) {
      g.writeNumberField("receiptDays", c.receiptDays());
      g.writeBooleanField("eraseOnWithdrawal", c.eraseOnWithdrawal());
    }
    g.writeObjectFieldStart("notice");
    g.writeStringField("version", c.notice().version());
    g.writeStringField("language", c.notice().language());
    g.writeStringField("text", c.notice().text());
    if (!whole) {
      g.writeStringField("sha256", noticeSha256(p));
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void rest(JsonGenerator g, Policy p) throws IOException {
    g.writeObjectFieldStart("capture");
    strings(g, "allow", p.capture().allow());
    strings(g, "deny", p.capture().deny());
    g.writeNumberField("sampling", p.capture().sampling());
    g.writeBooleanField("keepQuery", p.capture().keepQuery());
    g.writeEndObject();
    g.writeObjectFieldStart("masking");
    if (p.masking().inputs().isPresent()) {
      strings(g, "inputs", new TreeSet<>(p.masking().inputs().get()));
    } else {
      g.writeStringField("inputs", "all");
    }
    strings(g, "maskText", p.masking().maskText());
    strings(g, "block", p.masking().block());
    strings(g, "unmask", p.masking().unmask());
    g.writeBooleanField("piiText", p.masking().piiText());
    g.writeEndObject();
    g.writeObjectFieldStart("console");
    g.writeBooleanField("capture", p.console().capture());
    strings(g, "levels", new TreeSet<>(p.console().levels()));
    g.writeEndObject();
    g.writeObjectFieldStart("network");
    g.writeBooleanField("capture", p.network().capture());
    g.writeEndObject();
  }

  private static void strings(JsonGenerator g, String name, Iterable<String> values) throws IOException {
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static String write(Body body) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
