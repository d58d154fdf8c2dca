/**
 * Untrusted text: the one definition of unsafe characters ({@link
 * dev.trellis.runtime.text.UnsafeChars}) and the validation of text fields ({@link
 * dev.trellis.runtime.text.TextField}) that request bodies, names and hostnames go through.
 */
package dev.trellis.runtime.text;
