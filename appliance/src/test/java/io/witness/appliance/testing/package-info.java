/**
 * Test support for the appliance's integration tests: the project's own Arquillian container for Helidon MP
 * ({@link io.witness.appliance.testing.HelidonMpContainer}: the appliance boots in the test JVM on a free port,
 * with a fresh data directory, on H2 or on an embedded PostgreSQL chosen by {@code -Dwitness.test.db}), CDI
 * injection into tests, and small helpers: an API client ({@link io.witness.appliance.testing.WitnessApi}),
 * the shared rrweb corpus ({@link io.witness.appliance.testing.Corpus}), SDK-style batches, lazily generated
 * huge bodies and gzip bombs, raw-socket requests and row counts.
 *
 * <p>An integration test looks like this:
 * <pre>
 * &#64;ExtendWith(ArquillianExtension.class)
 * class SomethingIT {
 *   &#64;Deployment(testable = false)
 *   static JavaArchive deployment() {
 *     return Deployments.appliance();          // or appliance(Map.of("config.key", "value"))
 *   }
 *
 *   &#64;ArquillianResource URL url;             // http://127.0.0.1:&lt;port&gt;/
 *   &#64;Inject RecordingStore store;             // a bean of the running appliance
 * }
 * </pre>
 */
package io.witness.appliance.testing;
