/** The service runtime every Trellis service shares. */
package dev.trellis.runtime;
