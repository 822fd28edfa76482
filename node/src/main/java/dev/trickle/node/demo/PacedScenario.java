package dev.trickle.node.demo;

import java.util.Random;

/** A scenario whose generator writes at a pace, with its own seeded randomness. */
abstract class PacedScenario implements Scenario {
  protected final Pace pace;
  protected final Random random;
  private final String name;

  PacedScenario(String name, Pace pace, long seed) {
    this.name = name;
    this.pace = pace;
    this.random = new Random(seed);
  }

  @Override
  public String name() {
    return name;
  }
}
