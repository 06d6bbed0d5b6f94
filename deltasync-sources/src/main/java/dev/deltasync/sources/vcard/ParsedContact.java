package dev.deltasync.sources.vcard;

import dev.deltasync.format.v1.Component;
import org.jspecify.annotations.Nullable;

/**
 * One vCard as read.
 *
 * @param version its VERSION, or null when it has none this source knows
 * @param prodid its PRODID (kept when the entry is rewritten), or null
 * @param record the universal record: every property but VERSION and PRODID, in file order
 * @param uid the value of its UID property, or null when it has none (or an empty one)
 */
record ParsedContact(
    @Nullable VCardVersion version,
    @Nullable String prodid,
    Component record,
    @Nullable String uid) {}
