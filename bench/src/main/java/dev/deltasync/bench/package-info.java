/**
 * JMH benchmarks of deltasync. Each benchmark builds its data from a fixed seed, so every run
 * measures the same bytes; docs/benchmarks.md says how to run them and records results.
 */
@NullMarked
package dev.deltasync.bench;

import org.jspecify.annotations.NullMarked;
