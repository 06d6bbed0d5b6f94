/** Content-defined chunking (FastCDC) and chunk hashing. */
@NullMarked
package dev.deltasync.engine.chunk;

import org.jspecify.annotations.NullMarked;
