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
 * its footprint is what a garbage collection copies. Ids below {@link #DENSE_IDS} (rrweb numbers nodes from 1
 * upwards, so nearly all of them) sit in parallel arrays: a few bytes per element instead of a map entry, a boxed
 * key and a record. Larger ids go to a map, so a hostile id costs one entry, not a huge array. Tag names are
 * shared strings; an absent attribute is the empty string. Not thread-safe (the caller holds the index's lock).
 */
final class DomElements {
  static final int DENSE_IDS = 1 << 14;

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
  private String[] ids = new String[0];
  private String[] classes = new String[0];
  private int[] parents = new int[0];
  private final Map<Integer, Element> sparse = new HashMap<>();
  private int size;

  int size() {
    return size;
  }

  void clear() {
    tags = new String[0];
    ids = new String[0];
    classes = new String[0];
    parents = new int[0];
    sparse.clear();
    size = 0;
  }

  /** Adds or replaces element {@code id}; {@code tag} in any case. */
  void put(int id, String tag, String idAttr, String classAttr, int parent) {
    String t = canonicalTag(tag);
    if (id >= 0 && id < DENSE_IDS) {
      ensure(id);
      if (tags[id] == null) {
        size++;
      }
      tags[id] = t;
      ids[id] = shared(idAttr);
      classes[id] = shared(classAttr);
      parents[id] = parent;
    } else if (sparse.put(id, new Element(t, shared(idAttr), shared(classAttr), parent)) == null) {
      size++;
    }
  }

  /** Element {@code id}, or null when it is not known. */
  Element get(int id) {
    if (id >= 0 && id < tags.length) {
      return tags[id] == null ? null : new Element(tags[id], ids[id], classes[id], parents[id]);
    }
    return id >= 0 && id < DENSE_IDS ? null : sparse.get(id);
  }

  void remove(int id) {
    if (id >= 0 && id < tags.length) {
      if (tags[id] != null) {
        size--;
        tags[id] = null;
        ids[id] = null;
        classes[id] = null;
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

  private void ensure(int id) {
    if (id < tags.length) {
      return;
    }
    int n = Math.min(DENSE_IDS, Math.max(64, Integer.highestOneBit(id) << 1));
    tags = Arrays.copyOf(tags, n);
    ids = Arrays.copyOf(ids, n);
    classes = Arrays.copyOf(classes, n);
    parents = Arrays.copyOf(parents, n);
  }

  private static String canonicalTag(String tag) {
    String lower = tag.toLowerCase(Locale.ROOT);
    return TAGS.getOrDefault(lower, lower);
  }

  private static String shared(String s) {
    return s == null || s.isEmpty() ? "" : s;
  }
}
