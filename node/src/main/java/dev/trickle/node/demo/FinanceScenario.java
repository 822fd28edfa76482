package dev.trickle.node.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Real-time financial risk: every second one of the 30 instruments moves its price (a Gaussian
 * walk pulled back towards its base price) and about one trade arrives; every ~60 s an
 * algorithm fires a burst of 10–20 trades. Changes flow down the 10-level calculated DAG.
 */
final class FinanceScenario extends PacedScenario {
  private static final int ACCOUNTS = 50;
  private static final int INSTRUMENTS = 30;
  private static final int BURST_EVERY_SECONDS = 60;
  /** The instruments' symbols in finance.sql's order. */
  private static final String[] SYMBOLS = {"AAX", "BRT", "CNV", "DLT", "EQN", "FLX", "GRD", "HLX", "INV", "JTR", "KRN",
      "LMN", "MRC", "NVA", "OPT", "PRX", "QNT", "RDX", "SLV", "TRN", "UMB", "VRT", "WND", "XEN", "YLD", "ZPH", "ARC",
      "BLU", "CRS", "DYN"};


  FinanceScenario(Pace pace, long seed) {
    super("finance", pace, seed);
  }

  @Override
  public void generate(Connection connection) throws SQLException {
    int due = pace.tick();
    if (pace.onSecond()) {
      movePrice(connection);
    }
    try (PreparedStatement trade = connection.prepareStatement("INSERT INTO trades (account_id, symbol, quantity, price) "
        + "SELECT ?, symbol, ?, mid FROM prices WHERE symbol = ?")) {
      for (int i = 0; i < due; i++) {
        add(trade, 1 + random.nextInt(ACCOUNTS), SYMBOLS[random.nextInt(INSTRUMENTS)]);
      }
      if (pace.every(BURST_EVERY_SECONDS, 0)) {
        int account = 1 + random.nextInt(ACCOUNTS);
        String symbol = SYMBOLS[random.nextInt(INSTRUMENTS)];
        for (int burst = 10 + random.nextInt(11); burst > 0; burst--) {
          add(trade, account, symbol);
        }
      }
      trade.executeBatch();
    }
  }

  private void add(PreparedStatement trade, int account, String symbol) throws SQLException {
    int size = 10 * (1 + random.nextInt(50));
    trade.setInt(1, account);
    trade.setInt(2, random.nextInt(3) == 0 ? -size : size);
    trade.setString(3, symbol);
    trade.addBatch();
  }

  /** Moves one instrument: mid += 10% of the way back to base + 1% noise; bid and ask 5 bp around it. */
  private void movePrice(Connection connection) throws SQLException {
    try (PreparedStatement move = connection.prepareStatement("UPDATE prices p SET mid = m.mid, bid = round(m.mid * 0.9995, 4), "
        + "ask = round(m.mid * 1.0005, 4), updated_at = now() FROM (SELECT p2.symbol, "
        + "greatest(0.01, round(p2.mid + (i.base_price - p2.mid) * 0.1 + p2.mid * ?, 4)) AS mid "
        + "FROM prices p2 JOIN instruments i ON i.symbol = p2.symbol WHERE p2.symbol = ?) m WHERE p.symbol = m.symbol")) {
      move.setBigDecimal(1, BigDecimal.valueOf(0.01 * random.nextGaussian()).setScale(6, RoundingMode.HALF_UP));
      move.setString(2, SYMBOLS[random.nextInt(INSTRUMENTS)]);
      move.executeUpdate();
    }
  }

  @Override
  public List<String> introduction() {
    return List.of(
        "Generator:     one price move per second; about " + pace.perSecond() + " trade(s)/s; an algorithmic burst every ~" + BURST_EVERY_SECONDS + " s",
        "Stream tables: price_snapshot (2 s) and net_positions (1 s), then nine calculated levels down to",
        "               breach_dashboard (L10)",
        "Try:           SELECT rank, portfolio_name, capital_required, capital_limit, utilization_ratio",
        "                FROM breach_dashboard ORDER BY rank;",
        "               SELECT portfolio_name, pnl, portfolio_var_95pct FROM portfolio_var ORDER BY portfolio_name;");
  }
}
