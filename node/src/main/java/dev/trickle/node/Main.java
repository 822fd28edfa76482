package dev.trickle.node;

/** Entry point of the {@code trickle} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(TrickleCli.execute(args, System.out, System.err));
  }
}
