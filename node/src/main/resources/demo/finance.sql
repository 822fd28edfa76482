-- Real-time financial risk: instruments with live prices, trades by accounts in portfolios, and a
-- 10-level DAG where only the two leaves have schedules; everything below is calculated. The
-- top 10 of L10 is a filter on RANK() (ties kept), which DIFFERENTIAL maintains.
CREATE TABLE IF NOT EXISTS sectors (
    sector           text PRIMARY KEY,
    daily_volatility numeric(6, 4) NOT NULL
);
CREATE TABLE IF NOT EXISTS instruments (
    symbol     text PRIMARY KEY,
    name       text NOT NULL,
    sector     text NOT NULL REFERENCES sectors,
    base_price numeric(12, 4) NOT NULL
);
CREATE TABLE IF NOT EXISTS prices (
    symbol     text PRIMARY KEY REFERENCES instruments,
    bid        numeric(12, 4) NOT NULL,
    ask        numeric(12, 4) NOT NULL,
    mid        numeric(12, 4) NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS portfolios (
    portfolio_id   integer PRIMARY KEY,
    name           text NOT NULL,
    capital_limit  numeric(16, 2) NOT NULL
);
CREATE TABLE IF NOT EXISTS accounts (
    account_id   integer PRIMARY KEY,
    name         text NOT NULL,
    portfolio_id integer NOT NULL REFERENCES portfolios
);
CREATE TABLE IF NOT EXISTS trades (
    trade_id   bigserial PRIMARY KEY,
    account_id integer NOT NULL REFERENCES accounts,
    symbol     text NOT NULL REFERENCES instruments,
    quantity   integer NOT NULL CHECK (quantity <> 0),
    price      numeric(12, 4) NOT NULL,
    traded_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO sectors (sector, daily_volatility) VALUES
    ('Technology', 0.0210), ('Financials', 0.0160), ('Energy', 0.0240), ('Healthcare', 0.0130),
    ('Industrials', 0.0140), ('Consumer', 0.0120), ('Utilities', 0.0090), ('Materials', 0.0180)
ON CONFLICT DO NOTHING;

INSERT INTO instruments (symbol, name, sector, base_price)
SELECT s, s || ' Corp', (ARRAY['Technology','Financials','Energy','Healthcare','Industrials','Consumer','Utilities','Materials'])[1 + (g - 1) % 8],
       (20 + g * 13 % 280)::numeric
  FROM generate_series(1, 30) g,
       LATERAL (SELECT (ARRAY['AAX','BRT','CNV','DLT','EQN','FLX','GRD','HLX','INV','JTR','KRN','LMN','MRC','NVA','OPT',
                              'PRX','QNT','RDX','SLV','TRN','UMB','VRT','WND','XEN','YLD','ZPH','ARC','BLU','CRS','DYN'])[g] AS s) names
ON CONFLICT DO NOTHING;

INSERT INTO prices (symbol, bid, ask, mid)
SELECT symbol, base_price - 0.01, base_price + 0.01, base_price FROM instruments
ON CONFLICT DO NOTHING;

INSERT INTO portfolios (portfolio_id, name, capital_limit) VALUES
    (1, 'Global Macro', 2500000), (2, 'Tech Growth', 1500000), (3, 'Income', 3000000),
    (4, 'Emerging', 1000000), (5, 'Quant Alpha', 2000000)
ON CONFLICT DO NOTHING;

INSERT INTO accounts (account_id, name, portfolio_id)
SELECT g, 'Account ' || lpad(g::text, 2, '0'), 1 + (g - 1) % 5 FROM generate_series(1, 50) g
ON CONFLICT DO NOTHING;

-- L1: the leaves, the only tables with schedules.
SELECT pgtrickle.create_stream_table(
    name => 'price_snapshot', schedule => '2s', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT i.symbol, i.name, i.sector, p.bid, p.ask, p.mid, p.updated_at
          FROM prices p JOIN instruments i ON i.symbol = p.symbol
    $$) WHERE to_regclass('price_snapshot') IS NULL;

SELECT pgtrickle.create_stream_table(
    name => 'net_positions', schedule => '1s', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT account_id, symbol AS instrument_symbol, SUM(quantity) AS net_quantity,
               SUM(quantity * price) AS position_value, COUNT(*) AS trades
          FROM trades
         GROUP BY account_id, symbol
    $$) WHERE to_regclass('net_positions') IS NULL;

-- L2 to L10: calculated, each refreshed right after what it reads changed.
SELECT pgtrickle.create_stream_table(
    name => 'position_values', schedule => 'calculated', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT n.account_id, n.instrument_symbol, ps.sector, n.net_quantity, ps.mid,
               n.net_quantity * ps.mid AS market_value, n.net_quantity * ps.mid - n.position_value AS unrealized_pnl
          FROM net_positions n JOIN price_snapshot ps ON ps.symbol = n.instrument_symbol
    $$) WHERE to_regclass('position_values') IS NULL;

SELECT pgtrickle.create_stream_table(
    name => 'account_pnl', schedule => 'calculated', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT pv.account_id, a.portfolio_id, SUM(pv.market_value) AS market_value, SUM(pv.unrealized_pnl) AS pnl,
               COUNT(*) AS positions
          FROM position_values pv JOIN accounts a ON a.account_id = pv.account_id
         GROUP BY pv.account_id, a.portfolio_id
    $$) WHERE to_regclass('account_pnl') IS NULL;

SELECT pgtrickle.create_stream_table(
    name => 'portfolio_pnl', schedule => 'calculated', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT ap.portfolio_id, p.name AS portfolio_name, SUM(ap.market_value) AS market_value, SUM(ap.pnl) AS pnl,
               COUNT(*) AS accounts
          FROM account_pnl ap JOIN portfolios p ON p.portfolio_id = ap.portfolio_id
         GROUP BY ap.portfolio_id, p.name
    $$) WHERE to_regclass('portfolio_pnl') IS NULL;

SELECT pgtrickle.create_stream_table(
    name => 'sector_exposure', schedule => 'calculated', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT pv.sector, SUM(pv.market_value) AS gross_exposure, SUM(abs(pv.market_value)) AS abs_exposure,
               COUNT(DISTINCT pp.portfolio_id) AS portfolios
          FROM position_values pv
          JOIN accounts a ON a.account_id = pv.account_id
          JOIN portfolio_pnl pp ON pp.portfolio_id = a.portfolio_id
         GROUP BY pv.sector
    $$) WHERE to_regclass('sector_exposure') IS NULL;

-- Parametric 95% VaR per position, scaled up with its sector's concentration.
SELECT pgtrickle.create_stream_table(
    name => 'var_contributions', schedule => 'calculated', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT pv.account_id, pv.instrument_symbol, pv.sector, pv.market_value,
               round(abs(pv.market_value) * s.daily_volatility * 1.645
                     * (1 + abs(pv.market_value) / nullif(se.abs_exposure, 0)), 2) AS var_95
          FROM position_values pv
          JOIN sectors s ON s.sector = pv.sector
          JOIN sector_exposure se ON se.sector = pv.sector
    $$) WHERE to_regclass('var_contributions') IS NULL;

SELECT pgtrickle.create_stream_table(
    name => 'account_var', schedule => 'calculated', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT account_id, SUM(var_95) AS account_var_95, COUNT(*) AS positions
          FROM var_contributions
         GROUP BY account_id
    $$) WHERE to_regclass('account_var') IS NULL;

-- Basel-style scenario VaR: the accounts' VaR with a 1.2 stress multiplier.
SELECT pgtrickle.create_stream_table(
    name => 'portfolio_var', schedule => 'calculated', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT pp.portfolio_id, pp.portfolio_name, pp.pnl, SUM(av.account_var_95) * 1.2 AS portfolio_var_95pct
          FROM account_var av
          JOIN accounts a ON a.account_id = av.account_id
          JOIN portfolio_pnl pp ON pp.portfolio_id = a.portfolio_id
         GROUP BY pp.portfolio_id, pp.portfolio_name, pp.pnl
    $$) WHERE to_regclass('portfolio_var') IS NULL;

SELECT pgtrickle.create_stream_table(
    name => 'regulatory_capital', schedule => 'calculated', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT pv.portfolio_id, pv.portfolio_name, pv.portfolio_var_95pct * 3 AS capital_required, p.capital_limit,
               round(pv.portfolio_var_95pct * 3 / p.capital_limit, 4) AS utilization_ratio
          FROM portfolio_var pv JOIN portfolios p ON p.portfolio_id = pv.portfolio_id
    $$) WHERE to_regclass('regulatory_capital') IS NULL;

SELECT pgtrickle.create_stream_table(
    name => 'breach_dashboard', schedule => 'calculated', refresh_mode => 'DIFFERENTIAL',
    query => $$
        SELECT rank, portfolio_id, portfolio_name, capital_required, capital_limit, utilization_ratio
          FROM (SELECT RANK() OVER (ORDER BY utilization_ratio DESC) AS rank, portfolio_id, portfolio_name,
                       capital_required, capital_limit, utilization_ratio
                  FROM regulatory_capital) ranked
         WHERE rank <= 10
    $$) WHERE to_regclass('breach_dashboard') IS NULL;

INSERT INTO pgtrickle.pgt_dashboard_panels (title, query, position) VALUES
    ('Breach dashboard: capital-constrained portfolios',
     'SELECT rank, portfolio_name, capital_required, capital_limit, utilization_ratio FROM breach_dashboard ORDER BY rank', 1),
    ('Portfolio P&L and VaR',
     'SELECT portfolio_name, pnl, portfolio_var_95pct FROM portfolio_var ORDER BY portfolio_name', 2),
    ('Sector exposure',
     'SELECT sector, gross_exposure, abs_exposure, portfolios FROM sector_exposure ORDER BY abs_exposure DESC', 3),
    ('Market prices',
     'SELECT symbol, sector, bid, ask, mid FROM price_snapshot ORDER BY updated_at DESC LIMIT 10', 4)
ON CONFLICT (title) DO NOTHING;
