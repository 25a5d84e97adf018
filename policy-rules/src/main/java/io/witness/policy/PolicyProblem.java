package io.witness.policy;

/**
 * One thing wrong with a policy document.
 *
 * @param line 1-based line in the document (0 when the problem is about the whole document)
 * @param column 1-based column (0 when unknown)
 * @param field the field's path, such as {@code consent.mode} or {@code masking.block[2]}; empty for the document
 */
public record PolicyProblem(int line, int column, String field, String message) {

  @Override
  public String toString() {
    String where = line > 0 ? "line " + line + ", column " + column + ": " : "";
    return where + (field.isEmpty() ? "" : field + ": ") + message;
  }
}
