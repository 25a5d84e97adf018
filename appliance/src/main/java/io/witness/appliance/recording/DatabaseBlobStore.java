package io.witness.appliance.recording;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.Optional;

/** The default {@link BlobStore}: a table in the appliance's own database, inside the caller's transaction. */
@ApplicationScoped
class DatabaseBlobStore implements BlobStore {
  @PersistenceContext(unitName = "witness")
  EntityManager em;

  @Override
  @Transactional
  public void put(String key, byte[] data) {
    em.persist(BlobEntity.of(key, data));
  }

  @Override
  @Transactional
  public Optional<byte[]> get(String key) {
    BlobEntity b = em.find(BlobEntity.class, key);
    if (b == null) {
      return Optional.empty();
    }
    byte[] data = b.data;
    em.detach(b);
    return Optional.of(data);
  }

  @Override
  @Transactional
  public void delete(String key) {
    em.createQuery("delete from BlobEntity b where b.key = :k").setParameter("k", key).executeUpdate();
  }
}
