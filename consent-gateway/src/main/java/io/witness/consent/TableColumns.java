package io.witness.consent;

import java.util.List;

/**
 * Table columns as the sanitizer sees them: the header of a cell's column, so that a cell under a "Password"
 * header is masked like a field named so (see {@link SensitiveNames}).
 */
final class TableColumns {
  private TableColumns() {}

  /** The header text of a table cell's column ("" when there is none). */
  static String header(DomNode cell) {
    DomNode row = cell.parent == null ? null : cell.parent.element();
    if (row == null || !"tr".equals(row.tag)) {
      return "";
    }
    int index = row.elementChildren().indexOf(cell);
    DomNode table = row;
    while (table != null && !"table".equals(table.tag)) {
      table = table.parent == null ? null : table.parent.element();
    }
    if (table == null || index < 0) {
      return "";
    }
    DomNode header = firstHeaderRow(table);
    if (header == null || header == row) {
      return "";
    }
    List<DomNode> cells = header.elementChildren();
    return index < cells.size() ? cells.get(index).textContent() : "";
  }

  private static DomNode firstHeaderRow(DomNode n) {
    for (DomNode c : n.elementChildren()) {
      if ("tr".equals(c.tag) && !c.elementChildren().isEmpty() && "th".equals(c.elementChildren().get(0).tag)) {
        return c;
      }
      if ("thead".equals(c.tag) || "tbody".equals(c.tag)) {
        DomNode r = firstHeaderRow(c);
        if (r != null) {
          return r;
        }
      }
    }
    return null;
  }
}
