-- Real-time fraud detection: a transaction stream, users, merchants and a slowly-changing
-- merchant risk tier; nine stream tables with a diamond (transactions feeds user_velocity and
-- merchant_stats, both read by risk_scores).
CREATE TABLE IF NOT EXISTS users (
    user_id    integer PRIMARY KEY,
    name       text NOT NULL,
    country    text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS merchants (
    merchant_id integer PRIMARY KEY,
    name        text NOT NULL,
    category    text NOT NULL,
    country     text NOT NULL
);
CREATE TABLE IF NOT EXISTS merchant_risk_tier (
    merchant_id integer PRIMARY KEY REFERENCES merchants,
    tier        text NOT NULL CHECK (tier IN ('STANDARD', 'ELEVATED', 'HIGH')),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS transactions (
    txn_id      bigserial PRIMARY KEY,
    user_id     integer NOT NULL REFERENCES users,
    merchant_id integer NOT NULL REFERENCES merchants,
    amount      numeric(12, 2) NOT NULL CHECK (amount > 0),
    created_at  timestamptz NOT NULL DEFAULT now()
);
-- A user's transactions, looked up whenever the user's velocity changes.
CREATE INDEX IF NOT EXISTS transactions_user_id ON transactions (user_id);

INSERT INTO users (user_id, name, country)
SELECT g, (ARRAY['Alice','Bruno','Chen','Dara','Emil','Fatima','Goran','Hana','Ivan','Jun','Kofi','Lena','Mateo',
                 'Nia','Omar','Priya','Quinn','Rosa','Sami','Tara'])[1 + (g - 1) % 20] || ' ' ||
          (ARRAY['Ng','Smith','Okafor','Rossi','Kim','Silva','Novak','Haddad','Berg','Sato'])[1 + (g - 1) / 20 % 10],
       (ARRAY['US','GB','DE','FR','BR','IN','JP','NG','SE','ES'])[1 + g * 7 % 10]
  FROM generate_series(1, 200) g
ON CONFLICT DO NOTHING;

INSERT INTO merchants (merchant_id, name, category, country)
SELECT g, (ARRAY['Acme','Globex','Initech','Umbrella','Stark','Wayne','Wonka','Hooli','Vandelay','Soylent',
                 'Tyrell','Cyberdyne','Oscorp','Aperture','Monarch'])[g] || ' ' ||
          (ARRAY['Grocery','Electronics','Travel','Fashion','Crypto','Gambling','Dining','Fuel'])[1 + (g - 1) % 8],
       (ARRAY['Grocery','Electronics','Travel','Fashion','Crypto','Gambling','Dining','Fuel'])[1 + (g - 1) % 8],
       (ARRAY['US','GB','DE','MT','CY'])[1 + g % 5]
  FROM generate_series(1, 15) g
ON CONFLICT DO NOTHING;

INSERT INTO merchant_risk_tier (merchant_id, tier)
SELECT merchant_id, CASE WHEN category IN ('Crypto', 'Gambling') THEN 'ELEVATED' ELSE 'STANDARD' END FROM merchants
ON CONFLICT DO NOTHING;

-- L1 (silver): per user, per merchant, per category, refreshed every second.
SELECT pgtrickle.create_stream_table(
    name => 'user_velocity', schedule => '1s', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT u.user_id, u.name AS user_name, u.country,
               COUNT(*) AS txn_count, SUM(t.amount) AS total_spent, ROUND(AVG(t.amount), 2) AS avg_amount
          FROM transactions t JOIN users u ON u.user_id = t.user_id
         GROUP BY u.user_id, u.name, u.country
    $$) WHERE to_regclass('user_velocity') IS NULL;

SELECT pgtrickle.create_stream_table(
    name => 'merchant_stats', schedule => '1s', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT m.merchant_id, m.name AS merchant_name, m.category,
               COUNT(*) AS txn_count, ROUND(AVG(t.amount), 2) AS avg_amount, COUNT(DISTINCT t.user_id) AS unique_users
          FROM transactions t JOIN merchants m ON m.merchant_id = t.merchant_id
         GROUP BY m.merchant_id, m.name, m.category
    $$) WHERE to_regclass('merchant_stats') IS NULL;

SELECT pgtrickle.create_stream_table(
    name => 'category_volume', schedule => '1s', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT m.category, COUNT(*) AS txn_count, SUM(t.amount) AS volume, ROUND(AVG(t.amount), 2) AS avg_amount,
               COUNT(DISTINCT t.user_id) AS unique_users
          FROM transactions t JOIN merchants m ON m.merchant_id = t.merchant_id
         GROUP BY m.category
    $$) WHERE to_regclass('category_volume') IS NULL;

-- L2 (gold): every transaction scored against its user's and merchant's profile (the diamond:
-- refreshed together with both L1 tables it reads), and a per-country roll-up.
SELECT pgtrickle.create_stream_table(
    name => 'risk_scores', schedule => 'calculated', refresh_mode => 'DIFFERENTIAL',
    diamond_consistency => 'atomic',
    query => $$
        SELECT t.txn_id, t.user_id, uv.user_name, t.merchant_id, ms.merchant_name, ms.category, t.amount,
               uv.avg_amount AS user_avg_amount, uv.txn_count AS user_txn_count,
               CASE WHEN ms.category IN ('Crypto', 'Gambling') AND t.amount > 3 * uv.avg_amount THEN 'HIGH'
                    WHEN ms.category IN ('Crypto', 'Gambling') OR t.amount > 2 * uv.avg_amount THEN 'MEDIUM'
                    ELSE 'LOW' END AS risk_level
          FROM transactions t
          JOIN user_velocity uv ON uv.user_id = t.user_id
          JOIN merchant_stats ms ON ms.merchant_id = t.merchant_id
    $$) WHERE to_regclass('risk_scores') IS NULL;

SELECT pgtrickle.create_stream_table(
    name => 'country_risk', schedule => 'calculated', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT country, COUNT(*) AS users, SUM(txn_count) AS txn_count, SUM(total_spent) AS total_spent,
               ROUND(AVG(avg_amount), 2) AS avg_amount
          FROM user_velocity
         GROUP BY country
    $$) WHERE to_regclass('country_risk') IS NULL;

-- L3 (platinum): alerts by risk level and risky merchants.
SELECT pgtrickle.create_stream_table(
    name => 'alert_summary', schedule => 'calculated', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT risk_level, COUNT(*) AS txn_count, SUM(amount) AS total_amount, ROUND(AVG(amount), 2) AS avg_amount
          FROM risk_scores
         GROUP BY risk_level
    $$) WHERE to_regclass('alert_summary') IS NULL;

SELECT pgtrickle.create_stream_table(
    name => 'top_risky_merchants', schedule => 'calculated', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT merchant_id, merchant_name, category,
               SUM(CASE WHEN risk_level = 'HIGH' THEN 1 ELSE 0 END) AS high_risk_count,
               SUM(CASE WHEN risk_level = 'MEDIUM' THEN 1 ELSE 0 END) AS medium_risk_count,
               COUNT(*) AS txn_count
          FROM risk_scores
         GROUP BY merchant_id, merchant_name, category
    $$) WHERE to_regclass('top_risky_merchants') IS NULL;

-- Showcases of small change ratios: a slowly-changing lookup, and the top 10 of L3.
SELECT pgtrickle.create_stream_table(
    name => 'merchant_tier_stats', schedule => '5s', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT m.merchant_id, m.name AS merchant_name, m.category, r.tier, r.updated_at AS tier_since
          FROM merchant_risk_tier r JOIN merchants m ON m.merchant_id = r.merchant_id
    $$) WHERE to_regclass('merchant_tier_stats') IS NULL;

SELECT pgtrickle.create_stream_table(
    name => 'top_10_risky_merchants', schedule => '5s', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT merchant_id, merchant_name, category, high_risk_count, txn_count
          FROM top_risky_merchants
         ORDER BY high_risk_count DESC, txn_count DESC, merchant_id
         LIMIT 10
    $$) WHERE to_regclass('top_10_risky_merchants') IS NULL;

INSERT INTO pgtrickle.pgt_dashboard_panels (title, query, position) VALUES
    ('Fraud alerts: latest HIGH-risk transactions',
     'SELECT txn_id, user_name, merchant_name, amount, risk_level FROM risk_scores WHERE risk_level = ''HIGH'' ORDER BY txn_id DESC LIMIT 10', 1),
    ('Alerts by risk level',
     'SELECT risk_level, txn_count, total_amount, avg_amount FROM alert_summary ORDER BY risk_level', 2),
    ('Top 10 risky merchants',
     'SELECT merchant_name, category, high_risk_count, txn_count FROM top_10_risky_merchants ORDER BY high_risk_count DESC, txn_count DESC', 3),
    ('Merchant risk tiers',
     'SELECT merchant_name, category, tier, tier_since FROM merchant_tier_stats ORDER BY tier DESC, merchant_name', 4)
ON CONFLICT (title) DO NOTHING;
