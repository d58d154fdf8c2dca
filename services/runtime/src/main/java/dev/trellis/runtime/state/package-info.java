/**
 * Live state in an embedded Hazelcast member: building the member's config from {@link
 * dev.trellis.runtime.config.Settings} or a YAML/XML file ({@link
 * dev.trellis.runtime.state.MemberConfig}) and starting it with a bounded wait for the cluster to
 * form ({@link dev.trellis.runtime.state.EmbeddedMember}).
 */
package dev.trellis.runtime.state;
