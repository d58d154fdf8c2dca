package dev.trellis.admin.cli;

import dev.trellis.admin.cli.args.ArgParser;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.audit.Audit;
import dev.trellis.admin.cli.command.authkeys.AuthKeysCreate;
import dev.trellis.admin.cli.command.authkeys.AuthKeysList;
import dev.trellis.admin.cli.command.authkeys.AuthKeysRevoke;
import dev.trellis.admin.cli.command.dns.DnsGet;
import dev.trellis.admin.cli.command.dns.DnsRecordsAdd;
import dev.trellis.admin.cli.command.dns.DnsRecordsRemove;
import dev.trellis.admin.cli.command.dns.DnsSet;
import dev.trellis.admin.cli.command.dns.DnsSplitRemove;
import dev.trellis.admin.cli.command.dns.DnsSplitSet;
import dev.trellis.admin.cli.command.nodes.NodesApprove;
import dev.trellis.admin.cli.command.nodes.NodesDelete;
import dev.trellis.admin.cli.command.nodes.NodesExpire;
import dev.trellis.admin.cli.command.nodes.NodesList;
import dev.trellis.admin.cli.command.nodes.NodesRename;
import dev.trellis.admin.cli.command.nodes.NodesShow;
import dev.trellis.admin.cli.command.nodes.NodesTag;
import dev.trellis.admin.cli.command.policy.PolicyGet;
import dev.trellis.admin.cli.command.policy.PolicySet;
import dev.trellis.admin.cli.command.policy.PolicyTestCommand;
import dev.trellis.admin.cli.command.policy.PolicyValidate;
import dev.trellis.admin.cli.command.replay.ReplayVerify;
import dev.trellis.admin.cli.command.routes.RoutesApprove;
import dev.trellis.admin.cli.command.routes.RoutesList;
import dev.trellis.admin.cli.command.routes.RoutesUnapprove;
import dev.trellis.admin.cli.command.tailnet.TailnetCreate;
import dev.trellis.admin.cli.command.tailnet.TailnetList;
import dev.trellis.admin.cli.command.tailnet.TailnetSet;
import dev.trellis.admin.cli.command.tokens.TokensCreate;
import dev.trellis.admin.cli.command.tokens.TokensList;
import dev.trellis.admin.cli.command.tokens.TokensRevoke;
import dev.trellis.admin.cli.command.users.UsersInvite;
import dev.trellis.admin.cli.command.users.UsersList;
import dev.trellis.admin.cli.command.users.UsersRemove;
import dev.trellis.admin.cli.command.users.UsersSetPassword;
import dev.trellis.admin.cli.command.users.UsersSetRole;
import dev.trellis.admin.cli.failure.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The commands trellis-admin knows, found by their words: the longest registered path that prefixes
 * the command line wins. Later commands (authkeys, users, tokens, nodes, policy) are added by
 * writing one {@link Command} class each and listing it in {@link #standard()}.
 *
 * <p>Immutable after construction, so safe to share between threads.
 */
public final class CommandRegistry {
  private final List<Command> commands;

  public CommandRegistry(List<Command> commands) {
    this.commands = List.copyOf(commands);
    for (int i = 0; i < commands.size(); i++) {
      for (int j = i + 1; j < commands.size(); j++) {
        if (commands.get(i).path().equals(commands.get(j).path())) {
          throw new IllegalArgumentException("two commands named " + commands.get(i).name());
        }
      }
    }
  }

  /** Every command of this version of trellis-admin. */
  public static CommandRegistry standard() {
    return new CommandRegistry(
        List.of(
            new TailnetCreate(),
            new TailnetList(),
            new TailnetSet(),
            new UsersList(),
            new UsersInvite(),
            new UsersSetRole(),
            new UsersSetPassword(),
            new UsersRemove(),
            new TokensCreate(),
            new TokensList(),
            new TokensRevoke(),
            new AuthKeysCreate(),
            new AuthKeysList(),
            new AuthKeysRevoke(),
            new NodesList(),
            new NodesShow(),
            new NodesRename(),
            new NodesExpire(),
            new NodesDelete(),
            new NodesTag(),
            new NodesApprove(),
            new RoutesList(),
            new RoutesApprove(),
            new RoutesUnapprove(),
            new PolicyGet(),
            new PolicySet(),
            new PolicyValidate(),
            new PolicyTestCommand(),
            new DnsGet(),
            new DnsSet(),
            new DnsSplitSet(),
            new DnsSplitRemove(),
            new DnsRecordsAdd(),
            new DnsRecordsRemove(),
            new Audit(),
            new ReplayVerify()));
  }

  /** The registered commands, in help order. */
  public List<Command> commands() {
    return commands;
  }

  /** A command and how many leading words of the command line selected it. */
  public record Match(Command command, int words) {}

  /**
   * The command selected by the leading non-option words of {@code tokens}; a usage error for an
   * unknown command, listing the subcommands when the first word names a group.
   */
  public Match resolve(List<String> tokens) throws UsageException {
    List<String> words = new ArrayList<>();
    for (String t : tokens) {
      if (ArgParser.isOption(t)) {
        break;
      }
      words.add(t);
    }
    Match best = null;
    for (Command c : commands) {
      List<String> path = c.path();
      if (path.size() <= words.size()
          && words.subList(0, path.size()).equals(path)
          && (best == null || path.size() > best.words())) {
        best = new Match(c, path.size());
      }
    }
    if (best != null) {
      return best;
    }
    if (words.isEmpty()) {
      throw new UsageException("missing command", "run 'trellis-admin --help' for the commands");
    }
    String first = words.getFirst();
    List<Command> group = commands.stream().filter(c -> c.path().getFirst().equals(first)).toList();
    String typed = words.size() > 1 ? first + " " + words.get(1) : first;
    if (!group.isEmpty()) {
      String subs =
          group.stream().map(Command::usage).collect(Collectors.joining(System.lineSeparator()));
      throw new UsageException(
          words.size() > 1 ? "unknown command '" + typed + "'" : "missing subcommand of " + first,
          subs);
    }
    throw new UsageException(
        "unknown command '" + first + "'", "run 'trellis-admin --help' for the commands");
  }
}
