package io.witness.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.witness.policy.PiiDetector;
import io.witness.policy.PiiKind;
import io.witness.policy.Policy;
import io.witness.policy.PolicyEvaluator;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Applies a site policy to recorded rrweb events on the server, in place: the same rules the SDK applies in the
 * browser, enforced again because the server trusts no page.
 *
 * <ul>
 *   <li>Scope: a Meta event whose URL is out of scope starts a stretch that is dropped until the next in-scope Meta;
 *       recorded URLs lose query and fragment unless the policy keeps them.</li>
 *   <li>Blocking: an element matching a block selector keeps its tag, class and size; its other attributes and
 *       everything under it (also what mutations add later) are dropped.</li>
 *   <li>Inputs: values (Input events, {@code value} attributes) of masked input types become {@code *} of the same
 *       length; so do those of elements with a sensitive name (see {@link SensitiveNames}).</li>
 *   <li>Text: under a maskText selector (unless unmasked) or a sensitive element or table column, every character
 *       but white space becomes {@code *}, as rrweb does.</li>
 *   <li>PII: every remaining text, attribute value, URL, console message and custom payload is scanned; matches
 *       are redacted. Card numbers always are (PCI DSS 3.3.1).</li>
 *   <li>Fields rrweb does not define (beside an event's data, in a snapshot's data and nodes, in mutations, inputs and
 *       other incremental data): every string in them is scanned too, however deep. Only JSON field names (and
 *       attribute names) are not scanned.</li>
 * </ul>
 * Thread-safe (immutable); the per-recording state is the caller's {@link SanitizerSession}.
 */
public final class EventSanitizer {
  /** What a batch's sanitizing did, for the caller's counters and incidents. */
  public static final class Report {
    /** At most this many quarantined values are kept per report (more are redacted and counted only). */
    public static final int QUARANTINE_KEPT = 200;

    /** A value the policy's quarantine action took out of the events (never a card number). */
    public record Quarantined(PiiKind kind, String value) {}

    private final Map<PiiKind, Integer> redacted = new EnumMap<>(PiiKind.class);
    private final List<Quarantined> quarantined = new ArrayList<>();
    int dropped;
    /** Events {@link BatchSanitizer} read as a tree (the rest it streamed). */
    int asTree;
    private int masked;

    /** PII matches redacted, per kind. */
    public Map<PiiKind, Integer> redacted() {
      return redacted;
    }

    /** The values the quarantine action took out, in the order found (empty under the redact action). */
    public List<Quarantined> quarantined() {
      return java.util.Collections.unmodifiableList(quarantined);
    }

    /** Events dropped (out of scope, or console levels not captured). */
    public int dropped() {
      return dropped;
    }

    /** Values and texts masked. */
    public int masked() {
      return masked;
    }

    /** A copy to go back to ({@link BatchSanitizer} redoes an event it could not stream). */
    Report copy() {
      Report r = new Report();
      r.restore(this);
      return r;
    }

    void restore(Report from) {
      redacted.clear();
      redacted.putAll(from.redacted);
      quarantined.clear();
      quarantined.addAll(from.quarantined);
      dropped = from.dropped;
      asTree = from.asTree;
      masked = from.masked;
    }

    @Override
    public String toString() {
      return "dropped " + dropped + ", masked " + masked + ", redacted " + redacted;
    }
  }

  private final Policy policy;
  private final PolicyEvaluator evaluator;
  private final PiiDetector pii;
  /** The block, mask and unmask selectors and sensitive names, per element. */
  private final ElementFlags flags;
  /** The policy's PII action is quarantine: matched values are reported for sealing. */
  private final boolean quarantine;

  public EventSanitizer(Policy policy) {
    this.policy = policy;
    this.evaluator = new PolicyEvaluator(policy);
    Set<PiiKind> kinds = policy.pii().detect().stream().map(k -> PiiKind.fromWire(k).orElseThrow())
        .collect(Collectors.toCollection(() -> java.util.EnumSet.noneOf(PiiKind.class)));
    kinds.add(PiiKind.CARD);
    this.pii = new PiiDetector(kinds);
    this.flags = new ElementFlags(policy.masking());
    this.quarantine = policy.pii().action() == Policy.PiiAction.QUARANTINE;
  }

  public Policy policy() {
    return policy;
  }

