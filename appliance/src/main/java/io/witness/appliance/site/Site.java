package io.witness.appliance.site;

/** A recorded web property. {@code siteKey} is public (it is in the page's HTML) and only routes batches. */
public record Site(String id, String name, String siteKey) {}
