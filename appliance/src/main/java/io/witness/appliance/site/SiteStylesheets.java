package io.witness.appliance.site;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.platform.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * SiteStylesheets the SDK need not send again (capture-protocol.md, "SiteStylesheets sent once"). rrweb inlines every
 * stylesheet of a page into its full snapshot ({@code _cssText}): on SB Admin 2 that is ≈ 260 KB per page load,
 * most of a session's upload. The appliance remembers the stylesheets of admitted batches by the SHA-256 of their
 * text and names them in its answer to the batch and in the site's policy for the browser (the most recently used);
 * a later batch of any visitor of the site may then send
 * {@code "_cssText":"","rr_css":"<sha-256>"} instead, and {@link #expand} puts the text back before admission, so
 * what is sanitized, stored and replayed is the same as if it had been sent inline.
 *
 * <p>The hash is of the stylesheet as admitted (after the policy), so a stylesheet the policy changed (PII in it)
 * never matches what the browser holds and keeps being sent inline. Poisoning is not possible: the appliance
 * hashes what it stores itself. Held in memory (bounded, least recently used out) and in the database
 * ({@link StylesheetStore}: sealed, expiring with the month's retention bucket), so references stay valid across
 * restarts and evictions: a reference the appliance does not hold in either (expired, or never sent) is answered
 * 409 {@code stylesheet-unknown}, nothing stored, and the SDK sends the batch again with the stylesheet inline.
 */
@ApplicationScoped
public class SiteStylesheets {
  /** Stylesheets shorter than this (escaped JSON bytes) are not remembered: a reference would save little. */
  static final int MIN_BYTES = 1_000;
  static final long MAX_BYTES = 32L * 1024 * 1024;
  private static final byte[] INLINE = "\"_cssText\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REFERENCE = "\"_cssText\":\"\",\"rr_css\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final int HASH_CHARS = 64;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Database look-ups one batch may cause (a page has a handful of stylesheets); beyond them: unknown. */
  static final int LOOKUPS_PER_BATCH = 32;
  private static final Logger LOG = Logger.getLogger(SiteStylesheets.class.getName());

  /** The database copy; null (memory only) where constructed without CDI, as in unit tests. */
  @jakarta.inject.Inject StylesheetStore store;

  /** Site id + ":" + hash → the stylesheet as escaped JSON string content (between the quotes). */
  private final Map<String, byte[]> known = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;
  /** Sites whose most recent stylesheets were read from the database since the start. */
  private final Set<String> loadedSites = ConcurrentHashMap.newKeySet();

  /** A stylesheet found in an admitted batch, remembered once the batch is stored ({@link #remember}). */
  public record Found(String hash, byte[] escaped) {}

  /**
   * The body with every stylesheet reference replaced by the stylesheet's text; the same array when it has none.
   * Throws 409 when a reference is unknown here and 413 when the expanded body is over {@code maxBytes}.
   */
  public byte[] expand(String siteId, byte[] body, int length, int[] newLength, long maxBytes) {
    int at = indexOf(body, 0, length, REFERENCE);
    if (at < 0) {
      newLength[0] = length;
      return body;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(length + 256 * 1024);
    int from = 0;
    List<String> missing = new ArrayList<>();
    int lookups = LOOKUPS_PER_BATCH;
    while (at >= 0) {
      int hashStart = at + REFERENCE.length;
      int hashEnd = hashStart + HASH_CHARS;
      if (hashEnd >= length || body[hashEnd] != '"' || !hex(body, hashStart, hashEnd)) {
        throw ProblemException.validation("rr_css", "a stylesheet reference is 64 lower-case hex digits");
      }
      String hash = new String(body, hashStart, HASH_CHARS, StandardCharsets.US_ASCII);
      byte[] css;
      synchronized (known) {
        css = known.get(siteId + ":" + hash);
      }
      if (css == null && lookups-- > 0) {
        css = stored(siteId, hash);
      }
      if (css == null) {
        missing.add(hash); // the batch is refused below
      } else {
        out.write(body, from, at - from);
        out.writeBytes(INLINE);
        out.writeBytes(css);
        out.write('"');
        if (out.size() > maxBytes) {
          throw ProblemException.tooLarge("the batch with its stylesheets is over " + maxBytes + " bytes");
        }
      }
      from = hashEnd + 1;
      at = indexOf(body, from, length, REFERENCE);
    }
    if (!missing.isEmpty()) {
      throw new ProblemException(ProblemType.STYLESHEET_UNKNOWN, 409, "this batch refers to " + missing.size()
          + " stylesheet(s) the appliance does not hold (any more): send them inline");
    }
    out.write(body, from, length - from);
    newLength[0] = out.size();
    return out.toByteArray();
  }

  /** The stylesheets (at least {@link #MIN_BYTES}) of an admitted batch's JSON, with their hashes. */
  public List<Found> find(byte[] json, int length) {
    List<Found> found = new ArrayList<>();
    for (int at = indexOf(json, 0, length, INLINE); at >= 0; at = indexOf(json, at + 1, length, INLINE)) {
      int start = at + INLINE.length;
      int end = start;
      while (end < length && json[end] != '"') {
        end += json[end] == '\\' ? 2 : 1;
      }
      if (end >= length || end - start < MIN_BYTES) {
        continue;
      }
      Found f = hashed.get(json, start, end);
      if (f == null) {
        f = hash(json, start, end);
        if (f == null) {
          continue; // not a string after all: nothing to remember
        }
        hashed.put(f);
      }
      found.add(f);
      at = end;
    }
    return found;
  }

  /** {@code json[start, end)}, the escaped content of a JSON string, with the SHA-256 of its text; null if none. */
  private static Found hash(byte[] json, int start, int end) {
    try (JsonParser p = JSON.getFactory().createParser(json, start - 1, end - start + 2)) {
      if (p.nextToken() != JsonToken.VALUE_STRING) {
        return null;
      }
      byte[] text = p.getText().getBytes(StandardCharsets.UTF_8);
      return new Found(HexFormat.of().formatHex(sha256().digest(text)),
          Arrays.copyOfRange(json, start, end));
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The stylesheets hashed most recently, by their escaped bytes: a page's stylesheets come again in every full
   * snapshot of every visitor whose browser does not yet send references (a first visit, plain rrweb imports), and
   * unescaping and hashing them was 7 % of the ingest path's CPU; comparing the bytes with a held copy costs a
   * fraction of it (docs/benchmarks.md, "Session 18"). Keyed by length, then checked byte for byte; bounded in bytes.
   */
  private static final class Hashed {
    static final long MAX_BYTES = 8L << 20;
    private final Map<Integer, Found> byLength = new HashMap<>();
    private long bytes;

    /** The held stylesheet equal to {@code json[start, end)}, or null; compared outside the lock. */
    Found get(byte[] json, int start, int end) {
      Found f;
      synchronized (this) {
        f = byLength.get(end - start);
      }
      return f != null && Arrays.equals(f.escaped(), 0, f.escaped().length, json, start, end) ? f : null;
    }

    synchronized void put(Found f) {
      if (bytes + f.escaped().length > MAX_BYTES) {
        byLength.clear();
        bytes = 0;
      }
      Found old = byLength.put(f.escaped().length, f);
      bytes += f.escaped().length - (old == null ? 0 : old.escaped().length);
    }
  }

  private final Hashed hashed = new Hashed();

  /** Remembers the stylesheets of a stored batch; returns the hashes the SDK may refer to from now on. */
  public List<String> remember(String siteId, List<Found> found) {
    if (found.isEmpty()) {
      return List.of();
    }
    List<String> hashes = new ArrayList<>(found.size());
    List<Found> added = new ArrayList<>();
    synchronized (known) {
      for (Found f : found) {
        if (known.get(siteId + ":" + f.hash()) == null) {
          hold(siteId, f.hash(), f.escaped());
          added.add(f);
        }
        if (!hashes.contains(f.hash())) {
          hashes.add(f.hash());
        }
      }
      hashes.removeIf(h -> !known.containsKey(siteId + ":" + h));
    }
    if (store != null) {
      for (Found f : added) {
        try {
          store.save(siteId, f.hash(), f.escaped());
        } catch (RuntimeException e) {
          // The batch is stored; the stylesheet stays in memory (after a restart: one 409, then inline again).
          LOG.warning(() -> "a stylesheet of site " + siteId + " could not be stored: " + e.getClass().getName());
        }
      }
    }
    return hashes;
  }

  /** Puts a stylesheet in memory, the least recently used out beyond {@link #MAX_BYTES}; holds {@code known}. */
  private void hold(String siteId, String hash, byte[] escaped) {
    if (known.put(siteId + ":" + hash, escaped) == null) {
      bytes += escaped.length;
    }
    var it = known.entrySet().iterator();
    while (bytes > MAX_BYTES && it.hasNext()) {
      bytes -= it.next().getValue().length;
      it.remove();
    }
  }

  /** A stylesheet from the database (then held in memory too); null when it has none or cannot be asked. */
  private byte[] stored(String siteId, String hash) {
    if (store == null) {
      return null;
    }
    synchronized (known) {
      byte[] held = known.get(siteId + ":" + hash);
      if (held != null) {
        return held;
      }
    }
    try {
      byte[] css = store.load(siteId, hash).orElse(null);
      if (css != null) {
        synchronized (known) {
          hold(siteId, hash, css);
        }
      }
      return css;
    } catch (RuntimeException e) {
      LOG.warning(() -> "stylesheets of site " + siteId + " could not be read: " + e.getClass().getName());
      return null; // answered 409: the SDK sends it inline
    }
  }

  /** The hashes of the site's most recently used stylesheets (at most {@code max}), for the browser's policy. */
  public List<String> recent(String siteId, int max) {
    if (store != null && loadedSites.add(siteId)) {
      // First ask since the start: the site's most recent stylesheets from the database, the oldest first.
      try {
        store.recent(siteId, max).reversed().forEach(hash -> stored(siteId, hash));
      } catch (RuntimeException e) {
        loadedSites.remove(siteId);
        LOG.warning(() -> "stylesheets of site " + siteId + " could not be read: " + e.getClass().getName());
      }
    }
    String prefix = siteId + ":";
    List<String> all = new ArrayList<>();
    synchronized (known) {
      for (String key : known.keySet()) {
        if (key.startsWith(prefix)) {
          all.add(key.substring(prefix.length()));
        }
      }
    }
    return List.copyOf(all.subList(Math.max(0, all.size() - max), all.size()).reversed());
  }

  private static boolean hex(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!(b[i] >= '0' && b[i] <= '9' || b[i] >= 'a' && b[i] <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /**
   * The first {@code needle} (at least 2 bytes) in {@code b[from, to)}, or -1. Keyed on the needle's second byte:
   * both needles start with a quote, the commonest byte of JSON, and then {@code _}, a rare one; the key is looked
   * for eight bytes at a time (a word with no key byte is skipped whole), then each candidate compared. Every
   * batch is scanned twice; this was 4 % of the ingest path's CPU a byte at a time (docs/benchmarks.md, "Session
   * 18").
   */
  static int indexOf(byte[] b, int from, int to, byte[] needle) {
    byte key = needle[1];
    long keys = (key & 0xFFL) * ONES;
    int last = to - needle.length + 1; // the last place the needle's second byte may be, plus one
    int i = from + 1;
    while (i <= last) {
      if (i + 8 <= to) {
        long x = (long) LONGS.get(b, i) ^ keys;
        if (((x - ONES) & ~x & HIGHS) == 0) {
          i += 8; // no key byte in b[i, i + 8)
          continue;
        }
      }
      int stop = Math.min(i + 8, last + 1);
      for (; i < stop; i++) {
        if (b[i] == key && matches(b, i - 1, needle)) {
          return i - 1;
        }
      }
    }
    return -1;
  }

  private static boolean matches(byte[] b, int start, byte[] needle) {
    for (int j = 0; j < needle.length; j++) {
      if (b[start + j] != needle[j]) {
        return false;
      }
    }
    return true;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