  /**
   * Sanitizes one event in place; false when it must be dropped. Events of any rrweb version (1.x, 2.x) are
   * accepted; an event whose shape is unexpected is kept after a PII scan of all its strings.
   */
  public boolean apply(SanitizerSession s, ObjectNode event, Report report) {
    int type = event.path("type").asInt(-1);
    JsonNode data = event.path("data");
    if (!(data instanceof ObjectNode d)) {
      redactAll(event, report);
      return !s.outOfScope;
    }
    redactOthers(event, EVENT_FIELDS, report);
    if (type == 4) {
      String href = d.path("href").asText("");
      s.outOfScope = !href.isEmpty() && !evaluator.inScope(href);
      if (s.outOfScope) {
        report.dropped++;
        return false;
      }
      d.put("href", redact(evaluator.minimiseUrl(href), report));
      redactOthers(d, META_FIELDS, report);
      return true;
    }
    if (s.outOfScope) {
      report.dropped++;
      return false;
    }
    switch (type) {
      case 2 -> fullSnapshot(s, d, report);
      case 3 -> incremental(s, d, report);
      case 6 -> {
        return plugin(d, report);
      }
      default -> redactAll(d, report);
    }
    return true;
  }

  private void fullSnapshot(SanitizerSession s, ObjectNode d, Report report) {
    s.nodes.clear();
    if (d.path("node") instanceof ObjectNode root) {
      insert(s, root, null, report);
      walk(s, root, report);
      redactOthers(d, SNAPSHOT_FIELDS, report);
    } else {
      redactAll(d, report);
    }
  }

  /** The fields whose strings the rules deal with, per structure; every string elsewhere is scanned for PII. */
  static final Set<String> EVENT_FIELDS = Set.of("data");
  static final Set<String> META_FIELDS = Set.of("href");
  static final Set<String> SNAPSHOT_FIELDS = Set.of("node");
  static final Set<String> ELEMENT_FIELDS = Set.of("tagName", "attributes", "childNodes");
  static final Set<String> OTHER_NODE_FIELDS = Set.of("textContent", "childNodes");
  private static final Set<String> MUTATION_FIELDS = Set.of("adds", "removes", "texts", "attributes");
  private static final Set<String> ADD_FIELDS = Set.of("node");
  private static final Set<String> TEXT_FIELDS = Set.of("value");
  private static final Set<String> ATTRIBUTE_CHANGE_FIELDS = Set.of("attributes");
  private static final Set<String> INPUT_FIELDS = Set.of("text");

