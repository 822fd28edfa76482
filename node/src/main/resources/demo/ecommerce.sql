-- Real-time e-commerce analytics: an order stream over customers, products and categories, and
-- a slowly-changing price catalog; six stream tables.
CREATE TABLE IF NOT EXISTS categories (
    category_id integer PRIMARY KEY,
    name        text NOT NULL
);
CREATE TABLE IF NOT EXISTS products (
    product_id  integer PRIMARY KEY,
    name        text NOT NULL,
    category_id integer NOT NULL REFERENCES categories,
    base_price  numeric(10, 2) NOT NULL CHECK (base_price > 0)
);
CREATE TABLE IF NOT EXISTS customers (
    customer_id integer PRIMARY KEY,
    name        text NOT NULL,
    country     text NOT NULL
);
CREATE TABLE IF NOT EXISTS product_catalog (
    product_id    integer PRIMARY KEY REFERENCES products,
    current_price numeric(10, 2) NOT NULL CHECK (current_price > 0),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS orders (
    order_id    bigserial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers,
    product_id  integer NOT NULL REFERENCES products,
    quantity    integer NOT NULL CHECK (quantity > 0),
    unit_price  numeric(10, 2) NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO categories (category_id, name)
SELECT g, (ARRAY['Books','Electronics','Garden','Toys','Kitchen','Sports','Beauty','Music'])[g]
  FROM generate_series(1, 8) g
ON CONFLICT DO NOTHING;

INSERT INTO products (product_id, name, category_id, base_price)
SELECT g, (ARRAY['Classic','Smart','Eco','Pro','Mini','Ultra'])[1 + g % 6] || ' ' ||
          (ARRAY['Novel','Headphones','Planter','Robot','Kettle','Racket','Serum','Vinyl'])[1 + (g - 1) % 8] || ' ' || g,
       1 + (g - 1) % 8, round((5 + (g * 37 % 195))::numeric, 2)
  FROM generate_series(1, 40) g
ON CONFLICT DO NOTHING;

INSERT INTO product_catalog (product_id, current_price)
SELECT product_id, base_price FROM products
ON CONFLICT DO NOTHING;

INSERT INTO customers (customer_id, name, country)
SELECT g, (ARRAY['Ava','Ben','Cleo','Dev','Eli','Fay','Gus','Ivy','Jay','Kai','Lia','Max','Noa','Oli','Pia'])[1 + (g - 1) % 15]
          || ' ' || (ARRAY['Adams','Baker','Clark','Diaz','Evans','Fox','Gray','Hill'])[1 + (g - 1) / 15 % 8],
       (ARRAY['US','GB','DE','FR','NL','SE','ES','IT','CA','AU'])[1 + g * 3 % 10]
  FROM generate_series(1, 120) g
ON CONFLICT DO NOTHING;

-- L1: per product, per customer, per category, refreshed every second.
SELECT pgtrickle.create_stream_table(
    name => 'product_sales', schedule => '1s', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT p.product_id, p.name AS product_name, SUM(o.quantity) AS units_sold,
               SUM(o.quantity * o.unit_price) AS revenue, ROUND(AVG(o.unit_price), 2) AS avg_price
          FROM orders o JOIN products p ON p.product_id = o.product_id
         GROUP BY p.product_id, p.name
    $$) WHERE to_regclass('product_sales') IS NULL;

SELECT pgtrickle.create_stream_table(
    name => 'customer_stats', schedule => '1s', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT c.customer_id, c.name AS customer_name, c.country, COUNT(*) AS order_count,
               SUM(o.quantity * o.unit_price) AS total_spent, ROUND(AVG(o.quantity * o.unit_price), 2) AS avg_order_value
          FROM orders o JOIN customers c ON c.customer_id = o.customer_id
         GROUP BY c.customer_id, c.name, c.country
    $$) WHERE to_regclass('customer_stats') IS NULL;

SELECT pgtrickle.create_stream_table(
    name => 'category_revenue', schedule => '1s', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT cat.category_id, cat.name AS category, COUNT(*) AS orders, SUM(o.quantity) AS units,
               SUM(o.quantity * o.unit_price) AS revenue, ROUND(AVG(o.unit_price), 2) AS avg_price
          FROM orders o
          JOIN products p ON p.product_id = o.product_id
          JOIN categories cat ON cat.category_id = p.category_id
         GROUP BY cat.category_id, cat.name
    $$) WHERE to_regclass('category_revenue') IS NULL;

-- L2: revenue per country, rolled up from customer_stats.
SELECT pgtrickle.create_stream_table(
    name => 'country_revenue', schedule => 'calculated', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT country, COUNT(*) AS customers, SUM(order_count) AS orders, SUM(total_spent) AS revenue
          FROM customer_stats
         GROUP BY country
    $$) WHERE to_regclass('country_revenue') IS NULL;

-- Showcases of small change ratios: repricing one product, and the top 10 customers.
SELECT pgtrickle.create_stream_table(
    name => 'catalog_price_impact', schedule => '5s', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT p.product_id, p.name AS product_name, p.base_price, pc.current_price,
               ROUND((pc.current_price - p.base_price) / p.base_price * 100, 2) AS pct_change, pc.updated_at
          FROM product_catalog pc JOIN products p ON p.product_id = pc.product_id
    $$) WHERE to_regclass('catalog_price_impact') IS NULL;

SELECT pgtrickle.create_stream_table(
    name => 'top_10_customers', schedule => 'calculated', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT customer_id, customer_name, country, total_spent, order_count
          FROM customer_stats
         ORDER BY total_spent DESC, customer_id
         LIMIT 10
    $$) WHERE to_regclass('top_10_customers') IS NULL;

INSERT INTO pgtrickle.pgt_dashboard_panels (title, query, position) VALUES
    ('Revenue by category',
     'SELECT category, orders, units, revenue, avg_price FROM category_revenue ORDER BY revenue DESC', 1),
    ('Top 10 customers',
     'SELECT customer_name, country, total_spent, order_count FROM top_10_customers ORDER BY total_spent DESC', 2),
    ('Price changes in the catalog',
     'SELECT product_name, base_price, current_price, pct_change FROM catalog_price_impact WHERE pct_change <> 0 ORDER BY abs(pct_change) DESC LIMIT 10', 3),
    ('Revenue by country',
     'SELECT country, customers, orders, revenue FROM country_revenue ORDER BY revenue DESC', 4)
ON CONFLICT (title) DO NOTHING;
