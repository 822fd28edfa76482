package dev.trickle.node.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Real-time e-commerce analytics: about one order per second at the catalog's current price;
 * every ~45 s a flash sale floods one category with 8–18 discounted orders (70–90% of the price);
 * every 30 orders one product is repriced within ±20% of its base price.
 */
final class EcommerceScenario extends PacedScenario {
  private static final int CUSTOMERS = 120;
  private static final int PRODUCTS = 40;
  private static final int CATEGORIES = 8;
  private static final int FLASH_SALE_EVERY_SECONDS = 45;
  /** The first flash sale comes early, so that a new demo shows one within its first minute. */
  private static final int FIRST_SALE_SECONDS = 10;
  private static final int REPRICE_EVERY = 30;

  private long orders;

  EcommerceScenario(Pace pace, long seed) {
    super("ecommerce", pace, seed);
  }

  @Override
  public void generate(Connection connection) throws SQLException {
    int due = pace.tick();
    try (PreparedStatement order = connection.prepareStatement("INSERT INTO orders (customer_id, product_id, quantity, "
        + "unit_price) SELECT ?, product_id, ?, round(current_price * ?, 2) FROM product_catalog WHERE product_id = ?")) {
      for (int i = 0; i < due; i++) {
        add(order, 1 + random.nextInt(PRODUCTS), 1.0);
        orders++;
        if (orders % REPRICE_EVERY == 0) {
          reprice(connection);
        }
      }
      if (pace.every(FLASH_SALE_EVERY_SECONDS, FIRST_SALE_SECONDS)) {
        int category = 1 + random.nextInt(CATEGORIES);
        int burst = 8 + random.nextInt(11);
        for (int i = 0; i < burst; i++) {
          // Products of one category are category, category + 8, category + 16, ... (ecommerce.sql).
          add(order, category + CATEGORIES * random.nextInt(PRODUCTS / CATEGORIES), 0.7 + 0.2 * random.nextDouble());
        }
      }
      order.executeBatch();
    }
  }

  private void add(PreparedStatement order, int product, double priceFactor) throws SQLException {
    order.setInt(1, 1 + random.nextInt(CUSTOMERS));
    order.setInt(2, 1 + (random.nextInt(10) == 0 ? random.nextInt(4) : 0));
    order.setBigDecimal(3, BigDecimal.valueOf(priceFactor).setScale(4, RoundingMode.HALF_UP));
    order.setInt(4, product);
    order.addBatch();
  }

  private void reprice(Connection connection) throws SQLException {
    try (PreparedStatement reprice = connection.prepareStatement("UPDATE product_catalog c SET current_price = "
        + "round(p.base_price * ?, 2), updated_at = now() FROM products p WHERE p.product_id = c.product_id "
        + "AND c.product_id = ?")) {
      reprice.setBigDecimal(1, BigDecimal.valueOf(0.8 + 0.4 * random.nextDouble()).setScale(4, RoundingMode.HALF_UP));
      reprice.setInt(2, 1 + random.nextInt(PRODUCTS));
      reprice.executeUpdate();
    }
  }

  @Override
  public List<String> introduction() {
    return List.of(
        "Generator:     about " + pace.perSecond() + " order(s)/s; a flash sale every ~"
            + FLASH_SALE_EVERY_SECONDS + " s; a product repriced every " + REPRICE_EVERY + " orders",
        "Stream tables: product_sales, customer_stats, category_revenue (1 s); country_revenue, top_10_customers",
        "               (calculated); catalog_price_impact (5 s)",
        "Try:           SELECT * FROM category_revenue ORDER BY revenue DESC;",
        "               SELECT product_name, base_price, current_price, pct_change FROM catalog_price_impact",
        "                ORDER BY ABS(pct_change) DESC;");
  }
}
