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
  @Column(name = "text_value") String textValue;

  Fact toFact() {
    return new Fact(Fact.Kind.valueOf(kind.toUpperCase(java.util.Locale.ROOT)), tsMs,
        java.util.Optional.ofNullable(x), java.util.Optional.ofNullable(y), java.util.Optional.ofNullable(nodeId),
        java.util.Optional.ofNullable(selector), java.util.Optional.ofNullable(textValue));
  }
}
