package io.witness.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.witness.policy.PolicyNode.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a policy document (JSON or YAML) and validates it. Every problem found is reported at once, each with its
 * line, column and field ({@link PolicyException#problems()}); fields left out take {@link Policy#defaults()}.
 * Unknown fields are errors (a misspelt {@code maskTxt} must not silently leave text unmasked).
 *
 * <p>The document's shape is the one {@code GET /consent/v1/sites/{siteKey}/policy} shows (consent-gateway/docs/
 * consent-protocol.md), plus {@code consent.receiptDays}, {@code consent.eraseOnWithdrawal} and {@code pii}.
 */
public final class PolicyParser {
  /** Larger documents are refused before they are parsed. */
  public static final int MAX_CHARS = 64 * 1024;

  /** The document formats. */
  public enum Format {
    JSON, YAML;

    /** JSON when the text starts with '{' (after white space), else YAML. */
    public static Format sniff(String text) {
      return text.stripLeading().startsWith("{") ? JSON : YAML;
    }
  }

  private static final JsonFactory JSON = new JsonFactory();
  private static final YAMLFactory YAML = new YAMLFactory();

  private PolicyParser() {}

  /** Parses and validates; the result has version 0 unless the document says otherwise. */
  public static Policy parse(String text) {
    return parse(text, Format.sniff(text));
  }

  /** Parses and validates a document of the given format. */
  public static Policy parse(String text, Format format) {
    if (text.length() > MAX_CHARS) {
      throw new PolicyException(List.of(new PolicyProblem(0, 0, "", "the document has " + text.length()
          + " characters; at most " + MAX_CHARS + " are allowed")));
    }
    List<PolicyProblem> problems = new ArrayList<>();
    PolicyNode root;
    try (JsonParser p = (format == Format.JSON ? JSON : YAML).createParser(text)) {
      if (p.nextToken() == null) {
        throw new PolicyException(List.of(new PolicyProblem(0, 0, "", "the document is empty")));
      }
      root = PolicyNode.read(p, "", problems);
      if (p.nextToken() != null) {
        problems.add(new PolicyProblem(p.currentTokenLocation().getLineNr(), p.currentTokenLocation().getColumnNr(),
            "", "unexpected content after the document"));
      }
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      int column = e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
      throw new PolicyException(List.of(new PolicyProblem(line, column, "", "not valid "
          + format.name() + ": " + e.getOriginalMessage())));
    } catch (IOException e) {
      throw new PolicyException(List.of(new PolicyProblem(0, 0, "", "cannot read the document: " + e.getMessage())));
    }
    if (!(root instanceof ObjectNode object)) {
      problems.add(new PolicyProblem(root.line(), root.column(), "", "the document must be an object (a mapping)"));
      throw new PolicyException(problems);
    }
    Policy policy = new PolicyReader(problems).policy(object);
    if (!problems.isEmpty()) {
      problems.sort((a, b) -> a.line() != b.line() ? Integer.compare(a.line(), b.line())
          : Integer.compare(a.column(), b.column()));
      throw new PolicyException(problems);
    }
    return policy;
  }
}
