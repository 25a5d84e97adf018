/**
 * Replay: the recordings list with its filters, a recording's metadata and timeline facts, and its events as a
 * stream for the console's player.
 */
package io.witness.appliance.replay;
