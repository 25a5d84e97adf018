package io.witness.appliance.identity;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Accounts, console sessions and API tokens. Secrets are random 256-bit values handed to the caller once; the
 * database keeps their SHA-256 only, so a database dump gives no usable session.
 */
@ApplicationScoped
public class IdentityService {
  /** What a successful login or token request hands out. */
  public record Issued(String secret, String csrfToken, Instant expiresAt) {}

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String DUMMY_HASH = PasswordHasher.unmatchable();

  @PersistenceContext(unitName = "witness")
  EntityManager em;

  @Inject
  @ConfigProperty(name = "auth.session-ttl-minutes", defaultValue = "480")
  long sessionTtlMinutes;

  @Inject
  @ConfigProperty(name = "auth.token-ttl-minutes", defaultValue = "60")
  long tokenTtlMinutes;

  @Inject LoginThrottle throttle;

  Clock clock = Clock.systemUTC();

  /**
   * The bootstrap account's creation while its password is being hashed off the start-up path
   * ({@link AdminBootstrap}); a login or password change waits for it, so the account exists for them.
   */
  private volatile CompletableFuture<?> accountsPending = CompletableFuture.completedFuture(null);

  /** Checks a password; on success issues a console session (with CSRF token) or a bearer token. */
  @Transactional
  public Optional<Issued> login(Credentials credentials, boolean consoleSession) {
    awaitPendingAccounts();
    throttle.check(credentials.username());
    UserEntity user = em.find(UserEntity.class, credentials.username());
    // Hash even for unknown users so timing does not reveal which usernames exist.
    boolean ok = PasswordHasher.verify(credentials.password().toCharArray(),
        user == null ? DUMMY_HASH : user.passwordHash) && user != null;
    if (!ok) {
      throttle.failed(credentials.username());
      return Optional.empty();
    }
    throttle.succeeded(credentials.username());
    return Optional.of(issue(user.username, consoleSession));
  }

  private Issued issue(String username, boolean consoleSession) {
    String secret = randomToken();
    AuthSessionEntity s = new AuthSessionEntity();
    s.tokenHash = sha256(secret);
    s.username = username;
    s.kind = consoleSession ? AuthSessionEntity.SESSION : AuthSessionEntity.BEARER;
    s.csrfToken = consoleSession ? randomToken() : null;
    s.createdAt = OffsetDateTime.now(clock);
    s.expiresAt = s.createdAt.plus(Duration.ofMinutes(consoleSession ? sessionTtlMinutes : tokenTtlMinutes));
    em.persist(s);
    return new Issued(secret, s.csrfToken, s.expiresAt.toInstant());
  }

  /** The session or token behind a secret, if it exists and has not expired. */
  @Transactional
  public Optional<ActiveSession> authenticate(String secret, boolean consoleSession) {
    if (secret.isEmpty() || secret.length() > 200) {
      return Optional.empty();
    }
    AuthSessionEntity s = em.find(AuthSessionEntity.class, sha256(secret));
    if (s == null || !s.kind.equals(consoleSession ? AuthSessionEntity.SESSION : AuthSessionEntity.BEARER)
        || s.expiresAt.toInstant().isBefore(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(new ActiveSession(new Caller(s.username, consoleSession),
        Optional.ofNullable(s.csrfToken)));
  }

  /** An authenticated session; the CSRF token is present for console sessions. */
  public record ActiveSession(Caller caller, Optional<String> csrfToken) {}

  @Transactional
  public void logout(String secret) {
    AuthSessionEntity s = em.find(AuthSessionEntity.class, sha256(secret));
    if (s != null) {
      em.remove(s);
    }
  }

  /** Whether the account exists. */
  @Transactional
  public boolean userExists(String username) {
    return em.find(UserEntity.class, username) != null;
  }

  /**
   * Creates the account with an already computed {@link PasswordHasher#hash} if it does not exist yet; returns
   * false when it already existed.
   */
  @Transactional
  public boolean createUserIfAbsent(String username, String passwordHash) {
    if (em.find(UserEntity.class, username) != null) {
      return false;
    }
    UserEntity u = new UserEntity();
    u.username = username;
    u.passwordHash = passwordHash;
    u.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
    em.persist(u);
    return true;
  }

  /** Logins and password changes wait for {@code creation} (an account being created) before they look. */
  void awaitBeforeLogin(CompletableFuture<?> creation) {
    accountsPending = creation;
  }

  private void awaitPendingAccounts() {
    CompletableFuture<?> pending = accountsPending;
    if (pending.isDone()) {
      return;
    }
    try {
      pending.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the bootstrap account was being created", e);
    } catch (ExecutionException | TimeoutException e) {
      // The creation failed or hangs (logged where it runs): go on; the account is simply not there.
    }
  }

  /**
   * Changes a password after checking the current one; ends every other session and token of the account.
   * Returns false when the current password is wrong.
   */
  @Transactional
  public boolean changePassword(String username, char[] current, char[] next) {
    awaitPendingAccounts();
    throttle.check(username);
    UserEntity user = em.find(UserEntity.class, username);
    if (user == null || !PasswordHasher.verify(current, user.passwordHash)) {
      throttle.failed(username);
      return false;
    }
    user.passwordHash = PasswordHasher.hash(next);
    em.createQuery("delete from AuthSessionEntity s where s.username = :u").setParameter("u", username)
        .executeUpdate();
    return true;
  }

  @Transactional
  public void purgeExpired() {
    em.createQuery("delete from AuthSessionEntity s where s.expiresAt < :now")
        .setParameter("now", OffsetDateTime.now(clock)).executeUpdate();
  }

  static String randomToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
