/**
 * The iCalendar source: a single {@code .ics} file or a vdir of them, read and written losslessly
 * (see {@code docs/icalendar.md}).
 */
@NullMarked
package dev.deltasync.sources.ical;

import org.jspecify.annotations.NullMarked;
