package dev.deltasync.sources.vcard;

/** A vCard entry that cannot be read; the message names the file and line and what is wrong. */
final class MalformedEntryException extends Exception {
  private static final long serialVersionUID = 1L;

  MalformedEntryException(String message) {
    super(message);
  }
}
