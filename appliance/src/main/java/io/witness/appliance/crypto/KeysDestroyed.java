package io.witness.appliance.crypto;

import java.util.List;

/**
 * A CDI event fired once keys of {@code siteId} were destroyed: whoever caches keys derived from them (a
 * recording's data key) drops them, so nothing destroyed decrypts anything afterwards.
 */
public record KeysDestroyed(String siteId, List<String> keyIds) {}
