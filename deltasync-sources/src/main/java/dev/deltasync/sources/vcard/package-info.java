/**
 * Contacts as a {@link dev.deltasync.engine.Source}: one {@code .vcf} file holding many vCards, or
 * a vdir (one {@code .vcf} file per contact). vCard 2.1, 3.0 and 4.0 map to one universal record
 * (docs/vcard.md), so devices that use different versions converge.
 */
@NullMarked
package dev.deltasync.sources.vcard;

import org.jspecify.annotations.NullMarked;
