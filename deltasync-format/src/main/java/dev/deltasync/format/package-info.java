/**
 * The universal format of deltasync, version 1: the item model, changes, and the change-log
 * container with its binary and JSON encodings.
 *
 * <p>The schema'd types ({@link dev.deltasync.format.v1.Change}, {@link
 * dev.deltasync.format.v1.Item}, ...) are generated from {@code changelog.proto}; this package
 * holds the container codec around them. {@code docs/format.md} is the specification.
 */
@NullMarked
package dev.deltasync.format;

import org.jspecify.annotations.NullMarked;
