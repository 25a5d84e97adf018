/**
 * Data subjects: who a recording is about (the SDK's visitor, named by identify() or an import's subject), their
 * identify() traits (sealed, found by blind index), the search for a subject's recordings (GDPR Art. 15) and their
 * erasure by key destruction with a signed certificate (Art. 17).
 */
package io.witness.appliance.subject;
