/** The engine's working parts; not an API. */
@NullMarked
package dev.deltasync.engine.internal;

import org.jspecify.annotations.NullMarked;
