/** The folder source: a directory tree of files, directories and symbolic links. */
@NullMarked
package dev.deltasync.sources.folder;

import org.jspecify.annotations.NullMarked;
