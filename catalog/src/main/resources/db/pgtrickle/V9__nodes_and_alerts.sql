-- Health: the Trickle nodes serving this database, and the alert conditions already announced.

-- Every node writes its row when it starts and every few seconds after (its heartbeat), and
-- deletes it when it leaves. health_check() counts the nodes seen recently.
CREATE TABLE pgtrickle.pgt_nodes (
    node         text PRIMARY KEY,
    http_url     text,
    started_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL
);

-- Conditions that last (a stale table, a growing change buffer) are announced on
-- pg_trickle_alert once when they begin; a row here means "announced, still holding".
CREATE TABLE pgtrickle.pgt_alert_conditions (
    alert     text NOT NULL,
    subject   text NOT NULL,
    raised_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (alert, subject)
);

-- The dashboard's scenario panels: live queries the node's web dashboard shows beside the
-- stream tables (a demo's leaderboard, its fraud alerts). Nodes run them read-only, with a
-- short statement timeout, showing the first 20 rows.
CREATE TABLE pgtrickle.pgt_dashboard_panels (
    panel_id bigserial PRIMARY KEY,
    title    text NOT NULL UNIQUE,
    query    text NOT NULL,
    position integer NOT NULL DEFAULT 0
);
