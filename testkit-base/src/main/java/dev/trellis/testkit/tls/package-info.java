/** TLS material for tests: self-signed keys made by the JDK's own keytool. */
package dev.trellis.testkit.tls;
