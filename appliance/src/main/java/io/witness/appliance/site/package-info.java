/**
 * Sites: the customer web properties Witness records. Each has a public site key the recorder SDK sends with
 * every batch. The demo site exists out of the box.
 */
package io.witness.appliance.site;
