package dev.trickle.node.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time of the PostgreSQL processes on this machine that the operating system lets us see
 * (the running ones: a backend that exits takes its count with it).
 */
final class PostgresCpu {
  private PostgresCpu() {}

  static Duration total() {
    return ProcessHandle.allProcesses()
        .filter(process -> process.info().command().map(command -> Path.of(command).getFileName().toString())
            .filter(name -> name.equals("postgres")).isPresent())
        .map(process -> process.info().totalCpuDuration().orElse(Duration.ZERO))
        .reduce(Duration.ZERO, Duration::plus);
  }
}
