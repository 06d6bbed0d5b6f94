/** The HTTP layer of the server: routes, authentication, problems, events, metrics. */
@NullMarked
package dev.deltasync.server.internal;

import org.jspecify.annotations.NullMarked;
