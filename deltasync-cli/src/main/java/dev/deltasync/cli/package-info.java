/** The {@code deltasync} command: a thin shell over the operations of the other modules. */
@NullMarked
package dev.deltasync.cli;

import org.jspecify.annotations.NullMarked;
