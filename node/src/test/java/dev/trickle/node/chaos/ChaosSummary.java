package dev.trickle.node.chaos;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What a chaos run did and saw: per fault kind, how often it was injected and recovered from, how long that took. */
final class ChaosSummary {
  private final Map<Fault, List<Duration>> recoveries = new EnumMap<>(Fault.class);
  private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
  private final Map<Fault, Duration> maxStaleness = new EnumMap<>(Fault.class);
  private final List<String> violations = new ArrayList<>();
  private int midRefreshKills;
  private int nodeRestarts;

  void inject(Fault fault) {
    injected.merge(fault, 1, Integer::sum);
  }

  /** The fault was lifted and every stream table refreshed again after {@code took}, never staler than {@code staleness}. */
  void recovered(Fault fault, Duration took, Duration staleness) {
    recoveries.computeIfAbsent(fault, key -> new ArrayList<>()).add(took);
    staleness(fault, staleness);
  }

  /** The worst staleness seen while recovering from the fault. */
  void staleness(Fault fault, Duration staleness) {
    maxStaleness.merge(fault, staleness, (a, b) -> a.compareTo(b) >= 0 ? a : b);
  }

  void killedMidRefresh() {
    midRefreshKills++;
  }

  void nodesRestarted(int count) {
    nodeRestarts += count;
  }

  void violations(String after, List<String> found) {
    found.forEach(violation -> violations.add(after + ": " + violation));
  }

  List<String> violations() {
    return List.copyOf(violations);
  }

  int timesInjected(Fault fault) {
    return injected.getOrDefault(fault, 0);
  }

  int recoveries(Fault fault) {
    return recoveries.getOrDefault(fault, List.of()).size();
  }

  void print(PrintStream out, String header, List<String> totals) {
    out.println(header);
    out.printf("%-22s %8s %9s %13s %14s%n", "fault", "injected", "recovered", "max recovery", "max staleness");
    for (Fault fault : Fault.values()) {
      List<Duration> took = recoveries.getOrDefault(fault, List.of());
      out.printf("%-22s %8d %9d %11.1f s %12.1f s%n", fault.label(), timesInjected(fault), took.size(),
          seconds(took.stream().max(Duration::compareTo).orElse(Duration.ZERO)),
          seconds(maxStaleness.getOrDefault(fault, Duration.ZERO)));
    }
    totals.forEach(out::println);
    out.println("kills that caught the node mid-refresh: " + midRefreshKills + "/" + timesInjected(Fault.KILL)
        + "; node restarts: " + nodeRestarts);
    out.println("violations: " + violations.size());
    violations.forEach(violation -> out.println("  " + violation));
    out.flush();
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }
}
