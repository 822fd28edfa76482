package dev.trickle.node.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trickle cluster ...}: the running cluster, asked through a node's API. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Inspect and manage a running cluster through one node's API (--node).",
    subcommands = {ClusterCommand.Members.class, ClusterCommand.Shards.class, ClusterCommand.Leave.class,
        CommandLine.HelpCommand.class})
public final class ClusterCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code trickle cluster members}. */
  @Command(name = "members", mixinStandardHelpOptions = true, description = "List the cluster's members.")
  static final class Members implements Callable<Integer> {
    @Mixin NodeApiOptions api;
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "print as JSON") boolean json;

    @Override
    public Integer call() {
      List<Map<String, Object>> members = api.getList("/api/cluster/members");
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Output.json(out, members);
        return 0;
      }
      Output.table(out, List.of("NODE", "STATUS", "LEADER", "ASKED"), members.stream().map(member -> List.of(
          Output.text(member.get("node")), Output.text(member.get("status")),
          Boolean.TRUE.equals(member.get("leader")) ? "yes" : "", Boolean.TRUE.equals(member.get("self")) ? "yes" : ""))
          .toList());
      return 0;
    }
  }

  /** {@code trickle cluster shards}. */
  @Command(name = "shards", mixinStandardHelpOptions = true,
      description = "Show which node owns which stream table (through the shard its entity belongs to).")
  static final class Shards implements Callable<Integer> {
    @Mixin NodeApiOptions api;
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "print as JSON") boolean json;

    @Override
    public Integer call() {
      List<Map<String, Object>> shards = api.getList("/api/cluster/shards");
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Output.json(out, shards);
        return 0;
      }
      Output.table(out, List.of("DATABASE", "ID", "STREAM TABLE", "SHARD", "NODE"), shards.stream().map(shard -> List.of(
          Output.text(shard.get("database")), Output.text(shard.get("id")), Output.text(shard.get("streamTable")),
          Output.text(shard.get("shard")), shard.get("node") == null ? "(not allocated)" : Output.text(shard.get("node"))))
          .toList());
      return 0;
    }
  }

  /** {@code trickle cluster leave NODE}. */
  @Command(name = "leave", mixinStandardHelpOptions = true,
      description = "Ask a member to leave the cluster gracefully; its stream tables move to the other nodes.")
  static final class Leave implements Callable<Integer> {
    @Mixin NodeApiOptions api;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NODE",
        description = "the member: its address (pekko://trickle@host:port) or host:port of its cluster port")
    String node;

    @Override
    public Integer call() {
      Map<String, Object> answer = api.post("/api/cluster/leave", "node", node);
      spec.commandLine().getOut().println("leaving: " + answer.get("leaving"));
      return 0;
    }
  }
}
