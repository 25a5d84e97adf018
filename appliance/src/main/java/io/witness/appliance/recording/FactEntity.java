package io.witness.appliance.recording;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/**
 * One analytics fact of a recording, read side; see {@link Fact} for the kinds and columns, {@link FactRows} for
 * writes.
 */
@Entity
@Table(name = "recording_facts")
class FactEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "facts")
  @SequenceGenerator(name = "facts", sequenceName = "recording_facts_seq", allocationSize = 50)
  long id;

  @Column(name = "recording_id", nullable = false) String recordingId;
  @Column(nullable = false) String kind;
  @Column(name = "ts_ms", nullable = false) long tsMs;
  Integer x;
  Integer y;
  @Column(name = "node_id") Integer nodeId;
  String selector;
  /** Only of recordings stored before encryption; see {@link #textSealed}. */
  @Column(name = "text_value") String textValue;
  @Column(name = "text_sealed") byte[] textSealed;
  /** Blind index of a page fact's path (RecordingKeys#pageIndex). */
  @Column(name = "url_index") String urlIndex;

  /** A fact's text sealed under its recording's data key, bound to its recording, kind and time. */
  static byte[] sealText(javax.crypto.SecretKey key, String recordingId, Fact.Kind kind, long tsMs, String text) {
    return RecordingKeys.sealField(key, recordingId, "fact:" + kind.name() + ":" + tsMs, text);
  }

  /** The fact, its text opened with the recording's data key (null for a recording stored before encryption). */
  Fact toFact(javax.crypto.SecretKey key) {
    Fact.Kind k = Fact.Kind.valueOf(kind.toUpperCase(java.util.Locale.ROOT));
    String text = textSealed == null ? textValue
        : RecordingKeys.openField(key, recordingId, "fact:" + k.name() + ":" + tsMs, textSealed);
    return new Fact(k, tsMs,
        java.util.Optional.ofNullable(x), java.util.Optional.ofNullable(y), java.util.Optional.ofNullable(nodeId),
        java.util.Optional.ofNullable(selector), java.util.Optional.ofNullable(text));
  }
}
