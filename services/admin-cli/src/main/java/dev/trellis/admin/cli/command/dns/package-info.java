/**
 * The DNS commands: get, set (MagicDNS, suffix, resolvers, search domains), split set|remove (split
 * DNS) and records add|remove (extra records).
 */
package dev.trellis.admin.cli.command.dns;
