package io.witness.appliance.capture;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The elements of one {@link DomIndex}: tag, id and class attributes and parent, by rrweb node id.
 *
 * <p>Design: a DOM index lives as long as its session (minutes, thousands of elements, hundreds of sessions), so
 * its footprint is what a garbage collection copies, and a collection copies many small objects far more slowly
 * than a few large arrays. Ids below {@link #DENSE_IDS} (rrweb numbers nodes from 1 upwards, so nearly all of them)
 * sit in parallel arrays, and their id and class attributes are copied into one character array ({@link #text}),
 * so an index of thousands of elements is a handful of objects, whatever its attributes (a String per attribute
 * made ≈19 MB of surviving objects and 11 ms of every young collection under load; docs/benchmarks.md). Larger
 * ids go to a map, so a hostile id costs one entry, not a huge array. Tag names are shared strings; an absent
 * attribute is the empty string. Not thread-safe (the caller holds the index's lock).
 */
final class DomElements {
  static final int DENSE_IDS = 1 << 14;
  /** Text of replaced or removed elements is reclaimed once it is this large and half of {@link #text}. */
  static final int COMPACT_ABOVE = 1 << 14;
  /** Distinct tag names outside {@link #TAGS} shared per index (custom elements); beyond it each is its own. */
  private static final int LOCAL_TAGS = 256;

  /** One element, as {@link #get} returns it. */
  record Element(String tag, String idAttr, String classAttr, int parent) {}

  private static final Map<String, String> TAGS = new HashMap<>();

  static {
    for (String t : Set.of("html", "head", "body", "div", "span", "a", "p", "ul", "ol", "li", "button", "input",
        "label", "form", "select", "option", "textarea", "img", "svg", "path", "g", "table", "thead", "tbody", "tr",
        "td", "th", "section", "article", "main", "nav", "header", "footer", "aside", "h1", "h2", "h3", "h4", "h5",
        "h6", "i", "b", "strong", "em", "small", "script", "style", "link", "meta", "title", "noscript", "iframe",
        "canvas", "video", "source", "picture", "br", "hr", "dl", "dt", "dd", "fieldset", "legend", "code", "pre")) {
      TAGS.put(t, t);
    }
  }

  private String[] tags = new String[0];
  private int[] parents = new int[0];
  /** Where element id's id attribute starts in {@link #text}; its class attribute follows it. */
  private int[] textAt = new int[0];
  private int[] idLengths = new int[0];
  private int[] classLengths = new int[0];
  private char[] text = new char[0];
  private int textUsed;
  private int textGarbage;
  private final Map<Integer, Element> sparse = new HashMap<>();
  private final Map<String, String> localTags = new HashMap<>();
  private int size;

  int size() {
    return size;
  }

  void clear() {
    tags = new String[0];
    parents = new int[0];
    textAt = new int[0];
    idLengths = new int[0];
    classLengths = new int[0];
    text = new char[0];
    textUsed = 0;
    textGarbage = 0;
    sparse.clear();
    localTags.clear();
    size = 0;
  }

  /** Adds or replaces element {@code id}; {@code tag} in any case. */
  void put(int id, String tag, String idAttr, String classAttr, int parent) {
    String t = canonicalTag(tag);
    String idText = idAttr == null ? "" : idAttr;
    String classText = classAttr == null ? "" : classAttr;
    if (id >= 0 && id < DENSE_IDS) {
      ensure(id);
      if (tags[id] == null) {
        size++;
      } else {
        textGarbage += idLengths[id] + classLengths[id];
      }
      tags[id] = t;
      parents[id] = parent;
      storeText(id, idText, classText);
      if (textGarbage > COMPACT_ABOVE && textGarbage * 2 > textUsed) {
        compactText();
      }
    } else if (sparse.put(id, new Element(t, idText, classText, parent)) == null) {
      size++;
    }
  }

  /** Element {@code id}, or null when it is not known. */
  Element get(int id) {
    if (id >= 0 && id < tags.length) {
      if (tags[id] == null) {
        return null;
      }
      int at = textAt[id];
      int idLength = idLengths[id];
      return new Element(tags[id], string(at, idLength), string(at + idLength, classLengths[id]), parents[id]);
    }
    return id >= 0 && id < DENSE_IDS ? null : sparse.get(id);
  }

  void remove(int id) {
    if (id >= 0 && id < tags.length) {
      if (tags[id] != null) {
        size--;
        tags[id] = null;
        textGarbage += idLengths[id] + classLengths[id];
        idLengths[id] = 0;
        classLengths[id] = 0;
      }
    } else if (sparse.remove(id) != null) {
      size--;
    }
  }

  void setParent(int id, int parent) {
    if (id >= 0 && id < tags.length) {
      if (tags[id] != null) {
        parents[id] = parent;
      }
      return;
    }
    Element e = sparse.get(id);
    if (e != null) {
      sparse.put(id, new Element(e.tag(), e.idAttr(), e.classAttr(), parent));
    }
  }

  /** Characters held for attributes, live and not yet reclaimed (for tests). */
  int textLength() {
    return textUsed;
  }

  private void storeText(int id, String idText, String classText) {
    int n = idText.length() + classText.length();
    if (textUsed + n > text.length) {
      text = Arrays.copyOf(text, Math.max(textUsed + n, Math.max(256, text.length * 2)));
    }
    idText.getChars(0, idText.length(), text, textUsed);
    classText.getChars(0, classText.length(), text, textUsed + idText.length());
    textAt[id] = textUsed;
    idLengths[id] = idText.length();
    classLengths[id] = classText.length();
    textUsed += n;
  }

  /** Copies the text of the elements that exist into a new array, dropping what replaced or removed ones left. */
  private void compactText() {
    char[] old = text;
    text = new char[Math.max(256, (textUsed - textGarbage) * 3 / 2)];
    textUsed = 0;
    textGarbage = 0;
    for (int id = 0; id < tags.length; id++) {
      int n = idLengths[id] + classLengths[id];
      if (tags[id] != null && n > 0) {
        System.arraycopy(old, textAt[id], text, textUsed, n);
        textAt[id] = textUsed;
        textUsed += n;
      }
    }
  }

  private String string(int at, int length) {
    return length == 0 ? "" : new String(text, at, length);
  }

  private void ensure(int id) {
    if (id < tags.length) {
      return;
    }
    int n = Math.min(DENSE_IDS, Math.max(64, Integer.highestOneBit(id) << 1));
    tags = Arrays.copyOf(tags, n);
    parents = Arrays.copyOf(parents, n);
    textAt = Arrays.copyOf(textAt, n);
    idLengths = Arrays.copyOf(idLengths, n);
    classLengths = Arrays.copyOf(classLengths, n);
  }

  private String canonicalTag(String tag) {
    String lower = tag.toLowerCase(Locale.ROOT);
    String known = TAGS.get(lower);
    if (known != null) {
      return known;
    }
    String local = localTags.get(lower);
    if (local == null && localTags.size() < LOCAL_TAGS) {
      localTags.put(lower, lower);
      local = lower;
    }
    return local != null ? local : lower;
  }
}
