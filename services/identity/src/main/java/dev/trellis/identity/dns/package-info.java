/**
 * A tailnet's DNS settings (MagicDNS on or off, its suffix, global resolvers, split DNS, search
 * domains, extra records): the admin API, their validation, and the decision that appends {@code
 * DnsSettingsChanged} to {@code trellis.identity}. Identity owns them because they are tailnet
 * settings, like the key expiry and the login methods, and identity owns the tailnet; the
 * coordinator already follows identity's topic for tailnet-level state (name, suffix) and turns a
 * change into {@code dns_config_changed} netmap frames.
 */
package dev.trellis.identity.dns;
