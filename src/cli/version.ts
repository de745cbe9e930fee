/**
 * The jetmq version, kept equal to package.json's (checked by a test), so a
 * compiled binary needs no file to report it.
 *
 * @module
 */

/** The jetmq version. */
export const VERSION = "0.1.0";
