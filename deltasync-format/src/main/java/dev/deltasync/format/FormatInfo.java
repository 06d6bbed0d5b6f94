package dev.deltasync.format;

/** Facts about the change-log format this build reads and writes. */
public final class FormatInfo {
  /** The container format version this build writes, and the only one it reads. */
  public static final int FORMAT_VERSION = ContainerLayout.FORMAT_VERSION;

  /** The media type of an encoded change log, for HTTP and file associations. */
  public static final String MEDIA_TYPE = "application/vnd.deltasync.changelog";

  /** The file name extension of an encoded change log. */
  public static final String FILE_EXTENSION = ".dslog";

  private FormatInfo() {}
}
