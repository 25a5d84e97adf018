package io.witness.policy;

/**
 * A cursor over selector text that reads the lexical pieces of CSS the parser needs: white space, identifiers and
 * quoted strings, both with escapes ({@code \:} or {@code \3A }), and errors that name the column.
 */
final class SelectorScanner {
  private final String text;
  private int pos;

  SelectorScanner(String text) {
    this.text = text;
  }

  boolean atEnd() {
    return pos >= text.length();
  }

  /** The character {@code ahead} places after the cursor, or 0 past the end. */
  char peek(int ahead) {
    int i = pos + ahead;
    return i < text.length() ? text.charAt(i) : 0;
  }

  char peek() {
    return peek(0);
  }

  int position() {
    return pos;
  }

  void advance(int chars) {
    pos += chars;
  }

  /** Skips white space; says whether there was any. */
  boolean skipWhitespace() {
    int start = pos;
    while (!atEnd() && CssText.isWhitespace(text.charAt(pos))) {
      pos++;
    }
    return pos > start;
  }

  /** Whether an identifier starts at the cursor (CSS Syntax 4.3.9). */
  boolean atIdentifier() {
    char c = peek();
    if (c == '-') {
      return peek(1) == '-' || CssText.isNameStart(peek(1)) || isEscape(1);
    }
    return CssText.isNameStart(c) || isEscape(0);
  }

  private boolean isEscape(int ahead) {
    return peek(ahead) == '\\' && pos + ahead + 1 < text.length() && !CssText.isNewline(peek(ahead + 1));
  }

  /** Reads an identifier, unescaped; {@code what} names it in the error when there is none ("a class name"). */
  String identifier(String what) {
    if (!atIdentifier()) {
      throw error("expected " + what + " but found " + describe(pos), pos);
    }
    StringBuilder b = new StringBuilder();
    while (!atEnd()) {
      char c = text.charAt(pos);
      if (CssText.isName(c)) {
        b.append(c);
        pos++;
      } else if (isEscape(0)) {
        escape(b);
      } else {
        break;
      }
    }
    return b.toString();
  }

  /** Reads a string in single or double quotes, unescaped; the cursor is on the opening quote. */
  String string() {
    int open = pos;
    char quote = text.charAt(pos++);
    StringBuilder b = new StringBuilder();
    while (true) {
      if (atEnd() || CssText.isNewline(text.charAt(pos))) {
        throw error("unterminated string", open);
      }
      char c = text.charAt(pos);
      if (c == quote) {
        pos++;
        return b.toString();
      } else if (c != '\\') {
        b.append(c);
        pos++;
      } else if (CssText.isNewline(peek(1))) {
        pos += peek(1) == '\r' && peek(2) == '\n' ? 3 : 2; // an escaped newline continues the string
      } else if (pos + 1 < text.length()) {
        escape(b);
      } else {
        pos++;
      }
    }
  }

  /** Appends the character a valid escape stands for (CSS Syntax 4.3.7); the cursor is on the backslash. */
  private void escape(StringBuilder b) {
    pos++;
    if (!CssText.isHexDigit(text.charAt(pos))) {
      int codePoint = text.codePointAt(pos);
      b.appendCodePoint(codePoint);
      pos += Character.charCount(codePoint);
      return;
    }
    int start = pos;
    while (pos < text.length() && pos - start < 6 && CssText.isHexDigit(text.charAt(pos))) {
      pos++;
    }
    int codePoint = Integer.parseInt(text, start, pos, 16);
    if (codePoint == 0 || codePoint > Character.MAX_CODE_POINT
        || (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE)) {
      codePoint = 0xFFFD;
    }
    b.appendCodePoint(codePoint);
    if (peek() == '\r' && peek(1) == '\n') {
      pos += 2;
    } else if (CssText.isWhitespace(peek())) {
      pos++;
    }
  }

  /** The 1-based column of {@code index}, counted in code points as an editor shows them. */
  int column(int index) {
    return text.codePointCount(0, Math.min(index, text.length())) + 1;
  }

  /** The character at {@code index} in quotes, or "end of input". */
  String describe(int index) {
    return index >= text.length() ? "end of input" : "'" + Character.toString(text.codePointAt(index)) + "'";
  }

  String substring(int start) {
    return text.substring(start, pos);
  }

  /** An error whose message is {@code problem} followed by "at column" and the column of {@code index}. */
  SelectorException error(String problem, int index) {
    return error(problem, index, "");
  }

  /** The same with an explanation after the column, in parentheses, unless {@code hint} is empty. */
  SelectorException error(String problem, int index, String hint) {
    int column = column(index);
    String message = problem + " at column " + column + (hint.isEmpty() ? "" : " (" + hint + ")");
    return new SelectorException(message, column);
  }

  /** An error for a character (or the end of input) that does not belong where it is. */
  SelectorException unexpected(int index) {
    if (index < text.length() && text.charAt(index) == '\\') {
      return error("invalid escape '\\'", index, "a backslash must be followed by a character on the same line");
    }
    return error("unexpected " + describe(index), index);
  }
}
