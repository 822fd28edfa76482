package dev.trickle.node.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Real-time fraud detection: about one card transaction per second; every ~45 s a suspicious
 * burst (one user, 6–14 rapid, escalating payments to Crypto and Gambling merchants) drives
 * HIGH risk scores; every 30 transactions one merchant's risk tier rotates (STANDARD, ELEVATED,
 * HIGH), which merchant_tier_stats picks up differentially.
 *
 * <p>The cardholders are fraud.sql's 200 named users at the default rate, and
 * {@link #USERS_PER_RATE} more for every further transaction a second (about 1M at 2,000/s, still
 * few for a card issuer taking that many payments): each user's velocity, which every one of the
 * user's scored transactions shows, then changes now and then, not on every refresh.
 */
final class FraudScenario extends PacedScenario {
  private static final int NAMED_USERS = 200;
  private static final int USERS_PER_RATE = 500;
  private static final int MERCHANTS = 15;
  /** Merchants of the risky categories (Crypto, Gambling) in fraud.sql's merchant list. */
  private static final int[] RISKY_MERCHANTS = {5, 6, 13, 14};
  private static final int BURST_EVERY_SECONDS = 45;
  /** The first burst comes early, so that a new demo shows alerts within its first minute. */
  private static final int FIRST_BURST_SECONDS = 10;
  private static final int TIER_ROTATION_EVERY = 30;

  private final int users;
  private long transactions;

  FraudScenario(Pace pace, long seed) {
    super("fraud", pace, seed);
    this.users = NAMED_USERS + USERS_PER_RATE * (pace.perSecond() - 1);
  }

  /** Runs fraud.sql, then adds the cardholders beyond its named users that the rate calls for. */
  @Override
  public void setUp(Connection connection) throws SQLException {
    super.setUp(connection);
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO users (user_id, name, country) "
        + "SELECT g, 'Cardholder ' || g, (ARRAY['US','GB','DE','FR','BR','IN','JP','NG','SE','ES'])[1 + g * 7 % 10] "
        + "FROM generate_series(?, ?) g ON CONFLICT DO NOTHING")) {
      insert.setInt(1, NAMED_USERS + 1);
      insert.setInt(2, users);
      insert.executeUpdate();
    }
  }

  @Override
  public void generate(Connection connection) throws SQLException {
    int due = pace.tick();
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO transactions (user_id, merchant_id, amount) VALUES (?, ?, ?)")) {
      for (int i = 0; i < due; i++) {
        insert.setInt(1, 1 + random.nextInt(users));
        insert.setInt(2, 1 + random.nextInt(MERCHANTS));
        // Everyday payments: log-normal, a median of about 55 with a long tail.
        insert.setBigDecimal(3, money(Math.exp(4 + 0.8 * random.nextGaussian())));
        insert.addBatch();
        transactions++;
        if (transactions % TIER_ROTATION_EVERY == 0) {
          rotateTier(connection);
        }
      }
      if (pace.every(BURST_EVERY_SECONDS, FIRST_BURST_SECONDS)) {
        int user = 1 + random.nextInt(users);
        int payments = 6 + random.nextInt(9);
        double amount = 200 + random.nextInt(300);
        for (int payment = 0; payment < payments; payment++, amount *= 1.35) {
          insert.setInt(1, user);
          insert.setInt(2, RISKY_MERCHANTS[random.nextInt(RISKY_MERCHANTS.length)]);
          insert.setBigDecimal(3, money(amount));
          insert.addBatch();
        }
      }
      insert.executeBatch();
    }
  }

  private static BigDecimal money(double amount) {
    return BigDecimal.valueOf(Math.max(1, amount)).setScale(2, RoundingMode.HALF_UP);
  }

  private void rotateTier(Connection connection) throws SQLException {
    try (PreparedStatement rotate = connection.prepareStatement("UPDATE merchant_risk_tier SET tier = CASE tier "
        + "WHEN 'STANDARD' THEN 'ELEVATED' WHEN 'ELEVATED' THEN 'HIGH' ELSE 'STANDARD' END, updated_at = now() "
        + "WHERE merchant_id = ?")) {
      rotate.setInt(1, 1 + random.nextInt(MERCHANTS));
      rotate.executeUpdate();
    }
  }

  @Override
  public List<String> introduction() {
    return List.of(
        "Generator:     about " + pace.perSecond() + " transaction(s)/s from " + users + " cardholders; a suspicious "
            + "burst every ~" + BURST_EVERY_SECONDS + " s; a merchant tier rotates every " + TIER_ROTATION_EVERY
            + " transactions",
        "Stream tables: user_velocity, merchant_stats, category_volume (1 s); risk_scores (the diamond), country_risk,",
        "               alert_summary, top_risky_merchants (calculated); merchant_tier_stats, top_10_risky_merchants (5 s)",
        "Try:           SELECT txn_id, user_name, merchant_name, amount, risk_level FROM risk_scores",
        "                WHERE risk_level = 'HIGH' ORDER BY txn_id DESC LIMIT 10;",
        "               SELECT tree_line FROM pgtrickle.dependency_tree() ORDER BY tree_line;");
  }
}