  /** Redacts every string in the fields of {@code o} not named in {@code handled}. */
  private void redactOthers(ObjectNode o, Set<String> handled, Report report) {
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (handled.contains(f.getKey())) {
        continue;
      }
      if (f.getValue().isTextual()) {
        String v = f.getValue().asText();
        String r = redact(v, report);
        if (!r.equals(v)) {
          f.setValue(TextNode.valueOf(r));
        }
      } else {
        redactAll(f.getValue(), report);
      }
    }
  }

  /** Adds a serialized node and its serialized children to the session's DOM (structure only). */
  private void insert(SanitizerSession s, ObjectNode n, DomNode parent, Report report) {
    int id = n.path("id").asInt(Integer.MIN_VALUE);
    String tag = n.path("type").asInt() == 2 ? n.path("tagName").asText("").toLowerCase(java.util.Locale.ROOT) : "";
    Map<String, String> attributes = new HashMap<>();
    if (n.path("attributes") instanceof ObjectNode a) {
      a.fields().forEachRemaining(f -> {
        if (f.getValue().isTextual()) {
          attributes.put(f.getKey().toLowerCase(java.util.Locale.ROOT), f.getValue().asText());
        }
      });
    }
    DomNode node = new DomNode(id, parent, tag, attributes);
    node.text = n.path("type").asInt() == 3 && parent != null && parent.isElement() && "th".equals(parent.tag)
        ? n.path("textContent").asText("") : "";
    if (parent != null) {
      parent.append(node);
    }
    s.nodes.put(node);
    if (n.path("childNodes") instanceof ArrayNode children) {
      for (JsonNode c : children) {
        if (c instanceof ObjectNode child) {
          insert(s, child, node, report);
        }
      }
    }
  }

  /** Applies the rules to a serialized node whose structure is in the DOM. */
  private void walk(SanitizerSession s, ObjectNode n, Report report) {
    DomNode node = s.nodes.get(n.path("id").asInt(Integer.MIN_VALUE));
    if (node == null) {
      redactAll(n, report);
      return;
    }
    if (node.isElement()) {
      flags(node);
      String tagName = n.path("tagName").asText("");
      String redacted = redact(tagName, report);
      if (!redacted.equals(tagName)) {
        n.put("tagName", redacted); // the DOM keeps the tag as sent: it matches no selector either way
      }
      redactOthers(n, ELEMENT_FIELDS, report);
      if (node.blocked && (node.parent == null || !node.parent.blocked)) {
        blockElement(n);
        redactAll(n.path("attributes"), report);
        return;
      }
      if (n.path("attributes") instanceof ObjectNode a) {
        attributes(node, a, report);
      } else {
        redactAll(n.path("attributes"), report);
      }
    } else {
      redactOthers(n, OTHER_NODE_FIELDS, report);
      if (n.has("textContent")) {
        String text = n.path("textContent").asText("");
        n.put("textContent", node.orphan ? mask(text, report) : text(node.parent, text, report));
      }
    }
    if (n.path("childNodes") instanceof ArrayNode children) {
      for (JsonNode c : children) {
        if (c instanceof ObjectNode child) {
          walk(s, child, report);
        }
      }
    }
  }

  private static void blockElement(ObjectNode n) {
    ObjectNode kept = n.objectNode();
    for (String keep : List.of("class", "rr_width", "rr_height")) {
      if (n.path("attributes").has(keep)) {
        kept.set(keep, n.path("attributes").get(keep));
      }
    }
    n.set("attributes", kept);
    if (n.has("childNodes")) {
      n.set("childNodes", n.arrayNode());
    }
  }

  private void incremental(SanitizerSession s, ObjectNode d, Report report) {
    int source = d.path("source").asInt(-1);
    if (source == 0) {
      mutation(s, d, report);
    } else if (source == 5) {
      DomNode node = s.nodes.get(d.path("id").asInt(Integer.MIN_VALUE));
      if (d.path("text").isTextual()) {
        String text = d.path("text").asText();
        d.put("text", masksValue(node) ? mask(text, report) : redact(text, report));
        redactOthers(d, INPUT_FIELDS, report);
      } else {
        redactAll(d, report);
      }
    } else {
      redactAll(d, report);
    }
  }

  private void mutation(SanitizerSession s, ObjectNode d, Report report) {
    redactOthers(d, MUTATION_FIELDS, report);
    for (String list : MUTATION_FIELDS) {
      if (d.get(list) instanceof ArrayNode items) {
        for (int i = 0; i < items.size(); i++) {
          if (items.get(i).isTextual()) {
            items.set(i, TextNode.valueOf(redact(items.get(i).asText(), report))); // not an entry: just a string
          }
        }
      } else if (d.has(list)) {
        redactAll(d.get(list), report);
      }
    }
    if (d.path("removes") instanceof ArrayNode removes) {
      redactAll(removes, report);
      for (JsonNode r : removes) {
        DomNode gone = s.nodes.get(r.path("id").asInt(Integer.MIN_VALUE));
        if (gone != null) {
          if (gone.parent != null) {
            gone.parent.unlink(gone);
          }
          forget(s, gone);
        }
      }
    }
    if (d.path("adds") instanceof ArrayNode adds) {
      // First the structure of every add, then the rules. rrweb may list a node before the node it is added under
      // (both new in this mutation): such an add waits until its parent is placed. Nodes under a blocked element are
      // tracked (later mutations name them) but not recorded. A node whose parent stays unknown is an orphan: its
      // text and values are masked (no replayer could place it either, and nothing says what it is).
      List<ObjectNode> added = new ArrayList<>();
      Set<JsonNode> unrecorded = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      List<JsonNode> waiting = new ArrayList<>();
      for (JsonNode a : adds) {
        if (a instanceof ObjectNode o && o.path("node") instanceof ObjectNode) {
          redactOthers(o, ADD_FIELDS, report);
        } else {
          redactAll(a, report);
        }
        if (!place(s, a, false, added, unrecorded, report)) {
          waiting.add(a);
        }
      }
      // Each pass places the adds whose parent an earlier pass placed (bounded: hostile input cannot make it square).
      for (int pass = 0; !waiting.isEmpty() && pass < 16; pass++) {
        int before = waiting.size();
        waiting.removeIf(a -> place(s, a, false, added, unrecorded, report));
        if (waiting.size() == before) {
          break;
        }
      }
      for (JsonNode a : waiting) {
        place(s, a, true, added, unrecorded, report);
      }
      if (!unrecorded.isEmpty()) {
        for (Iterator<JsonNode> it = adds.iterator(); it.hasNext(); ) {
          if (unrecorded.contains(it.next())) {
            it.remove();
          }
        }
      }
      for (ObjectNode n : added) {
        walk(s, n, report);
      }
    }
    if (d.path("texts") instanceof ArrayNode texts) {
      for (Iterator<JsonNode> it = texts.iterator(); it.hasNext(); ) {
        JsonNode t = it.next();
        DomNode node = s.nodes.get(t.path("id").asInt(Integer.MIN_VALUE));
        if (node != null && node.parent != null && blocked(node.parent)) {
          it.remove();
        } else if (t instanceof ObjectNode o && o.path("value").isTextual()) {
          String value = o.path("value").asText();
          o.put("value", node == null || node.orphan || node.parent == null ? mask(value, report)
              : text(node == null ? null : node.parent, value, report));
          redactOthers(o, TEXT_FIELDS, report);
        } else {
          redactAll(t, report);
        }
      }
    }
    if (d.path("attributes") instanceof ArrayNode changes) {
      for (Iterator<JsonNode> it = changes.iterator(); it.hasNext(); ) {
        JsonNode c = it.next();
        DomNode node = s.nodes.get(c.path("id").asInt(Integer.MIN_VALUE));
        if (node != null && blocked(node)) {
          it.remove();
        } else if (c.path("attributes") instanceof ObjectNode a) {
          if (node != null && node.attributes != null) {
            a.fields().forEachRemaining(f -> {
              if (f.getValue().isTextual()) {
                node.attributes.put(f.getKey().toLowerCase(java.util.Locale.ROOT), f.getValue().asText());
              }
            });
          } else if (node != null && node.inputType != null && a.path("type").isTextual()) {
            node.inputType = a.path("type").asText().toLowerCase(java.util.Locale.ROOT);
          }
          attributes(node, a, report);
          redactOthers((ObjectNode) c, ATTRIBUTE_CHANGE_FIELDS, report);
        } else {
          redactAll(c, report);
        }
      }
    }
  }

  /**
   * Adds one entry of a mutation's adds to the DOM when its parent is known (or, with {@code anyway}, as an orphan);
   * false when it must wait for its parent.
   */
  private boolean place(SanitizerSession s, JsonNode a, boolean anyway, List<ObjectNode> added,
      Set<JsonNode> unrecorded, Report report) {
    if (!(a.path("node") instanceof ObjectNode n)) {
      return true;
    }
    DomNode parent = s.nodes.get(a.path("parentId").asInt(Integer.MIN_VALUE));
    if (parent == null && !anyway) {
      return false;
    }
    insertBefore(s, n, parent, a.path("nextId").asInt(Integer.MIN_VALUE), report);
    if (parent != null && blocked(parent)) {
      unrecorded.add(a);
    } else {
      added.add(n);
    }
    return true;
  }

  private void insertBefore(SanitizerSession s, ObjectNode n, DomNode parent, int nextId, Report report) {
    insert(s, n, parent, report);
    if (parent == null) {
      // Added under a node this session does not know (forgotten, or never sent): its text and values are masked.
      DomNode orphan = s.nodes.get(n.path("id").asInt(Integer.MIN_VALUE));
      if (orphan != null) {
        orphan.orphan = true;
      }
    }
    DomNode next = s.nodes.get(nextId);
    if (parent != null && next != null && next.parent == parent) {
      parent.moveBefore(parent.lastChild, next);
    }
  }

  /** Masks or redacts an element's attribute values (strings in other values, such as style objects, redacted). */
  private void attributes(DomNode element, ObjectNode a, Report report) {
    for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!f.getValue().isTextual()) {
        redactAll(f.getValue(), report);
        continue;
      }
      String value = f.getValue().asText();
      String out = attributeValue(element, f.getKey(), value, report);
      if (!out.equals(value)) {
        f.setValue(TextNode.valueOf(out));
      }
    }
  }

  /** An attribute's new value: masked for the {@code value} of a masked input, else PII redacted. */
  String attributeValue(DomNode element, String name, String value, Report report) {
    return name.equalsIgnoreCase("value") && masksValue(element) ? mask(value, report) : redact(value, report);
  }

  /** A text node's new text, under {@code parent} (null: unknown, e.g. after a restart). */
  String text(DomNode parent, String text, Report report) {
    DomNode element = parent == null ? null : parent.element();
    if (element != null) {
      flags(element);
      if (!"style".equals(element.tag) && !"script".equals(element.tag)
          && (element.sensitive || element.selectorMasked && !element.unmasked)) {
        return mask(text, report);
      }
    }
    return redact(text, report);
  }

  /** Whether an input value of this element is masked: by its type, its name, or when the element is unknown. */
  private boolean masksValue(DomNode element) {
    if (element == null) {
      return true;
    }
    flags(element);
    String type = element.inputType != null ? element.inputType : "text";
    return policy.masking().masksInput(type) || element.sensitive || element.selectorMasked && !element.unmasked;
  }

  boolean blocked(DomNode n) {
    DomNode e = n.element();
    if (e == null) {
      return false;
    }
    flags(e);
    return e.blocked;
  }

  /** Computes an element's flags from its parent's and its own attributes (once). */
  void flags(DomNode e) {
    flags.of(e);
  }

  private boolean plugin(ObjectNode d, Report report) {
    String plugin = d.path("plugin").asText("");
    if (plugin.startsWith("rrweb/console")) {
      String level = d.path("payload").path("level").asText("log");
      if (!policy.console().capture() || !policy.console().levels().contains(level)) {
        report.dropped++;
        return false;
      }
    } else if (plugin.startsWith("rrweb/network")) {
      // Request URLs and timings only, where the policy captures the network: never headers or bodies, and the
      // URL minimised like a page's (no query unless the policy keeps it).
      if (!policy.network().capture() || !(d.path("payload").path("requests") instanceof ArrayNode requests)) {
        report.dropped++;
        return false;
      }
      for (JsonNode r : requests) {
        if (r instanceof ObjectNode request) {
          request.retain(NETWORK_FIELDS);
          if (request.path("url").isTextual()) {
            request.put("url", evaluator.minimiseUrl(request.path("url").asText()));
          }
        }
      }
    }
    redactAll(d, report);
    return true;
  }

  /** What a recorded request may keep (rrweb's network plugin format, without headers and bodies). */
  private static final List<String> NETWORK_FIELDS =
      List.of("url", "method", "initiatorType", "status", "startTime", "endTime");

  /** Redacts every string in a JSON value, recursively. */
  void redactAll(JsonNode n, Report report) {
    if (n instanceof ObjectNode o) {
      redactOthers(o, Set.of(), report);
    } else if (n instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        if (a.get(i).isTextual()) {
          String v = a.get(i).asText();
          String r = redact(v, report);
          if (!r.equals(v)) {
            a.set(i, TextNode.valueOf(r));
          }
        } else {
          redactAll(a.get(i), report);
        }
      }
    }
  }

  /** PII in {@code text} redacted (as every string outside the masking rules is). */
  String redact(String text, Report report) {
    if (text.isEmpty() || !pii.contains(text)) {
      return text;
    }
    for (io.witness.policy.PiiMatch m : pii.scan(text)) {
      report.redacted.merge(m.kind(), 1, Integer::sum);
      if (quarantine && m.kind() != PiiKind.CARD && report.quarantined.size() < Report.QUARANTINE_KEPT) {
        report.quarantined.add(new Report.Quarantined(m.kind(), text.substring(m.start(), m.end())));
      }
    }
    return pii.redact(text);
  }

  private static String mask(String text, Report report) {
    if (text.isEmpty()) {
      return text;
    }
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      b.append(Character.isWhitespace(c) ? c : '*');
    }
    String out = b.toString();
    if (!out.equals(text)) {
      report.masked++;
    }
    return out;
  }

  static void forget(SanitizerSession s, DomNode n) {
    s.nodes.remove(n.id);
    forgetChildren(s, n);
  }

  private static void forgetChildren(SanitizerSession s, DomNode n) {
    for (DomNode c = n.firstChild; c != null; c = c.next) {
      forget(s, c);
    }
    n.firstChild = null;
    n.lastChild = null;
  }
}
