/** Fixtures for testing deltasync and code built on it: stores in memory, faults on demand. */
@NullMarked
package dev.deltasync.testkit;

import org.jspecify.annotations.NullMarked;
